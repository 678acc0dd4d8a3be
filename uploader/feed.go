package uploader

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"time"
)

// change is one entry of the change log: task id changed at version (or
// was removed, at time at).
type change struct {
	version uint64
	id      TaskID
	at      int64 // removals: when (UnixNano), for their time to live
	removed bool
}

// removalTTL is how long the change log keeps a removal. A UI polls ten
// times a second; one that has not polled for this long is behind anyway,
// and a cursor older than a dropped removal gets the full list again.
var removalTTL = 30 * time.Second

// changeLog is the change feed's log, in ascending versions. Compaction
// keeps each live task's latest entry and the removals younger than
// removalTTL, and runs only when the log has doubled since the last one,
// so its cost per change is O(1) amortized however many tasks were removed
// (finding 5: removals used to be kept for ever, and with 100,000 of them
// every change compacted the whole log again).
type changeLog struct {
	entries     []change
	limit       int    // compact when entries grow beyond this
	floor       uint64 // the newest version of a removal dropped by compaction
	compactions int    // for tests: compaction must stay amortized O(1)
}

func (l *changeLog) add(v uint64, id TaskID, ntasks int, live func(change) bool) {
	l.entries = append(l.entries, change{version: v, id: id})
	l.maybeCompact(ntasks, live)
}

func (l *changeLog) removed(v uint64, id TaskID) {
	l.entries = append(l.entries, change{version: v, id: id, removed: true, at: time.Now().UnixNano()})
}

func (l *changeLog) maybeCompact(ntasks int, live func(change) bool) {
	if len(l.entries) <= l.limit {
		return
	}
	l.compactions++
	cut := time.Now().Add(-removalTTL).UnixNano()
	keep := l.entries[:0:0]
	for _, c := range l.entries {
		switch {
		case c.removed && c.at >= cut, !c.removed && live(c):
			keep = append(keep, c)
		case c.removed:
			l.floor = max(l.floor, c.version)
		}
	}
	l.entries = keep
	l.limit = 2*len(keep) + ntasks + 4096
}

// Changes returns the tasks whose Version is above since, in version order,
// and the cursor to pass next time. Changes(0) returns every task. It costs
// O(changed tasks · log n), not O(all tasks), so a UI can poll it at 10 Hz
// with 100,000 tasks queued. A removed task appears once with State Removed
// (and only ID and Version set); a cursor so old that a removal after it
// was already dropped gets every task again, as Changes(0) does.
//
// Progress of running tasks is sampled about four times a second; each
// sample that moved a task's speed gives it a new version.
func (e *Engine) Changes(since uint64) ([]Snapshot, uint64) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if since == 0 || since < e.log.floor {
		out := make([]Snapshot, 0, len(e.tasks))
		for _, t := range e.tasks {
			out = append(out, t.snapshotLocked())
		}
		slices.SortFunc(out, func(a, b Snapshot) int { return cmp.Compare(a.Version, b.Version) })
		return out, e.version
	}
	log := e.log.entries
	i := sort.Search(len(log), func(i int) bool { return log[i].version > since })
	var out []Snapshot
	for _, c := range log[i:] {
		if c.removed {
			out = append(out, Snapshot{ID: c.id, State: Removed, Version: c.version})
			continue
		}
		t := e.tasks[c.id]
		if t == nil || t.version != c.version {
			continue // a later entry reports it
		}
		out = append(out, t.snapshotLocked())
	}
	return out, e.version
}

// Get returns the current snapshot of one task.
func (e *Engine) Get(id TaskID) (Snapshot, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t := e.tasks[id]
	if t == nil {
		return Snapshot{}, false
	}
	return t.snapshotLocked(), true
}

// Totals summarises the queue in O(1). Acked is the bytes COS acknowledged,
// so it never drops when a task pauses.
func (e *Engine) Totals() Totals {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t := Totals{
		Tasks: len(e.tasks), Queued: e.counts[Queued],
		Active: e.counts[Uploading] + e.counts[Completing] + e.counts[Verifying],
		Paused: e.counts[Paused], Done: e.counts[Done], Failed: e.counts[Failed],
		Canceled: e.counts[Canceled], Skipped: e.counts[Skipped],
		Bytes: e.bytes, Acked: e.acked, Scanning: e.scanning, Speed: e.speedSum,
	}
	if t.Speed > 1 && e.pending > 0 {
		t.ETA = time.Duration(float64(e.pending) / t.Speed * float64(time.Second))
	}
	return t
}

// sampleEvery is how often running tasks' speed is sampled into versions
// and ETA.
const sampleEvery = 250 * time.Millisecond

// speedTau is the EWMA time constant: long enough to smooth part
// boundaries, short enough to follow a limit change within seconds.
const speedTau = 3 * time.Second

// sample updates the speed (EWMA of bytes sent) and versions of running
// tasks; called by the loop.
func (e *Engine) sample(now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var sum float64
	for _, t := range e.active {
		rs := t.run
		sent := rs.sent.Load()
		dt := now.Sub(rs.lastTime).Seconds()
		if dt <= 0 {
			continue
		}
		inst := max(0, float64(sent-rs.lastSent)/dt)
		alpha := 1 - math.Exp(-dt/speedTau.Seconds())
		if rs.speed == 0 {
			rs.speed = inst
		} else {
			rs.speed += alpha * (inst - rs.speed)
		}
		rs.lastSent, rs.lastTime = sent, now
		if inst > 0 || rs.speed > 1 {
			e.touch(t)
		}
		sum += rs.speed
	}
	e.speedSum = sum
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
	e.mu.RLock()
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
	e.mu.RUnlock()
	slices.SortFunc(res.Failed, func(a, b Snapshot) int { return cmp.Compare(a.ID, b.ID) })
	return res
}
