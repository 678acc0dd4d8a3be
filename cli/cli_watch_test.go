//go:build unix

package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/profile"
	"cosdrop/session"
	"cosdrop/uploader"
)

// watchLine is the subset of a `cosdrop watch --json` line the tests read.
type watchLine struct {
	Event string            `json:"event"`
	Code  string            `json:"code"`
	Path  string            `json:"path"`
	Key   string            `json:"key"`
	Text  string            `json:"text"`
	Args  map[string]string `json:"args"`
	Log   string            `json:"log"`
}

// watchRun is `cosdrop watch` running in-process, its stdout streamed.
type watchRun struct {
	t     *testing.T
	lines chan watchLine
	code  chan int
	seen  []watchLine
}

// startWatchCLI runs the command line with args in the background; stdout
// and stderr are redirected until it returns. Only one at a time.
func startWatchCLI(t *testing.T, args ...string) *watchRun {
	t.Helper()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r := &watchRun{t: t, lines: make(chan watchLine, 10000), code: make(chan int, 1)}
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			var l watchLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				l = watchLine{Event: "NOT JSON: " + sc.Text()}
			}
			r.lines <- l
		}
		close(r.lines)
	}()
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := errR.Read(b)
			if n > 0 {
				t.Logf("stderr: %s", b[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = outW, errW
	go func() {
		code := run(args)
		os.Stdout, os.Stderr = oldOut, oldErr
		outW.Close()
		errW.Close()
		r.code <- code
	}()
	return r
}

// until reads lines until cond holds for the lines seen, within a bound.
func (r *watchRun) until(what string, cond func(seen []watchLine) bool) {
	r.t.Helper()
	deadline := time.After(waitBound)
	for !cond(r.seen) {
		select {
		case l, ok := <-r.lines:
			if !ok {
				r.t.Fatalf("the watch ended while waiting for %s; lines: %+v", what, r.seen)
			}
			if strings.HasPrefix(l.Event, "NOT JSON") {
				r.t.Fatalf("--json printed %q", l.Event)
			}
			r.seen = append(r.seen, l)
		case <-deadline:
			r.t.Fatalf("timed out waiting for %s; lines: %+v", what, r.seen)
		}
	}
}

// stop sends sig to this process (the watch's handler takes it) and
// returns the exit code, reading the remaining lines.
func (r *watchRun) stop(sig syscall.Signal) int {
	r.t.Helper()
	if err := syscall.Kill(syscall.Getpid(), sig); err != nil {
		r.t.Fatal(err)
	}
	r.until("the end", func(seen []watchLine) bool { return len(seen) > 0 && seen[len(seen)-1].Event == "stopped" })
	select {
	case code := <-r.code:
		for l := range r.lines {
			r.seen = append(r.seen, l)
		}
		return code
	case <-time.After(waitBound):
		r.t.Fatal("the watch did not return after its stopped line")
	}
	return -1
}

func decided(seen []watchLine, code, path string) *watchLine {
	for i := range seen {
		if seen[i].Event == "decision" && seen[i].Code == code && seen[i].Path == path {
			return &seen[i]
		}
	}
	return nil
}

// TestCLIWatchE2E: `cosdrop watch --json DIR` uploads a file that was
// there, a file in a new subfolder and a .tmp renamed into place (not the
// .tmp), says why it skipped an Office lock file, ends cleanly on SIGTERM
// (exit 0, a "stopped" line), and a second run over the same journal
// sends nothing and says "unchanged" for each file; SIGINT ends it too.
func TestCLIWatchE2E(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	t.Setenv("TENCENTCLOUD_SECRET_ID", cliID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", cliKey)
	dir := filepath.Join(t.TempDir(), "Inbox")
	before, _ := writeTestFile(t, dir, "before.txt", []byte("was there"))
	args := []string{"watch", "--endpoint", s.URL(), "--bucket", cliBucket, "--region", cliRegion, "--prefix", "w/",
		"--settle", "300ms", "--state-dir", filepath.Join(t.TempDir(), "state"), "--json", dir}

	r := startWatchCLI(t, args...)
	r.until("the start", func(seen []watchLine) bool { return len(seen) > 0 && seen[0].Event == "started" })
	if r.seen[0].Log == "" {
		t.Errorf("the started line names no decision log: %+v", r.seen[0])
	}
	after, _ := writeTestFile(t, dir, "new folder/after.png", patterned(70<<10, 1))
	lock, _ := writeTestFile(t, dir, "~$report.docx", []byte("owner"))
	tmp, _ := writeTestFile(t, dir, "shot.tmp", patterned(10<<10, 2))
	r.until("the temporary name", func(seen []watchLine) bool { return decided(seen, "temporary", tmp) != nil })
	final := filepath.Join(dir, "shot.jpg")
	if err := os.Rename(tmp, final); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{before: "w/Inbox/before.txt", after: "w/Inbox/new folder/after.png", final: "w/Inbox/shot.jpg"}
	r.until("three uploads", func(seen []watchLine) bool {
		for p := range files {
			if decided(seen, "uploaded", p) == nil {
				return false
			}
		}
		return decided(seen, "temporary", lock) != nil
	})
	if code := r.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("SIGTERM: exit %d, want 0", code)
	}
	for p, key := range files {
		if d := decided(r.seen, "uploaded", p); d.Key != key || !strings.Contains(d.Text, key) {
			t.Errorf("%s: %+v, want key %s in key and text", p, d, key)
		}
		if _, _, found := headObject(t, s, key); !found {
			t.Errorf("%s is not in COS", key)
		}
	}
	if d := decided(r.seen, "temporary", lock); d.Args["pattern"] != "~$*" || d.Text == "" {
		t.Errorf("lock file: %+v, want temporary by ~$*, worded", d)
	}
	for _, k := range []string{"w/Inbox/shot.tmp", "w/Inbox/~$report.docx"} {
		if _, _, found := headObject(t, s, k); found {
			t.Errorf("%s was uploaded", k)
		}
	}
	puts := s.Stats().Count("PutObject")
	if puts != 3 {
		t.Errorf("%d PutObject requests, want 3", puts)
	}

	// Restart: every file is a journal lookup, nothing is sent.
	r = startWatchCLI(t, args...)
	r.until("three unchanged", func(seen []watchLine) bool {
		for p := range files {
			if decided(seen, "unchanged", p) == nil {
				return false
			}
		}
		return true
	})
	if code := r.stop(syscall.SIGINT); code != 0 {
		t.Errorf("SIGINT: exit %d, want 0", code)
	}
	if got := s.Stats().Count("PutObject"); got != puts {
		t.Errorf("the restart sent %d more PutObject requests", got-puts)
	}
	for _, l := range r.seen {
		if l.Event == "decision" && l.Code == "uploaded" {
			t.Errorf("the restart uploaded %s", l.Path)
		}
	}
}

// TestCLIWatchProfileFolders: `cosdrop watch --profile P` without a DIR
// watches the profile's watch folders, keeps its journal and decision log
// in the data directory's "watch-P", and with the profile's skip-identical
// policy says "identical" for a file COS already holds (nothing sent).
// Without a folder or with a missing one it exits 2.
func TestCLIWatchProfileFolders(t *testing.T) {
	configDir := isolate(t)
	old := secretStore
	secretStore = auth.NewSessionStore()
	t.Cleanup(func() { secretStore = old })
	s, _ := startCOS(t, localcos.Config{STSActions: localcos.BroadActions})
	dir := filepath.Join(t.TempDir(), "Scans")
	file, _ := writeTestFile(t, dir, "a.txt", []byte("already in COS"))
	p := profile.Profile{Name: "office", Endpoint: s.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModeSTS, CredentialURL: s.STSURL() + "/sts", OnConflict: "skip-identical", WatchFolders: []string{dir}}
	if err := profile.NewProfiles(configDir).Put(p); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "upload", "--profile", "office", dir); r.code != 0 {
		t.Fatalf("upload: exit %d", r.code)
	}
	puts := s.Stats().Count("PutObject")

	r := startWatchCLI(t, "watch", "--profile", "office", "--settle", "200ms", "--json")
	r.until("the identical file", func(seen []watchLine) bool { return decided(seen, "identical", file) != nil })
	if code := r.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	if d := decided(r.seen, "identical", file); d.Key != "Scans/a.txt" {
		t.Errorf("decision %+v, want key Scans/a.txt", d)
	}
	if got := s.Stats().Count("PutObject"); got != puts {
		t.Errorf("the watch sent %d PutObject requests for an identical file", got-puts)
	}
	logPath := filepath.Join(os.Getenv("XDG_DATA_HOME"), "cosdrop", "watch-office", "watch-decisions.jsonl")
	if b, err := os.ReadFile(logPath); err != nil || !strings.Contains(string(b), `"code":"identical"`) {
		t.Errorf("decision log %s: %v\n%s", logPath, err, b)
	}

	if r := runCLI(t, "watch", "--endpoint", s.URL()); r.code != 2 {
		t.Errorf("watch without a folder: exit %d, want 2", r.code)
	}
	if r := runCLI(t, "watch", "--endpoint", s.URL(), filepath.Join(dir, "missing")); r.code != 2 || !strings.Contains(r.stderr, "missing") {
		t.Errorf("watch of a missing folder: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestCLIWatchSandboxBusy: `cosdrop watch --profile Sandbox` while the
// window has the Sandbox open (its journal held) refuses to start a
// second Sandbox server on the same objects.
func TestCLIWatchSandboxBusy(t *testing.T) {
	isolate(t)
	held := filepath.Join(session.DefaultDataDir(), session.WindowStateName(session.SandboxName))
	e, err := uploader.New(uploader.Config{StateDir: held, BucketURL: "http://127.0.0.1:1",
		Credentials: auth.NewStatic(auth.Credentials{SecretID: cliID, SecretKey: cliKey})})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	r := startWatchCLI(t, "watch", "--profile", session.SandboxName, "--json", t.TempDir())
	select {
	case code := <-r.code:
		if code != 2 {
			t.Errorf("exit %d, want 2", code)
		}
	case l := <-r.lines:
		if l.Event == "started" {
			r.seen = append(r.seen, l)
			r.stop(syscall.SIGTERM)
			t.Fatal("a second Sandbox server started while the window held the Sandbox")
		}
		if code := <-r.code; code != 2 {
			t.Errorf("exit %d, want 2 (line %+v)", code, l)
		}
	case <-time.After(waitBound):
		t.Fatal("no answer")
	}
}
