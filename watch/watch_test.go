package watch

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// TestSlowWriteUploadedOnceComplete: a file written in several pieces over
// more than the settle window (each piece within it) is not handed over
// while it grows (ShareX #2236 fired on files still being written); once
// it stops changing it is uploaded once, complete.
func TestSlowWriteUploadedOnceComplete(t *testing.T) {
	h := newHarness(t)
	h.start(nil)
	p := filepath.Join(h.dir, "video.mp4")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	var all []byte
	piece := func(i int) {
		b := bytes.Repeat([]byte{byte('a' + i)}, 64<<10+i)
		if _, err := f.Write(b); err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	piece(0)
	h.wait("the file to be seen", func() bool { return h.count(Waiting, p) > 0 })
	for i := 1; i < 6; i++ { // 6 pieces, 1.5 s apart on the clock: 7.5 s of writing, settle 2 s
		h.step(settle * 3 / 4)
		piece(i)
		h.step(0)
		if h.writes() != 0 || len(h.w.inflight) != 0 {
			// inflight is read between steps: the watcher is idle after sync.
			t.Fatalf("handed over after piece %d while still being written", i)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	h.until("the upload", func() bool { return h.count(Uploaded, p) > 0 })
	d, _ := h.find(Uploaded, p)
	if d.Key != "Shots/video.mp4" || d.Size != int64(len(all)) {
		t.Errorf("decision %+v, want key Shots/video.mp4 and %d bytes", d, len(all))
	}
	size, crc, found := h.head("Shots/video.mp4")
	if !found || size != int64(len(all)) || crc != crcOf(all) {
		t.Errorf("COS holds %d bytes, CRC64 %d (found %v); want %d bytes, CRC64 %d", size, crc, found, len(all), crcOf(all))
	}
	for range 3 {
		h.step(settle)
	}
	if n := h.srv.Stats().Count("PutObject"); n != 1 || h.count(Uploaded, p) != 1 {
		t.Errorf("%d PutObject requests, %d uploaded decisions; want exactly 1 each", n, h.count(Uploaded, p))
	}
}

// TestTempRenamedIntoPlace: "x.tmp" renamed to "x.png" (ShareX #7567 missed
// it) is uploaded under the final name; the .tmp never is, and its
// temporary name is recorded as the reason it waited.
func TestTempRenamedIntoPlace(t *testing.T) {
	h := newHarness(t)
	h.start(nil)
	tmp, final := filepath.Join(h.dir, "sub", "x.tmp"), filepath.Join(h.dir, "sub", "x.png")
	data := bytes.Repeat([]byte("png"), 10000)
	writeFile(t, tmp, data)
	h.until("the temporary name to be recorded", func() bool { return h.count(Temporary, tmp) > 0 })
	for range 3 {
		h.step(settle)
	}
	if h.writes() != 0 {
		t.Fatal("the .tmp file was uploaded")
	}
	if err := os.Rename(tmp, final); err != nil {
		t.Fatal(err)
	}
	h.until("the renamed file to be uploaded", func() bool { return h.count(Uploaded, final) > 0 })
	if _, crc, found := h.head("Shots/sub/x.png"); !found || crc != crcOf(data) {
		t.Errorf("Shots/sub/x.png: found %v, CRC64 %d; want %d", found, crc, crcOf(data))
	}
	if keys := h.objects(); len(keys) != 1 {
		t.Errorf("bucket holds %v, want only Shots/sub/x.png", keys)
	}
	d, _ := h.find(Temporary, tmp)
	if d.Args["pattern"] != "*.tmp" {
		t.Errorf("temporary decision %+v, want pattern *.tmp", d)
	}
}

// TestThousandFilesAtOnce: 1,000 files appearing at once in a new
// subfolder (ShareX #8016 uploaded 7 of 50) are all uploaded, each once.
func TestThousandFilesAtOnce(t *testing.T) {
	h := newHarness(t)
	h.start(nil)
	sub := filepath.Join(h.dir, "burst")
	const n = 1000
	for i := range n {
		writeFile(t, filepath.Join(sub, fmt.Sprintf("f%04d.txt", i)), []byte(fmt.Sprintf("file %d", i)))
	}
	h.until("1,000 uploads", func() bool { return h.count(Uploaded, "") >= n })
	for range 3 {
		h.step(settle)
	}
	keys := h.objects()
	if len(keys) != n {
		t.Errorf("bucket holds %d objects, want %d", len(keys), n)
	}
	if got := h.srv.Stats().Count("PutObject"); got != n {
		t.Errorf("%d PutObject requests, want %d", got, n)
	}
	per := map[string]int{}
	h.mu.Lock()
	for _, d := range h.decisions {
		if d.Code == Uploaded {
			per[d.Path]++
		}
	}
	h.mu.Unlock()
	for i := range n {
		p := filepath.Join(sub, fmt.Sprintf("f%04d.txt", i))
		if per[p] != 1 || !keys[fmt.Sprintf("Shots/burst/f%04d.txt", i)] {
			t.Fatalf("%s: %d uploaded decisions, in COS %v", p, per[p], keys[fmt.Sprintf("Shots/burst/f%04d.txt", i)])
		}
	}
}

// TestRestartSendsNothingUnchanged: a watcher started again over the same
// folder and journal (COSBrowser #97 re-checked everything at each boot,
// #111 logged unchanged files as uploaded) sends nothing for unchanged
// files and says so; a file changed while it was stopped is sent again.
func TestRestartSendsNothingUnchanged(t *testing.T) {
	h := newHarness(t)
	const n = 20
	for i := range n {
		writeFile(t, filepath.Join(h.dir, fmt.Sprintf("d%d/f%02d.txt", i%3, i)), []byte(strings.Repeat("x", i+1)))
	}
	h.start(nil)
	h.until("the first uploads", func() bool { return h.count(Uploaded, "") == n })
	h.stop()

	changed := filepath.Join(h.dir, "d0/f00.txt")
	writeFile(t, changed, []byte("changed while the watch was stopped"))
	os.Chtimes(changed, time.Now(), time.Now().Add(time.Hour)) // a new mtime, whatever the file system's granularity
	before := h.srv.Stats()
	h.mu.Lock()
	h.decisions = nil
	h.mu.Unlock()
	h.start(nil)
	h.until("every file decided", func() bool { return h.count(Unchanged, "")+h.count(Uploaded, "") == n })
	after := h.srv.Stats()
	h.mu.Lock()
	got := len(h.decisions)
	h.mu.Unlock()
	if got != n {
		t.Errorf("the restart recorded %d decisions, want one per file (%d): %v", got, n, h.codes())
	}
	if got := h.count(Unchanged, ""); got != n-1 {
		t.Errorf("%d unchanged decisions, want %d: %v", got, n-1, h.codes())
	}
	if h.count(Uploaded, changed) != 1 {
		t.Errorf("the changed file was not uploaded again: %v", h.codes())
	}
	for api, want := range map[string]int64{"PutObject": 1, "HeadObject": 0, "InitiateMultipartUpload": 0, "UploadPart": 0} {
		if got := after.Count(api) - before.Count(api); got != want {
			t.Errorf("the restart sent %d %s requests, want %d", got, api, want)
		}
	}
}

// TestLostEventsRescanFinds: with no file-system events at all (as when
// inotify's queue overflows or the folder is on a network share), the
// periodic rescan finds a new file and it is uploaded.
func TestLostEventsRescanFinds(t *testing.T) {
	h := newHarness(t)
	h.start(func(o *Options) { o.NoEvents = true })
	p := filepath.Join(h.dir, "late.txt")
	writeFile(t, p, []byte("nobody told the watcher"))
	for range 3 {
		h.step(settle)
	}
	if h.count(Waiting, p) != 0 {
		t.Fatal("the file was seen without events or a rescan: the test does not test the rescan")
	}
	h.doRescan()
	if h.count(Waiting, p) != 1 {
		t.Fatalf("the rescan did not find the file: %v", h.codes())
	}
	h.until("the upload", func() bool { return h.count(Uploaded, p) == 1 })
	if _, _, found := h.head("Shots/late.txt"); !found {
		t.Error("Shots/late.txt is not in COS")
	}
}

// TestSkippedNamesRecorded: temporary names and names an exclude rule
// matches are never uploaded, and each is recorded, durably, with its
// reason and pattern; an excluded folder is not descended into.
func TestSkippedNamesRecorded(t *testing.T) {
	h := newHarness(t)
	exclude := func(rel string) (string, bool) {
		switch rel { // paths inside the watched folder, as profile.Rules.Excluded takes them
		case ".git/":
			return ".git/", true
		case ".DS_Store":
			return ".DS_Store", true
		}
		if strings.HasPrefix(rel, "Shots/") {
			t.Errorf("Exclude got %q: the watched folder's own name is not part of the path rules match", rel)
		}
		return "", false
	}
	temps := map[string]string{"~$report.docx": "~$*", ".~lock.sheet.ods#": ".~lock*", "movie.crdownload": "*.crdownload",
		"big.iso.part": "*.part", ".notes.txt.swp": "*.swp", "SCRATCH.TMP": "*.tmp"}
	for name := range temps {
		writeFile(t, filepath.Join(h.dir, name), []byte("scratch"))
	}
	writeFile(t, filepath.Join(h.dir, ".DS_Store"), []byte("finder"))
	writeFile(t, filepath.Join(h.dir, ".git", "config"), []byte("[core]"))
	good := filepath.Join(h.dir, "keep.txt")
	writeFile(t, good, []byte("keep"))
	h.start(func(o *Options) { o.Exclude = exclude })
	h.until("the good file", func() bool { return h.count(Uploaded, good) == 1 })
	for name, pat := range temps {
		if d, ok := h.find(Temporary, filepath.Join(h.dir, name)); !ok || d.Args["pattern"] != pat {
			t.Errorf("%s: decision %+v, want temporary by %s", name, d, pat)
		}
	}
	if d, ok := h.find(Excluded, filepath.Join(h.dir, ".DS_Store")); !ok || d.Args["pattern"] != ".DS_Store" {
		t.Errorf(".DS_Store: %+v, want excluded by .DS_Store", d)
	}
	if d, ok := h.find(Excluded, filepath.Join(h.dir, ".git")); !ok || d.Args["pattern"] != ".git/" {
		t.Errorf(".git: %+v, want excluded by .git/", d)
	}
	if h.count("", filepath.Join(h.dir, ".git", "config")) != 0 || h.count(Waiting, filepath.Join(h.dir, ".git", "config")) != 0 {
		t.Error("a file inside the excluded .git folder was looked at")
	}
	if keys := h.objects(); len(keys) != 1 || !keys["Shots/keep.txt"] {
		t.Errorf("bucket holds %v, want only Shots/keep.txt", keys)
	}
	// Durable: the log file on disk has every reason, searchable by path.
	logPath := h.log.Path()
	h.stop()
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"code":"temporary"`, `"pattern":"~$*"`, `"code":"excluded"`, `"pattern":".git/"`, `"code":"uploaded"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the decision log lacks %s:\n%s", want, b)
		}
	}
	l, err := OpenLog(filepath.Dir(logPath))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if r := l.Recent(1); len(r) != 1 || r[0].Code != Uploaded || r[0].Path != good {
		t.Errorf("reopened log's newest decision %+v, want the upload of %s", r, good)
	}
}

// TestFirstScanQuiet: files found by the first scan record only their
// outcome (a restart over many files must not fill the bounded log with
// "waiting" lines), unless they are still changing: then "waiting" is
// recorded, and they are uploaded once they settle.
func TestFirstScanQuiet(t *testing.T) {
	h := newHarness(t)
	still := filepath.Join(h.dir, "still.txt")
	growing := filepath.Join(h.dir, "growing.log")
	writeFile(t, still, []byte("done long ago"))
	writeFile(t, growing, []byte("line 1\n"))
	h.start(nil)
	h.step(settle / 2)
	f, err := os.OpenFile(growing, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("line 2\n")
	f.Close()
	h.until("both uploads", func() bool { return h.count(Uploaded, still)+h.count(Uploaded, growing) == 2 })
	if h.count(Waiting, still) != 0 || h.count(Waiting, growing) != 1 {
		t.Errorf("waiting decisions: %d for the settled file (want 0), %d for the growing one (want 1)",
			h.count(Waiting, still), h.count(Waiting, growing))
	}
	if _, crc, _ := h.head("Shots/growing.log"); crc != crcOf([]byte("line 1\nline 2\n")) {
		t.Error("the growing file arrived incomplete")
	}
}

// TestOverflowRescans: when the event queue overflows (events were lost),
// the watch says so and scans every folder at once, finding the file the
// lost events were about.
func TestOverflowRescans(t *testing.T) {
	h := newHarness(t)
	errs := make(chan error)
	h.start(func(o *Options) { o.NoEvents, o.testErrs = true, errs })
	p := filepath.Join(h.dir, "during-overflow.txt")
	writeFile(t, p, []byte("its event was dropped"))
	h.step(settle)
	if h.count(Waiting, p) != 0 {
		t.Fatal("seen before the overflow: the test tests nothing")
	}
	errs <- fsnotify.ErrEventOverflow
	h.w.sync()
	if d, ok := h.find(EventsLost, ""); !ok || d.Args["error"] != fsnotify.ErrEventOverflow.Error() {
		t.Errorf("no events_lost decision: %v", h.codes())
	}
	if h.count(Waiting, p) != 1 {
		t.Fatalf("the overflow did not rescan: %v", h.codes())
	}
	h.until("the upload", func() bool { return h.count(Uploaded, p) == 1 })
}

// TestDatePrefixRestartNextDay: with a {date} key template, a restart on
// a later day finds the same keys (the date is the file's modification
// date, not the day of the run), so nothing is sent again.
func TestDatePrefixRestartNextDay(t *testing.T) {
	h := newHarness(t)
	h.prefix = "{date}/"
	p := filepath.Join(h.dir, "a.txt")
	writeFile(t, p, []byte("made once"))
	day := time.Date(2024, 6, 1, 12, 0, 0, 0, time.Local)
	if err := os.Chtimes(p, day, day); err != nil {
		t.Fatal(err)
	}
	h.start(nil)
	h.until("the upload", func() bool { return h.count(Uploaded, p) == 1 })
	if d, _ := h.find(Uploaded, p); d.Key != "2024-06-01/Shots/a.txt" {
		t.Errorf("key %q, want the file's date: 2024-06-01/Shots/a.txt", d.Key)
	}
	h.stop()
	h.clk.add(72 * time.Hour)
	puts := h.srv.Stats().Count("PutObject")
	h.start(nil)
	h.until("the restart's decision", func() bool { return h.count(Unchanged, p) == 1 })
	if n := h.srv.Stats().Count("PutObject") - puts; n != 0 {
		t.Errorf("a restart three days later sent %d PutObject requests", n)
	}
}

// TestPausedHandsNothingOver: a paused watch (the tray's "pause all")
// still notices and settles files but sends none; resumed, it sends them.
func TestPausedHandsNothingOver(t *testing.T) {
	h := newHarness(t)
	h.start(nil)
	h.w.SetPaused(true)
	p := filepath.Join(h.dir, "while-paused.txt")
	writeFile(t, p, []byte("wait for me"))
	h.wait("the file to be seen", func() bool { return h.count(Waiting, p) == 1 })
	for range 3 {
		h.step(settle)
	}
	if h.writes() != 0 || len(h.w.inflight) != 0 {
		t.Fatal("a paused watch handed a file over")
	}
	h.w.SetPaused(false)
	h.until("the upload", func() bool { return h.count(Uploaded, p) == 1 })
}
