package uploader

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// These over-the-wire tests use only the public API, so they run against
// the engine before the redesign too, where each fails (findings 2, 4, 10).

// TestWireClearFinishedConcurrent (finding 2) against localcos.
func TestWireClearFinishedConcurrent(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	dir := filepath.Join(v.data, "many")
	for i := range 200 {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("f%03d.txt", i)), 100, uint64(i))
	}
	e := v.engine(v.config())
	defer e.Close()
	waitBatch(t, e, e.Add(dir))
	within(t, "4 concurrent ClearFinished (deadlock)", func() {
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() { defer wg.Done(); e.ClearFinished() }()
		}
		wg.Wait()
	})
	waitFor(t, func() bool { return e.Totals().Tasks == 0 })
}

// TestWireAskPausedAsker (finding 4) against localcos.
func TestWireAskPausedAsker(t *testing.T) {
	v := newEnv(t)
	a, b := filepath.Join(v.data, "a.txt"), filepath.Join(v.data, "b.txt")
	writeFile(t, a, 100, 1)
	writeFile(t, b, 100, 2)
	e := v.engine(v.config())
	waitBatch(t, e, e.Add(a, b))
	e.Close()
	cfg := v.config()
	cfg.OnConflict = Ask
	first := make(chan TaskID, 1)
	var mu sync.Mutex
	n := 0
	cfg.AskConflict = func(ctx context.Context, c []Conflict) (ConflictPolicy, error) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		if k == 1 {
			first <- c[0].Task
			<-ctx.Done()
			return "", ctx.Err()
		}
		return Overwrite, nil
	}
	e = v.engine(cfg)
	defer e.Close()
	bt := e.Add(a, b)
	asker := <-first
	e.Pause(asker)
	waitState(t, e, asker, func(s Snapshot) bool { return s.State == Paused })
	e.Resume(asker)
	for _, s := range waitBatch(t, e, bt) {
		if s.State != Done {
			t.Errorf("%s: %s %+v", s.Path, s.State, s.LastErr)
		}
	}
}

// TestWireRewrittenInPlace (finding 10) against localcos: kill an upload
// mid-multipart, rewrite the file in place at the same size, restore its
// mtime, rerun: COS must hold the new file, not old parts plus new ones.
func TestWireRewrittenInPlace(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	p := filepath.Join(v.data, "big.bin")
	writeFile(t, p, 10<<20, 1)
	cfg := v.config()
	cfg.PartSize, cfg.Concurrency, cfg.RateLimit = 1<<20, 1, 4<<20
	e := v.engine(cfg)
	id := onlyTask(t, e, e.Add(p))
	waitState(t, e, id, func(s Snapshot) bool { return s.Acked >= 4<<20 })
	e.crash()
	fi, _ := os.Stat(p)
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, 10<<20)
	for i := range junk {
		junk[i] = byte(i*13 + 5)
	}
	f.WriteAt(junk, 0)
	f.Close()
	os.Chtimes(p, fi.ModTime(), fi.ModTime())
	cfg.AutoResume, cfg.RateLimit = true, 0
	e2 := v.engine(cfg)
	defer e2.Close()
	s := waitState(t, e2, id, func(s Snapshot) bool { return s.State.Final() })
	if s.State != Done {
		t.Fatalf("rerun: %s %+v", s.State, s.LastErr)
	}
	if _, size, crc := v.head(s.Key); size != 10<<20 || crc != mustCRC(t, p) {
		t.Errorf("COS holds a mixed object: CRC64 %d, the file's %d", crc, mustCRC(t, p))
	}
}

// TestWireProgressNeverBackwards (finding 9) against localcos: pausing a
// multipart upload moves neither its progress nor the total back.
func TestWireProgressNeverBackwards(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	p := filepath.Join(v.data, "big.bin")
	writeFile(t, p, 24<<20, 3)
	cfg := v.config()
	cfg.PartSize, cfg.Concurrency, cfg.RateLimit = 1<<20, 4, 8<<20
	e := v.engine(cfg)
	defer e.Close()
	id := onlyTask(t, e, e.Add(p))
	var seen, totals []int64
	sample := func() {
		s, _ := e.Get(id)
		seen, totals = append(seen, s.Acked), append(totals, e.Totals().Acked)
	}
	waitFor(t, func() bool { sample(); return seen[len(seen)-1] > 6<<20 })
	e.Pause(id)
	waitFor(t, func() bool { sample(); s, _ := e.Get(id); return s.State == Paused })
	for range 20 {
		sample()
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] < seen[i-1] || totals[i] < totals[i-1] {
			t.Fatalf("progress went back on pause: task %d -> %d, total %d -> %d", seen[i-1], seen[i], totals[i-1], totals[i])
		}
	}
}
