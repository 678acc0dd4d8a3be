package uploader

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestNoPerFileGoroutines (performance issue: no per-file goroutine or
// timer leaks): after 100 files and after 500 more, the idle engine holds
// the same number of goroutines, give or take its pooled connections.
func TestNoPerFileGoroutines(t *testing.T) {
	v := newEnv(t)
	cfg := v.config()
	cfg.Concurrency = DefaultConcurrency // a fixed pool, so only a leak can grow the count
	e := v.engine(cfg)
	defer e.Close()
	batch := func(from, n int) int {
		dir := filepath.Join(v.data, fmt.Sprintf("b%d", from))
		for i := range n {
			writeFile(t, filepath.Join(dir, fmt.Sprintf("f%04d.bin", from+i)), 4<<10, uint64(from+i+1))
		}
		for _, s := range waitBatch(t, e, e.Add(dir)) {
			if s.State != Done {
				t.Fatalf("%s: %s %+v", s.Path, s.State, s.LastErr)
			}
		}
		// Settled: workers gone, only the loop, the pool and the server.
		// (Never fails: an unsettled count only makes the check below more
		// lenient.)
		var n0 int
		deadline := time.Now().Add(10 * time.Second)
		for {
			n0 = runtime.NumGoroutine()
			runtime.Gosched()
			if time.Now().After(deadline) || n0 == runtime.NumGoroutine() {
				return n0
			}
			time.Sleep(50 * time.Millisecond) // poll, bounded by the deadline
		}
	}
	after100 := batch(0, 100)
	batch(100, 500)
	// A few pooled connections may still open or close (a handful of
	// goroutines each, client and server); 500 leaked files would be 500.
	// Goroutines of finished work end on the scheduler's time, late on a
	// busy machine, while leaked ones never do: wait for the count to come
	// down (bounded) rather than judging one sample.
	const slack = 24
	deadline := time.Now().Add(waitBound)
	for n := runtime.NumGoroutine(); n > after100+slack; n = runtime.NumGoroutine() {
		if time.Now().After(deadline) {
			t.Fatalf("goroutines: %d after 100 files, still %d after 600 (%v later): they grow with the files", after100, n, waitBound)
		}
		time.Sleep(50 * time.Millisecond) // poll interval, bounded by the deadline
	}
}
