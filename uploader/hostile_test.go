//go:build unix

package uploader

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 14, finding 3: symlinked folders, FIFOs, devices and sockets
// inside a dropped folder were skipped without a word, and an empty folder
// gave nothing at all. Each is now a skipped task with a typed note.
func TestWalkReportsWhatIsNotAFile(t *testing.T) {
	v := newFakeEnv(t)
	root := filepath.Join(v.data, "drop")
	other := filepath.Join(v.data, "elsewhere")
	for _, d := range []string{root, other, filepath.Join(root, "empty")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(root, "real.txt"), 10, 1)
	writeFile(t, filepath.Join(other, "hidden.txt"), 10, 2)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(other, filepath.Join(root, "linked")))
	must(syscall.Mkfifo(filepath.Join(root, "pipe"), 0o644))
	must(os.Symlink("/dev/null", filepath.Join(root, "null")))
	ln, err := net.Listen("unix", filepath.Join(root, "sock"))
	must(err)
	defer ln.Close()
	emptyAlone := filepath.Join(v.data, "nothing")
	must(os.Mkdir(emptyAlone, 0o755))

	e := v.engine(v.config())
	defer e.Close()
	done := make(chan BatchID)
	go func() { done <- e.Add(root, emptyAlone, filepath.Join(root, "pipe")) }()
	var id BatchID
	within(t, "Add with a FIFO named", func() { id = <-done })
	got := batchSnapshots(t, e, id)

	want := map[string]string{ // path -> note kind ("" for a done file)
		filepath.Join(root, "real.txt"): "",
		filepath.Join(root, "linked"):   KindSymlinkedFolder,
		filepath.Join(root, "pipe"):     KindFIFO,
		filepath.Join(root, "null"):     KindDevice,
		filepath.Join(root, "sock"):     KindSocket,
	}
	for p, kind := range want {
		s, ok := got[p]
		switch {
		case !ok:
			t.Errorf("%s: no task, so nothing tells the user about it", p)
		case kind == "" && s.State != Done:
			t.Errorf("%s: %s, want done", p, s.State)
		case kind != "" && (s.State != Skipped || s.Note.Code != NoteNotAFile || s.Note.Args["kind"] != kind):
			t.Errorf("%s: %s %+v, want skipped with note %s kind %s", p, s.State, s.Note, NoteNotAFile, kind)
		}
	}
	if s, ok := got[emptyAlone]; !ok || s.State != Skipped || s.Note.Code != NoteEmptyFolder {
		t.Errorf("empty folder %s: %s %+v (found %v), want skipped with note %s", emptyAlone, s.State, s.Note, ok, NoteEmptyFolder)
	}
	// An empty subfolder of a folder with files is only a folder.
	if _, ok := got[filepath.Join(root, "empty")]; ok {
		t.Error("an empty subfolder of a drop with files got a task")
	}
	if _, ok := v.store.object("drop/linked/hidden.txt"); ok {
		t.Error("the symlinked folder's content was uploaded")
	}
}

// Issue 14, finding 3: /proc files report size 0 and have content; they
// were uploaded as 0 bytes and called done. They are refused in plain
// words (code SizeUnknown), never stored empty.
func TestProcFileIsNotUploadedEmpty(t *testing.T) {
	const proc = "/proc/self/status"
	fi, err := os.Stat(proc)
	if err != nil || fi.Size() != 0 {
		t.Fatalf("this test needs Linux's %s (size 0 with content): %v %v", proc, fi, err)
	}
	v := newFakeEnv(t)
	e := v.engine(v.config())
	defer e.Close()
	id := e.Add(proc)
	got := batchSnapshots(t, e, id)
	s := got[proc]
	if s.State != Failed || s.LastErr == nil || s.LastErr.Code != CodeSizeUnknown || s.LastErr.Party != PartyFile {
		t.Fatalf("%s: %s %+v, want failed with %s (the file's fault)", proc, s.State, s.LastErr, CodeSizeUnknown)
	}
	if v.store.count("put") != 0 {
		t.Error("something was uploaded for the /proc file")
	}
}

// Issue 14, finding 3, and issue 22, item 5: right after a resume under a
// 3 MiB/s cap the speed read 326 MB/s, and on a capped line the first
// seconds read several times the cap: the speed was read from bytes handed
// to requests, which the limiter's bucket and the socket buffers take at
// once. It is now read from acknowledged bytes only. On a held clock, parts
// of several sizes are acknowledged at the cap's pace while samples tick
// from various offsets: neither the task's speed nor the engine's ever
// reads more than a little over the cap, nothing reads before the first
// answer, and after 5 s both read the cap.
func TestSpeedFromAcknowledgedBytesOnly(t *testing.T) {
	const capBps = 3 << 20
	for _, part := range []int64{256 << 10, 1 << 20, 8 << 20} {
		for _, first := range []time.Duration{time.Millisecond, 40 * time.Millisecond, 120 * time.Millisecond} {
			c := &heldClock{t: nowForTest}
			t0 := c.t
			e := &Engine{tasks: map[TaskID]*entry{}, active: map[TaskID]*entry{}, parts: newPartBudget(false, c.now)}
			rs := &runState{id: 1}
			rs.meter.reset(t0, 0)
			ent := &entry{id: 1, run: rs}
			e.tasks[1], e.active[1] = ent, ent
			e.sample(t0)
			e.parts.begin()
			for now := t0.Add(first); now.Before(t0.Add(6 * time.Second)); now = now.Add(sampleEvery) {
				c.t = now
				for acked := int64(now.Sub(t0).Seconds()*capBps) / part * part; ent.acked < acked; ent.acked += part {
					e.parts.end(part) // COS answered a part
					e.parts.begin()
				}
				e.sample(now)
				speed := rs.meter.speed
				if speed > 1.2*capBps || e.speedSum > 1.2*capBps {
					t.Fatalf("%d KiB parts, first tick %v: at +%v the speed reads %.1f MiB/s (the engine's %.1f) under a %d MiB/s cap",
						part>>10, first, now.Sub(t0), speed/(1<<20), e.speedSum/(1<<20), capBps>>20)
				}
				if ent.acked == 0 && (speed != 0 || e.speedSum != 0) {
					t.Fatalf("%d KiB parts: at +%v nothing was acknowledged, yet the speed reads %.0f (the engine's %.0f)", part>>10, now.Sub(t0), speed, e.speedSum)
				}
			}
			if rs.meter.speed < 0.8*capBps || e.speedSum < 0.8*capBps {
				t.Errorf("%d KiB parts, first tick %v: after 6 s the speed reads %.1f MiB/s (the engine's %.1f), the cap is %d MiB/s",
					part>>10, first, rs.meter.speed/(1<<20), e.speedSum/(1<<20), capBps>>20)
			}
		}
	}
}

// A line that stops answering reads as slowing down, not as its old speed.
func TestSpeedFallsWhenAnswersStop(t *testing.T) {
	var m ackMeter
	t0 := nowForTest
	m.reset(t0, 0)
	for i := int64(1); i <= 10; i++ {
		m.update(t0.Add(time.Duration(i)*time.Second), i<<20) // 1 MiB/s
	}
	m.update(t0.Add(30*time.Second), 10<<20) // then 20 s of nothing
	if m.speed > 0.1*(1<<20) {
		t.Fatalf("20 s without an answer after 1 MiB/s: speed reads %.0f B/s", m.speed)
	}
}

// SECURITY.md: an error message kept in the journal is redacted before it
// is cut to size, so a secret straddling the cut leaves no piece behind,
// and it never exceeds maxMessage.
func TestErrorMessagesRedactedBeforeCut(t *testing.T) {
	const token = "SessTok0123456789abcdefGHIJKLMNOPqrstuvWXYZ0123456789abcdefghijKLMN"
	for _, pad := range []int{maxMessage - 40, maxMessage - 10, 10} {
		err := errors.New(strings.Repeat("x", pad) + ` {'sessionToken': '` + token + `'} ` + strings.Repeat("y", 3000))
		te := toTaskError("upload", err, time.Now())
		if len(te.Message) > maxMessage+len("…") {
			t.Errorf("message of %d bytes kept", len(te.Message))
		}
		for i := 0; i+12 <= len(token); i++ {
			if strings.Contains(te.Message, token[i:i+12]) {
				t.Fatalf("pad %d: a piece of the token (%q) survived the cut", pad, token[i:i+12])
			}
		}
	}
}

// The same through the engine: a multipart upload paused after two parts,
// then resumed by a new engine under a 256 KiB/s cap (the limiter's bucket
// full, as after any pause). No snapshot in the first seconds may read
// more than twice the cap, and a speed is shown once a part was
// acknowledged. (A guard: where the ticks land is chance, so the
// regression test is TestSpeedFromAcknowledgedBytesOnly, which places them.)
func TestSpeedAfterResumeUnderCap(t *testing.T) {
	skipIfShort(t)
	const capBps = 256 << 10
	v := newFakeEnv(t)
	path := v.file("big.bin", 6<<20, 3)
	cfg := v.config()
	cfg.Concurrency = 1
	holdThirdPart(v) // the first engine stops after two parts, however late this test looks
	e := v.engine(cfg)
	id := e.Add(path)
	var task TaskID
	waitFor(t, func() bool {
		all, _ := e.Changes(0)
		for _, s := range all {
			if s.Batch == id && s.Acked >= 2<<20 {
				task = s.ID
				return true
			}
		}
		return false
	})
	e.Close()
	v.setFault(nil)
	cfg.RateLimit, cfg.AutoResume = capBps, true
	e = v.engine(cfg)
	defer e.Close()
	// Sample every snapshot until the resumed run has had a part
	// acknowledged (4 s at the cap) and a speed is shown (the sampler's
	// next tick after it), not for a fixed time: on a busy machine the
	// resume itself (journal, ListParts, re-reading the parts) can take
	// longer than any fixed window.
	var top float64
	waitFor(t, func() bool {
		s, ok := e.Get(task)
		top = max(top, s.Speed, e.Totals().Speed)
		if ok && s.State.Final() {
			t.Fatalf("the resumed task ended %s (%+v) before a part was acknowledged", s.State, s.LastErr)
		}
		return ok && s.Acked >= 3<<20 && top > 0
	})
	if top > 2*capBps {
		t.Errorf("right after the resume the speed read %.0f KiB/s under a %d KiB/s cap", top/1024, capBps>>10)
	}
}

// Soak F6 / issue 14 finding 4: a part COS finished after CosDrop was
// killed is in COS but not in the journal: status credited none of it and
// the rerun sent it again. On resume a listed part whose ETag is the MD5
// of the file's bytes there is adopted (journaled, not sent again).
func TestResumeAdoptsPartsCOSFinishedAfterAKill(t *testing.T) {
	t.Parallel()
	v := newFakeEnv(t)
	path := v.file("big.bin", 5<<20, 7)
	cfg := v.config()
	cfg.Concurrency = 1
	holdThirdPart(v) // the upload is still open when the engine stops, however late this test looks
	e := v.engine(cfg)
	id := e.Add(path)
	var task TaskID
	waitFor(t, func() bool {
		all, _ := e.Changes(0)
		for _, s := range all {
			if s.Batch == id && s.Acked >= 1<<20 && s.UploadID != "" {
				task = s.ID
				return true
			}
		}
		return false
	})
	e.Close()
	snap, _ := ReadJournal(v.state)
	var rec Snapshot
	for _, s := range snap {
		if s.ID == task {
			rec = s
		}
	}
	journaled := int(rec.Acked >> 20)
	// COS finished the next part after the client died: its bytes are there.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := journaled + 1
	part := data[(n-1)<<20 : n<<20]
	v.store.mu.Lock()
	u := v.store.uploads[rec.UploadID]
	if u == nil {
		v.store.mu.Unlock()
		t.Fatalf("no open upload %q", rec.UploadID)
	}
	u.parts[n], u.etags[n] = part, etagOf(part)
	before := v.store.counts["part"]
	v.store.mu.Unlock()

	v.setFault(nil)
	cfg.AutoResume = true
	e = v.engine(cfg)
	defer e.Close()
	s := final(t, e, task)
	if s.State != Done {
		t.Fatalf("task %s: %+v", s.State, s.LastErr)
	}
	v.verified(s.Key, path)
	if sent, want := v.store.count("part")-before, 5-n; sent != want {
		t.Errorf("the rerun sent %d parts, want %d (part %d was already in COS)", sent, want, n)
	}
}

// holdThirdPart makes the third part's upload wait until its engine
// stops, so a test that stops an engine "after a part or two" finds the
// multipart upload unfinished however slowly it polls (a rate limit alone
// let the whole file through on a busy machine).
func holdThirdPart(v *fakeEnv) { v.setFault(onPart(3, &fault{block: true})) }
