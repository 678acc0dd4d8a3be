package uploader

import (
	"cmp"

	"slices"
	"sort"
	"time"
)

// change is one entry of the change log: task id changed at version. It
// stays 16 bytes: the log holds up to a few per task.
type change struct {
	version uint64
	id      TaskID
}

// removal is a removed task in the change log, with when it went.
type removal struct {
	change
	at int64 // UnixNano
}

// removalTTL is how long the change log keeps a removal. A UI polls ten
// times a second; one that has not polled for this long is behind anyway,
// and a cursor older than a dropped removal gets the full list again.
var removalTTL = 30 * time.Second

// changeLog is the change feed's log, in ascending versions: changes of
// live tasks, and removals apart. Compaction keeps each live task's latest
// entry and runs only when the log has doubled since the last one, so its
// cost per change is O(1) amortized; removals are dropped once older than
// removalTTL (finding 5: they used to be kept for ever, and with 100,000
// of them every change compacted the whole log again).
type changeLog struct {
	entries     []change
	removals    []removal
	limit       int    // compact when entries grow beyond this
	floor       uint64 // the newest version of a removal dropped
	compactions int    // for tests: compaction must stay amortized O(1)
}

func (l *changeLog) add(v uint64, id TaskID, ntasks int, live func(change) bool) {
	l.entries = append(l.entries, change{version: v, id: id})
	if len(l.entries) <= l.limit {
		return
	}
	l.compactions++
	keep := l.entries[:0:0]
	for _, c := range l.entries {
		if live(c) {
			keep = append(keep, c)
		}
	}
	l.entries = keep
	l.limit = 2*len(keep) + ntasks + 4096
	l.expire()
}

func (l *changeLog) removed(v uint64, id TaskID) {
	l.removals = append(l.removals, removal{change{v, id}, time.Now().UnixNano()})
	l.expire()
}

// expire drops removals older than removalTTL (they are in time order).
func (l *changeLog) expire() {
	cut := time.Now().Add(-removalTTL).UnixNano()
	i := 0
	for i < len(l.removals) && l.removals[i].at < cut {
		l.floor = l.removals[i].version
		i++
	}
	l.removals = l.removals[i:] // append reallocates, letting the old array go
}

// since returns the log's entries after version v, in version order, with
// removals marked.
func (l *changeLog) since(v uint64, fn func(c change, removed bool)) {
	a, b := l.entries, l.removals
	i := sort.Search(len(a), func(i int) bool { return a[i].version > v })
	j := sort.Search(len(b), func(j int) bool { return b[j].version > v })
	for i < len(a) || j < len(b) {
		if j == len(b) || i < len(a) && a[i].version < b[j].version {
			fn(a[i], false)
			i++
		} else {
			fn(b[j].change, true)
			j++
		}
	}
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
	var out []Snapshot
	e.view(func(rd journalReader) {
		if since == 0 || since < e.log.floor {
			out = make([]Snapshot, 0, len(e.tasks))
			for _, t := range e.tasks {
				out = append(out, e.snapshot(t, rd))
			}
			slices.SortFunc(out, func(a, b Snapshot) int { return cmp.Compare(a.Version, b.Version) })
			return
		}
		e.log.since(since, func(c change, removed bool) {
			if removed {
				out = append(out, Snapshot{ID: c.id, State: Removed, Version: c.version})
				return
			}
			if t := e.tasks[c.id]; t != nil && t.version == c.version { // else a later entry reports it
				out = append(out, e.snapshot(t, rd))
			}
		})
	})
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
	return e.snapshot(t, nil), true
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
		Receipts: int(e.receiptsWaiting.Load()),
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

// sample updates the speeds (ackMeter: acknowledged bytes only) of running
// tasks and of the engine, and the versions of tasks whose speed moved;
// called by the loop. The engine's speed is read from every byte COS
// acknowledged (small files included, which start and end between two
// samples), not summed from the tasks'.
func (e *Engine) sample(now time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, t := range e.active {
		if t.run.meter.update(now, t.acked) {
			e.touch(t)
		}
	}
	var acked int64
	if e.parts != nil {
		acked = e.parts.ackedTotal()
	}
	if len(e.active) == 0 {
		e.meter.reset(now, acked) // idle: the next batch's speed starts from its own first answer
	} else {
		e.meter.update(now, acked)
	}
	e.speedSum = e.meter.speed
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
		if t.batch != id {
			continue
		}
		res.Counts[t.state]++
		switch t.state {
		case Done:
			res.DoneBytes += t.size
		case Failed:
			res.Failed = append(res.Failed, e.snapshot(t, nil))
		}
	}
	e.mu.RUnlock()
	slices.SortFunc(res.Failed, func(a, b Snapshot) int { return cmp.Compare(a.ID, b.ID) })
	return res
}
