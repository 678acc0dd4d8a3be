package uploader

import (
	"fmt"
	"runtime"
	"testing"
)

// EachTask holds one task at a time: the heap still live when it hands
// over the last task of a 10,000-task journal is, within 1 MiB, what it
// is at the last task of a 1,000-task one. Holding the tasks, as
// ReadJournal does, would add some 9,000 snapshots (about 5 MiB of
// paths, keys, ETags and request IDs). Counted after a forced collection,
// so no machine speed enters.
func TestEachTaskStreams(t *testing.T) {
	liveAtEnd := func(n int, keep bool) int64 {
		dir := t.TempDir()
		writeBenchJournal(t, dir, n)
		var held []Snapshot
		var base, end runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&base)
		seen := 0
		err := EachTask(dir, func(c int) {
			if c != n {
				t.Errorf("EachTask announced %d tasks of %d", c, n)
			}
		}, func(s Snapshot) error {
			if seen++; TaskID(seen) != s.ID {
				return fmt.Errorf("task %d came as number %d", s.ID, seen)
			}
			if keep {
				held = append(held, s)
			}
			if seen == n {
				runtime.GC()
				runtime.ReadMemStats(&end)
			}
			return nil
		})
		if err != nil || seen != n {
			t.Fatalf("walked %d of %d tasks: %v", seen, n, err)
		}
		runtime.KeepAlive(held)
		return int64(end.HeapAlloc) - int64(base.HeapAlloc)
	}
	small, large := liveAtEnd(1000, false), liveAtEnd(10000, false)
	if large-small > 1<<20 {
		t.Errorf("live heap at the last task: %d B for 1,000 tasks, %d B for 10,000: the walk holds tasks", small, large)
	}
	// The measure can see holding: keeping every snapshot crosses the bound.
	if held := liveAtEnd(10000, true); held-small <= 1<<20 {
		t.Errorf("holding 10,000 snapshots showed as %d B over 1,000 streamed: the measure is blind", held-small)
	}
}

// writeBenchJournal writes n finished uploads into dir's journal as a
// real run leaves them (path, key, sizes, ETag, CRC64, a request ID,
// times), committed in steps of a thousand like a busy loop's.
func writeBenchJournal(b testing.TB, dir string, n int) {
	j, err := openJournal(dir, "https://bench-1250000000.cos.ap-guangzhou.myqcloud.com")
	if err != nil {
		b.Fatal(err)
	}
	defer j.close()
	now := stampNow()
	for start := 1; start <= n; start += 1000 {
		err := j.commit(func(w journalWriter) error {
			for id := start; id < start+1000 && id <= n; id++ {
				r := &record{ID: TaskID(id), Batch: BatchID(1 + id/5000), State: Done, Attempts: 1,
					Path: fmt.Sprintf("/home/user/Pictures/dir%03d/photo-%06d.jpg", id%1000, id),
					Key:  fmt.Sprintf("uploads/dir%03d/photo-%06d.jpg", id%1000, id),
					Size: int64(1<<20 + id), MTime: int64(now) - int64(id), ETag: fmt.Sprintf(`"%032x"`, id),
					CRC64: uint64(id) * 0x9e3779b97f4a7c15, RequestIDs: []string{fmt.Sprintf("NjQ2YjE4YzVfMjRiN2IwOV8xMjk0Nl8%08d=", id)},
					Created: now, Started: now, Finished: now}
				if err := w.saveTask(r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
