package uploader

import (
	"golang.org/x/time/rate"
)

// The control calls are messages to the engine loop: each returns at once,
// whatever the task is doing, and the loop applies it in order with the
// workers' reports. None waits for a worker or an abort (finding 6).

func (e *Engine) send(kind evKind, ids []TaskID) {
	if len(ids) > 0 {
		e.inbox.put(ctlMsg{kind: kind, ids: ids})
	}
}

// Pause stops tasks. A multipart upload keeps its upload ID and finished
// parts; a simple PUT will start again from zero (its Note says so).
func (e *Engine) Pause(ids ...TaskID) { e.send(evPause, ids) }

// Resume queues paused tasks again; they send only missing parts. A task
// whose pause is still winding down is queued as soon as it has stopped.
func (e *Engine) Resume(ids ...TaskID) { e.send(evResume, ids) }

// Retry queues failed or canceled tasks again. A canceled task starts
// afresh; a failed one resumes the upload it kept, if any.
func (e *Engine) Retry(ids ...TaskID) { e.send(evRetry, ids) }

// Cancel stops tasks for good and aborts their multipart uploads on COS, in
// the background; the task's Note says how the abort went.
func (e *Engine) Cancel(ids ...TaskID) { e.send(evCancel, ids) }

// Remove deletes tasks from the engine and the journal, canceling (and
// aborting) unfinished ones first.
func (e *Engine) Remove(ids ...TaskID) { e.send(evRemove, ids) }

// PauseAll pauses every queued or running task.
func (e *Engine) PauseAll() {
	e.inbox.put(ctlMsg{kind: evPause, where: func(s State) bool { return s == Queued || active(s) }})
}

// ResumeAll resumes every paused task.
func (e *Engine) ResumeAll() {
	e.inbox.put(ctlMsg{kind: evResume, where: func(s State) bool { return s == Paused }})
}

// RetryFailed retries every failed task.
func (e *Engine) RetryFailed() {
	e.inbox.put(ctlMsg{kind: evRetry, where: func(s State) bool { return s == Failed }})
}

// ClearFinished removes done, skipped and canceled tasks from the history,
// in one journal transaction. Failed tasks stay until retried or removed.
func (e *Engine) ClearFinished() { e.inbox.put(clearMsg{}) }

func active(s State) bool { return s == Uploading || s == Completing || s == Verifying }

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

// SetConcurrency pins the global limit of in-flight requests at n; n <= 0
// hands it back to the adaptive controller.
func (e *Engine) SetConcurrency(n int) {
	e.parts.setOff(n > 0)
	e.gate.setSmallExtra(n <= 0)
	e.applyConcurrency(e.adapt.pin(n))
}

// applyConcurrency makes n the limit of the request gate and of the
// dispatcher's running tasks (the controller calls it on every change).
func (e *Engine) applyConcurrency(n int) {
	e.gate.setLimit(n)
	e.inbox.put(concMsg{n: n})
	e.inbox.put(kickMsg{})
}
