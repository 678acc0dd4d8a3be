package uploader

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// task is the engine's view of one upload. Its record is guarded by
// Engine.mu and replaced whole on every change (copy-on-write), so snapshots
// can be taken without copying under contention. A queued task costs the
// record, its strings and this header: well under 1 KiB.
type task struct {
	rec     record    // guarded by Engine.mu
	version uint64    // guarded by Engine.mu
	run     *runState // guarded by Engine.mu; non-nil while a worker owns the task
	gone    bool      // guarded by Engine.mu; removed from the engine
	// held is set while a control call (pause or cancel of a task that is
	// not running) is writing the task's new state: the dispatcher must not
	// start it in between, or the run and the control call would race.
	held bool       // guarded by Engine.mu
	wmu  sync.Mutex // serialises journal writes of this task
}

// runState exists while a worker runs a task: its cancel function (the
// cause says why: pause, cancel, remove, shutdown) and live byte counters
// the workers update atomically, per Read.
type runState struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{}

	committed atomic.Int64 // bytes of parts COS acknowledged (and the journal holds)
	inflight  atomic.Int64 // bytes sent by attempts still running; reset on failure

	// Sampler state, guarded by Engine.mu.
	lastAcked int64
	lastTime  time.Time
	speed     float64
	simple    bool // a simple PUT: pausing loses its progress
	large     bool // counted in Engine.runningLarge (set at start, never changed)
}

// acked is the live progress, never above size.
func (rs *runState) acked(size int64) int64 {
	a := rs.committed.Load() + rs.inflight.Load()
	return max(0, min(a, size))
}

// Causes of a task's context ending.
var (
	errPaused   = errors.New("paused")
	errCanceled = errors.New("canceled")
	errRemoved  = errors.New("removed")
	errClosing  = errors.New("engine closing")
	errCrashed  = errors.New("simulated crash")
)

// cloneRecord copies r so that appends to its slices never touch a
// snapshot's backing arrays.
func cloneRecord(r record) record {
	r.Errors = slices.Clone(r.Errors)
	r.RequestIDs = slices.Clone(r.RequestIDs)
	if r.LastErr != nil {
		le := *r.LastErr
		r.LastErr = &le
	}
	return r
}

// addError records te as the last error and appends it to the bounded list.
func (r *record) addError(te TaskError) {
	r.LastErr = &te
	r.Errors = append(r.Errors, te)
	if n := len(r.Errors); n > maxErrors {
		r.Errors = slices.Clone(r.Errors[n-maxErrors:])
	}
}

// snapshotLocked builds t's Snapshot; the caller holds Engine.mu.
func (t *task) snapshotLocked() Snapshot {
	r := &t.rec
	s := Snapshot{
		ID: r.ID, Batch: r.Batch, Path: r.Path, Key: r.Key, Size: r.Size,
		Acked: r.Acked, State: r.State, Attempts: r.Attempts,
		Errors: slices.Clone(r.Errors), UploadID: r.UploadID, ETag: r.ETag, CRC64: r.CRC64,
		RequestIDs: slices.Clone(r.RequestIDs), Note: r.Note,
		Created: r.Created.Time(), Started: r.Started.Time(), Finished: r.Finished.Time(), Version: t.version,
	}
	if r.LastErr != nil {
		le := *r.LastErr
		s.LastErr = &le
	}
	if rs := t.run; rs != nil && !r.State.Final() {
		s.Acked = rs.acked(r.Size)
		s.Speed = rs.speed
		if rs.speed > 1 {
			s.ETA = time.Duration(float64(r.Size-s.Acked) / rs.speed * float64(time.Second))
		}
	}
	if s.State == Done {
		s.Acked = s.Size
	}
	return s
}
