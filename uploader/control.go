package uploader

import (
	"golang.org/x/time/rate"
)

// Pause stops tasks. A multipart upload keeps its upload ID and finished
// parts; a simple PUT will start again from zero (its Note says so).
func (e *Engine) Pause(ids ...TaskID) {
	for _, id := range ids {
		e.mu.Lock()
		t := e.tasks[id]
		if t == nil {
			e.mu.Unlock()
			continue
		}
		if t.run != nil {
			t.run.cancel(errPaused)
			e.mu.Unlock()
			continue
		}
		if t.rec.State != Queued || t.held {
			e.mu.Unlock()
			continue
		}
		t.held = true
		e.mu.Unlock()
		e.update(t, false, func(r *record) {
			if r.State == Queued {
				r.State = Paused
			}
		})
		e.release(t)
	}
}

// release ends a hold and lets the dispatcher look at the queue again.
func (e *Engine) release(t *task) {
	e.mu.Lock()
	t.held = false
	e.mu.Unlock()
	e.kick()
}

// waitIdle blocks until no worker runs t, so a control call that needs an
// idle task (resume, retry) is not lost while a pause is still settling.
// It gives up when the engine closes.
func (e *Engine) waitIdle(t *task) {
	for {
		e.mu.Lock()
		rs := t.run
		e.mu.Unlock()
		if rs == nil {
			return
		}
		select {
		case <-rs.done:
		case <-e.ctx.Done():
			return
		}
	}
}

// Resume queues paused tasks again; they send only missing parts.
func (e *Engine) Resume(ids ...TaskID) {
	for _, id := range ids {
		e.requeue(id, func(r *record) bool { return r.State == Paused }, false)
	}
	e.kick()
}

// Retry queues failed or canceled tasks again. A task whose file changed
// (or that was canceled) starts afresh; otherwise it keeps its parts.
func (e *Engine) Retry(ids ...TaskID) {
	for _, id := range ids {
		e.requeue(id, func(r *record) bool { return r.State == Failed || r.State == Canceled }, true)
	}
	e.kick()
}

// requeue moves a task to Queued when ok(record) holds.
func (e *Engine) requeue(id TaskID, ok func(*record) bool, retry bool) {
	e.mu.Lock()
	t := e.tasks[id]
	e.mu.Unlock()
	if t == nil {
		return
	}
	e.waitIdle(t)
	e.mu.Lock()
	if t.run != nil || t.held || !ok(&t.rec) {
		e.mu.Unlock()
		return
	}
	old := t.rec
	e.mu.Unlock()
	if old.LastErr != nil && (old.LastErr.Code == CodeInvalidKey || old.LastErr.Code == CodeDuplicateKey) {
		return // retrying cannot help: the key itself is refused
	}
	afresh := retry && (old.State == Canceled || old.LastErr != nil && old.LastErr.Code == CodeFileChanged)
	if afresh && old.UploadID != "" {
		go e.abort(old) // best effort: the old upload's parts are useless now
	}
	err := e.update(t, afresh, func(r *record) {
		if !ok(r) {
			return
		}
		r.State = Queued
		r.Note = ""
		r.Finished = 0
		if retry {
			r.LastErr = nil
		}
		if afresh {
			r.UploadID, r.PartSize, r.Acked, r.RequestIDs = "", 0, 0, nil
		}
	})
	if err == nil {
		e.mu.Lock()
		e.queue = append(e.queue, id)
		e.mu.Unlock()
	}
}

// Cancel stops tasks for good and aborts their multipart uploads on COS.
// When the credentials forbid the abort, the task says so in its Note.
func (e *Engine) Cancel(ids ...TaskID) {
	for _, id := range ids {
		e.mu.Lock()
		t := e.tasks[id]
		if t == nil || t.rec.State.Final() {
			e.mu.Unlock()
			continue
		}
		if t.run != nil {
			t.run.cancel(errCanceled)
			e.mu.Unlock()
			continue
		}
		if t.held {
			e.mu.Unlock()
			continue
		}
		t.held = true
		rec := t.rec
		e.mu.Unlock()
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			defer e.release(t)
			note, te := e.abort(rec)
			e.update(t, true, func(r *record) {
				if r.State.Final() {
					return
				}
				r.State, r.Note, r.UploadID, r.Acked = Canceled, note, "", 0
				if te != nil {
					r.addError(*te)
				}
			})
		}()
	}
}

// Remove deletes tasks from the engine and the journal, canceling (and
// aborting) unfinished ones first.
func (e *Engine) Remove(ids ...TaskID) {
	for _, id := range ids {
		e.mu.Lock()
		t := e.tasks[id]
		if t == nil {
			e.mu.Unlock()
			continue
		}
		rs := t.run
		if rs != nil {
			rs.cancel(errRemoved)
		}
		e.mu.Unlock()
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			if rs != nil {
				<-rs.done
			}
			rec := e.record(t)
			if !rec.State.Final() || rec.State == Failed {
				e.abort(rec)
			}
			e.drop([]*task{t})
		}()
	}
}

// drop removes tasks from the journal and memory.
func (e *Engine) drop(ts []*task) {
	ids := make([]TaskID, 0, len(ts))
	for _, t := range ts {
		t.wmu.Lock()
		ids = append(ids, t.rec.ID)
	}
	defer func() {
		for _, t := range ts {
			t.wmu.Unlock()
		}
	}()
	if e.crashed.Load() || e.j.deleteTasks(ids) != nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, t := range ts {
		if t.gone {
			continue
		}
		t.gone = true
		e.accountLocked(&t.rec, -1)
		delete(e.tasks, t.rec.ID)
		if e.byPath != nil && e.byPath[t.rec.Path] == t.rec.ID {
			delete(e.byPath, t.rec.Path)
		}
		e.version++
		e.log = append(e.log, change{version: e.version, id: t.rec.ID})
		e.checkBatchLocked(t.rec.Batch)
	}
}

// PauseAll pauses every queued or running task.
func (e *Engine) PauseAll() {
	e.Pause(e.idsWhere(func(s State) bool { return s == Queued || active(s) })...)
}

// ResumeAll resumes every paused task.
func (e *Engine) ResumeAll() { e.Resume(e.idsWhere(func(s State) bool { return s == Paused })...) }

// RetryFailed retries every failed task.
func (e *Engine) RetryFailed() { e.Retry(e.idsWhere(func(s State) bool { return s == Failed })...) }

// ClearFinished removes done, skipped and canceled tasks from the history.
// Failed tasks stay until retried or removed.
func (e *Engine) ClearFinished() {
	e.mu.Lock()
	var ts []*task
	for _, t := range e.tasks {
		if s := t.rec.State; s == Done || s == Skipped || s == Canceled {
			ts = append(ts, t)
		}
	}
	e.mu.Unlock()
	e.drop(ts)
}

func active(s State) bool { return s == Uploading || s == Completing || s == Verifying }

func (e *Engine) idsWhere(f func(State) bool) []TaskID {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ids []TaskID
	for id, t := range e.tasks {
		if f(t.rec.State) {
			ids = append(ids, id)
		}
	}
	return ids
}

// SetRateLimit caps upload bandwidth across all connections at bytesPerSec
// (0 = unlimited). It applies to the next chunk each connection sends.
func (e *Engine) SetRateLimit(bytesPerSec int64) {
	if bytesPerSec <= 0 {
		e.limited.Store(false)
		e.limiter.SetLimit(rate.Inf)
		return
	}
	burst := int(min(max(bytesPerSec/8, 16<<10), 256<<10))
	e.limiter.SetBurst(burst)
	e.limiter.SetLimit(rate.Limit(bytesPerSec))
	e.limited.Store(true)
}

// SetConcurrency changes the global limit of in-flight requests.
func (e *Engine) SetConcurrency(n int) {
	if n <= 0 {
		n = DefaultConcurrency
	}
	e.gate.setLimit(n)
	e.mu.Lock()
	e.concurrency = n
	e.mu.Unlock()
	e.kick()
}
