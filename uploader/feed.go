package uploader

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"time"
)

// change is one entry of the change log: task id changed at version.
type change struct {
	version uint64
	id      TaskID
}

// Changes returns the tasks whose Version is above since, in version order,
// and the cursor to pass next time. Changes(0) returns every task. It costs
// O(changed tasks · log n), not O(all tasks), so a UI can poll it at 10 Hz
// with 100,000 tasks queued. A removed task appears once with State Removed
// (and only ID, Batch and Version set).
//
// Progress of running tasks is sampled about four times a second; each
// sample that moved a task's bytes gives it a new version.
func (e *Engine) Changes(since uint64) ([]Snapshot, uint64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if since == 0 {
		out := make([]Snapshot, 0, len(e.tasks))
		for _, t := range e.tasks {
			out = append(out, t.snapshotLocked())
		}
		slices.SortFunc(out, func(a, b Snapshot) int { return cmp.Compare(a.Version, b.Version) })
		return out, e.version
	}
	i := sort.Search(len(e.log), func(i int) bool { return e.log[i].version > since })
	var out []Snapshot
	for _, c := range e.log[i:] {
		t := e.tasks[c.id]
		if t == nil {
			out = append(out, Snapshot{ID: c.id, State: Removed, Version: c.version})
			continue
		}
		if t.version != c.version {
			continue // a later entry reports it
		}
		out = append(out, t.snapshotLocked())
	}
	return out, e.version
}

// compactLogLocked keeps only each task's latest entry (and removals).
func (e *Engine) compactLogLocked() {
	keep := e.log[:0:0]
	for _, c := range e.log {
		t := e.tasks[c.id]
		if t == nil || t.version == c.version {
			keep = append(keep, c)
		}
	}
	e.log = keep
}

// Get returns the current snapshot of one task.
func (e *Engine) Get(id TaskID) (Snapshot, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := e.tasks[id]
	if t == nil {
		return Snapshot{}, false
	}
	return t.snapshotLocked(), true
}

// Totals summarises the queue. It is O(running tasks).
func (e *Engine) Totals() Totals {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := Totals{
		Tasks: len(e.tasks), Queued: e.counts[Queued],
		Active: e.counts[Uploading] + e.counts[Completing] + e.counts[Verifying],
		Paused: e.counts[Paused], Done: e.counts[Done], Failed: e.counts[Failed],
		Canceled: e.counts[Canceled], Skipped: e.counts[Skipped],
		Bytes: e.totalBytes, Acked: e.settledAcked, Scanning: e.scanning,
	}
	pending := e.pendingBytes - e.pendingAcked
	for _, rt := range e.running {
		if rt.rec.State.Final() {
			continue
		}
		live := rt.run.acked(rt.rec.Size) - rt.rec.Acked
		t.Acked += live
		pending -= live
		t.Speed += rt.run.speed
	}
	if t.Speed > 1 && pending > 0 {
		t.ETA = time.Duration(float64(pending) / t.Speed * float64(time.Second))
	}
	return t
}

// sampleEvery is how often running tasks' progress is sampled into
// versions, speed and ETA.
const sampleEvery = 250 * time.Millisecond

// speedTau is the EWMA time constant: long enough to smooth part
// boundaries, short enough to follow a limit change within seconds.
const speedTau = 3 * time.Second

// sample updates speed (EWMA) and versions of running tasks.
func (e *Engine) sample() {
	defer e.wg.Done()
	tk := time.NewTicker(sampleEvery)
	defer tk.Stop()
	for {
		select {
		case <-e.ctx.Done():
			return
		case now := <-tk.C:
			e.mu.Lock()
			for _, t := range e.running {
				rs := t.run
				a := rs.acked(t.rec.Size)
				dt := now.Sub(rs.lastTime).Seconds()
				if dt <= 0 {
					continue
				}
				inst := max(0, float64(a-rs.lastAcked)/dt)
				alpha := 1 - math.Exp(-dt/speedTau.Seconds())
				if rs.speed == 0 {
					rs.speed = inst
				} else {
					rs.speed += alpha * (inst - rs.speed)
				}
				moved := a != rs.lastAcked
				rs.lastAcked, rs.lastTime = a, now
				if moved || rs.speed > 1 {
					e.touchLocked(t)
				}
			}
			e.mu.Unlock()
		}
	}
}

// BatchResult is what became of one batch's tasks.
type BatchResult struct {
	Counts    map[State]int // the batch's tasks by state
	DoneBytes int64         // sum of the sizes of its done tasks
	Failed    []Snapshot    // its failed tasks, in ID order
}

// BatchResult summarises batch id for an end-of-run report. It walks every
// task once but copies only the failed ones, so a caller need not keep a
// snapshot of each of 100,000 tasks to print how the batch ended.
func (e *Engine) BatchResult(id BatchID) BatchResult {
	res := BatchResult{Counts: map[State]int{}}
	e.mu.Lock()
	for _, t := range e.tasks {
		r := &t.rec
		if r.Batch != id {
			continue
		}
		res.Counts[r.State]++
		switch r.State {
		case Done:
			res.DoneBytes += r.Size
		case Failed:
			res.Failed = append(res.Failed, t.snapshotLocked())
		}
	}
	e.mu.Unlock()
	slices.SortFunc(res.Failed, func(a, b Snapshot) int { return cmp.Compare(a.ID, b.ID) })
	return res
}
