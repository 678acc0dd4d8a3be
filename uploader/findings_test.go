package uploader

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestClearFinishedConcurrent (finding 2): four concurrent ClearFinished
// calls used to deadlock (per-task locks taken in map order). Now each is a
// message and returns at once, and the tasks go.
func TestClearFinishedConcurrent(t *testing.T) {
	v := newFakeEnv(t)
	dir := filepath.Join(v.data, "many")
	for i := range 200 {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("f%03d.txt", i)), 100, uint64(i))
	}
	e := v.engine(v.config())
	defer e.Close()
	waitBatch(t, e, e.Add(dir))
	for range 3 {
		within(t, "4 concurrent ClearFinished", func() {
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() { defer wg.Done(); e.ClearFinished() }()
			}
			wg.Wait()
		})
	}
	waitFor(t, func() bool { return e.Totals().Tasks == 0 })
}

// conflictEnv is a fake with objects already at the keys of files.
func conflictEnv(t *testing.T, names ...string) (*fakeEnv, []string) {
	v := newFakeEnv(t)
	var paths []string
	for i, n := range names {
		paths = append(paths, v.file(n, 100, uint64(i)))
		v.store.objects[n] = []byte("old")
	}
	return v, paths
}

// TestAskPausedAskerIsNotAnAnswer (finding 4): pausing the task whose
// conflict question is on screen must not become the batch's answer: its
// sibling asks instead and is answered; on resume the paused task uses
// that answer.
func TestAskPausedAskerIsNotAnAnswer(t *testing.T) {
	v, paths := conflictEnv(t, "a.txt", "b.txt")
	var asked atomic.Int32
	first := make(chan TaskID, 1)
	cfg := v.config()
	cfg.OnConflict = Ask
	cfg.AskConflict = func(ctx context.Context, c []Conflict) (ConflictPolicy, error) {
		if asked.Add(1) == 1 {
			first <- c[0].Task
			<-ctx.Done() // the dialog stays until its task is paused
			return "", ctx.Err()
		}
		return Overwrite, nil
	}
	e := v.engine(cfg)
	defer e.Close()
	b := e.Add(paths...)
	asker := <-first
	e.Pause(asker)
	waitState(t, e, asker, func(s Snapshot) bool { return s.State == Paused })
	e.Resume(asker)
	for _, s := range waitBatch(t, e, b) {
		if s.State != Done {
			t.Errorf("%s: %s %+v (a closed question became the batch's answer)", s.Path, s.State, s.LastErr)
		}
	}
	if n := asked.Load(); n != 2 {
		t.Errorf("asked %d times, want 2 (the paused asker's question, then its sibling's)", n)
	}
}

// TestAskPausedAloneAsksAgain (finding 4): with no sibling, the resumed
// task asks again instead of failing with "context canceled".
func TestAskPausedAloneAsksAgain(t *testing.T) {
	v, paths := conflictEnv(t, "a.txt")
	var asked atomic.Int32
	cfg := v.config()
	cfg.OnConflict = Ask
	cfg.AskConflict = func(ctx context.Context, c []Conflict) (ConflictPolicy, error) {
		if asked.Add(1) == 1 {
			<-ctx.Done()
			return "", ctx.Err()
		}
		return Rename, nil
	}
	e := v.engine(cfg)
	defer e.Close()
	id := onlyTask(t, e, e.Add(paths...))
	waitFor(t, func() bool { return asked.Load() == 1 })
	e.Pause(id)
	waitState(t, e, id, func(s Snapshot) bool { return s.State == Paused })
	e.Resume(id)
	s := final(t, e, id)
	if s.State != Done || s.Key != "a (1).txt" || s.Note.Code != NoteRenamed {
		t.Errorf("after resume: %s %q %+v %+v", s.State, s.Key, s.Note, s.LastErr)
	}
	if asked.Load() != 2 {
		t.Errorf("asked %d times, want 2", asked.Load())
	}
}

// TestChangeLogCompactionAmortized (finding 5): after 100,000 removals,
// a change must not compact the whole log again each time, and removals
// older than their time to live are dropped.
func TestChangeLogCompactionAmortized(t *testing.T) {
	var l changeLog
	live := func(change) bool { return true }
	v := uint64(0)
	for i := range 100000 {
		v++
		l.removed(v, TaskID(i))
	}
	for i := range 100000 {
		v++
		l.add(v, TaskID(i%10), 10, live)
	}
	if l.compactions > 40 {
		t.Errorf("%d compactions for 100,000 changes: not amortized", l.compactions)
	}
	old := removalTTL
	removalTTL = -time.Second // already expired: Windows's clock may not tick between the removal and the check
	defer func() { removalTTL = old }()
	l.removed(v+1, 1)
	if len(l.removals) != 0 || l.floor != v+1 {
		t.Errorf("removals older than their time to live kept: %d left, floor %d", len(l.removals), l.floor)
	}
	if len(l.entries) > 10+l.limit {
		t.Errorf("%d log entries for 10 live tasks", len(l.entries))
	}
}

// TestRetryNeverWaitsForAbort (finding 6): a cancel's abort that hangs
// must not hold up Retry, nor any later call; the retried task uploads
// afresh while the abort is still running.
func TestRetryNeverWaitsForAbort(t *testing.T) {
	v := newFakeEnv(t)
	release := make(chan struct{})
	// Part 2's first send hangs, counted by part 2's own sends: n counts
	// every part, and on a loaded machine part 3 could be sent before part 2,
	// which then went through and finished the task before Cancel.
	var part2 atomic.Int32
	v.store.fault = func(op string, n, part int) *fault {
		switch {
		case op == "abort" && n == 1:
			return &fault{wait: release}
		case op == "part" && part == 2 && part2.Add(1) == 1:
			return &fault{block: true}
		}
		return nil
	}
	e := v.engine(v.config())
	defer e.Close()
	var once sync.Once
	defer once.Do(func() { close(release) }) // before Close, which waits for the abort
	p := v.file("big.bin", 3<<20, 1)
	id := onlyTask(t, e, e.Add(p))
	waitState(t, e, id, func(s Snapshot) bool { return s.UploadID != "" && s.Acked > 0 })
	within(t, "Cancel", func() { e.Cancel(id) })
	waitState(t, e, id, func(s Snapshot) bool { return s.State == Canceled })
	waitFor(t, func() bool { return v.store.count("abort") == 1 })
	within(t, "Retry during a hanging abort", func() { e.Retry(id) })
	within(t, "Pause of another id", func() { e.Pause(id + 100) })
	s := waitState(t, e, id, func(s Snapshot) bool { return s.State == Done || s.State == Failed })
	if s.State != Done {
		t.Fatalf("retried task: %s %+v", s.State, s.LastErr)
	}
	v.verified(s.Key, p)
	if v.store.count("abort") != 1 {
		t.Error("the abort ended before the retry finished: the test proves nothing")
	}
	once.Do(func() { close(release) })
	waitFor(t, func() bool { return v.store.openUploads() == 0 })
}

// TestProgressNeverMovesBackwards (finding 9): progress is the bytes COS
// acknowledged: pausing moves neither a task's bar nor the total back, and
// the journal holds what the window showed.
func TestProgressNeverMovesBackwards(t *testing.T) {
	v := newFakeEnv(t)
	v.store.fault = func(op string, n, part int) *fault {
		if op == "part" && part >= 5 {
			return &fault{block: true} // the body is read, then no answer comes
		}
		return nil
	}
	e := v.engine(v.config())
	id := onlyTask(t, e, e.Add(v.file("big.bin", 8<<20, 2)))
	var mu sync.Mutex
	var seen, totals []int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			s, _ := e.Get(id)
			tot := e.Totals()
			mu.Lock()
			seen, totals = append(seen, s.Acked), append(totals, tot.Acked)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	waitState(t, e, id, func(s Snapshot) bool { return s.Acked >= 4<<20 })
	waitFor(t, func() bool { return v.store.count("part") >= 6 })
	e.Pause(id)
	paused := waitState(t, e, id, func(s Snapshot) bool { return s.State == Paused })
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) > 10 })
	close(stop)
	<-done
	for i := 1; i < len(seen); i++ {
		if seen[i] < seen[i-1] || totals[i] < totals[i-1] {
			t.Fatalf("progress went back: task %d -> %d, total %d -> %d", seen[i-1], seen[i], totals[i-1], totals[i])
		}
	}
	if paused.Acked != 4<<20 {
		t.Errorf("paused at %d bytes, want the 4 acknowledged parts", paused.Acked)
	}
	e.Close()
	e2 := v.engine(v.config())
	defer e2.Close()
	if s, _ := e2.Get(id); s.Acked != paused.Acked {
		t.Errorf("the journal holds %d bytes, the window showed %d", s.Acked, paused.Acked)
	}
}

// TestRerunFinishedFolderWritesNothing (finding 13): rerunning a finished
// folder costs a lookup per file, not a journal write per file.
func TestRerunFinishedFolderWritesNothing(t *testing.T) {
	v := newFakeEnv(t)
	dir := filepath.Join(v.data, "done")
	const n = 300
	for i := range n {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("f%03d.txt", i)), 10, uint64(i))
	}
	cfg := v.config()
	cfg.ResumeExisting = true
	e := v.engine(cfg)
	waitBatch(t, e, e.Add(dir))
	e.Close()
	e = v.engine(cfg)
	defer e.Close()
	before := e.commits.Load()
	b := e.Add(dir)
	waitFor(t, func() bool { return e.BatchResult(b).Counts[Done] == n && e.Totals().Scanning == 0 })
	if w := e.commits.Load() - before; w > 2 {
		t.Errorf("rerunning a finished folder of %d files wrote %d journal transactions", n, w)
	}
	if got := v.store.count("put"); got != n {
		t.Errorf("%d PUTs in all, want %d (nothing sent again)", got, n)
	}
}

// TestCompleteTimeoutScales (finding 13): a Complete's wait is sized by
// its parts, far below the transport's 2 minutes for a small file.
func TestCompleteTimeoutScales(t *testing.T) {
	if d := completeTimeout(1); d > 30*time.Second {
		t.Errorf("1-part Complete waits %v", d)
	}
	if completeTimeout(10000) <= completeTimeout(1) {
		t.Error("a 10,000-part Complete gets no more time than a 1-part one")
	}
}
