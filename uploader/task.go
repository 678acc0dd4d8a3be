package uploader

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"time"
)

// entry is the engine's view of one task. Only the engine loop writes it:
// the published fields under Engine.mu (readers take the read lock), the
// loop-only ones without a lock because nobody else reads them.
//
// A task nobody is working on, whose state is exactly what the journal
// holds, is a stub: rec is nil and its details (errors, request IDs, ETag,
// ...) are read back from the journal on demand. The summary fields are
// what the totals, batches and dispatcher need without that read. So a
// finished or queued task costs this header and two map entries, not its
// record: 100,000 tasks stay far below 1 KiB each.
type entry struct {
	rec     *record // published full record; nil for a stub
	id      TaskID
	batch   BatchID
	state   State
	size    int64
	acked   int64
	upload  bool      // a multipart upload is open
	version uint64    // change-feed cursor of the last published change
	run     *runState // non-nil while a worker owns the task

	// Loop-only.
	staged *record // the next state, built during a loop step, published after its commit
	want   want    // what a control call asked of the running worker
	mark   uint8   // markTouched/markDirty in the current step
	gone   bool    // removed (or being removed) from the engine
	fresh  bool    // created in this step: not in Engine.tasks yet
}

// summarize copies the summary fields from r.
func (t *entry) summarize(r *record) {
	t.id, t.batch, t.state, t.size, t.acked, t.upload = r.ID, r.Batch, r.State, r.Size, r.Acked, r.UploadID != ""
}

// Marks of a task in the current loop step.
const (
	markTouched uint8 = 1 << iota // staged: publish after the commit
	markDirty                     // write its record in the commit
)

// runState is one run of a task by a worker: its context (the cause says
// why it ended: pause, cancel, remove, shutdown) and its speed, read from
// the task's acknowledged bytes. Progress itself (Acked) is only ever what
// COS acknowledged, in the task's record.
type runState struct {
	id     TaskID
	t      *entry      // loop-only: the task this run belongs to
	simple atomic.Bool // the run sends the file in one request: pausing loses its progress
	ctx    context.Context
	cancel context.CancelCauseFunc
	large  bool // counted in Engine.runningLarge (set at start, never changed)

	meter ackMeter // the sampler's, written by the loop under Engine.mu
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

// snapshotOf builds a record's Snapshot, live figures from rs if running.
func snapshotOf(r *record, version uint64, rs *runState) Snapshot {
	s := Snapshot{
		ID: r.ID, Batch: r.Batch, Path: r.Path, Key: r.Key, Size: r.Size,
		Acked: r.Acked, State: r.State, Attempts: r.Attempts,
		Errors: slices.Clone(r.Errors), UploadID: r.UploadID, ETag: r.ETag, CRC64: r.CRC64,
		RequestIDs: slices.Clone(r.RequestIDs), Note: r.Note, RequestedKey: r.requested(),
		Verified: r.State == Done && !r.Unverified,
		Created:  r.Created.Time(), Started: r.Started.Time(), Finished: r.Finished.Time(), Version: version,
	}
	if r.LastErr != nil {
		le := *r.LastErr
		s.LastErr = &le
	}
	if rs != nil && !r.State.Final() {
		s.Speed = rs.meter.speed
		if s.Speed > 1 {
			s.ETA = time.Duration(float64(r.Size-s.Acked) / s.Speed * float64(time.Second))
		}
	}
	if s.State == Done {
		s.Acked = s.Size
	}
	s.Acked = max(0, min(s.Acked, s.Size))
	return s
}
