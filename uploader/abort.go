package uploader

import (
	"context"
	"net/http"
	"time"
)

// abortTimeout bounds one abort, retries included. An abort is not canceled
// by Close (it would leave the parts billed); this bounds how long Close
// waits for it.
const abortTimeout = 30 * time.Second

// startAbort ends the task's multipart upload on COS in the background,
// under the loop's count of aborts in flight (the loop, and so Close, ends
// only when they have). The task forgets the upload at once, so a Retry
// never waits for the abort nor resumes a dying upload; abortDone records
// how it went.
func (e *Engine) startAbort(t *entry, r *record, st *step) {
	if r.UploadID == "" || e.cfg.Signer != nil {
		return
	}
	key, uid := r.Key, r.UploadID
	r.UploadID, r.PartSize, r.Acked = "", 0, 0
	e.dropParts(t, st)
	e.persist(t, st)
	e.noteLeftover(leftoverMsg{l: Leftover{UploadID: uid, Key: key, Since: time.Now().UTC()}}, st)
	e.aborts++
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), abortTimeout)
		defer cancel()
		err := retrier{e: e, op: "abort"}.do(ctx, nil, func(ctx context.Context) error {
			return e.store.abort(ctx, key, uid)
		})
		e.inbox.put(abortDoneMsg{t: t, key: key, uploadID: uid, err: err})
	}()
}

// aborted records how an abort went on the task, if it is still there and
// not running again: a canceled task's Note says whether the parts are
// gone; a failed abort names the upload left open.
func (e *Engine) aborted(m abortDoneMsg, st *step) {
	e.aborts--
	l := Leftover{UploadID: m.uploadID, Key: m.key, Since: time.Now().UTC()}
	if m.err != nil {
		l.Code = abortCode(m.err)
	}
	e.noteLeftover(leftoverMsg{l: l, ended: m.err == nil}, st)
	t := m.t
	if t.gone {
		return
	}
	if t.run != nil || e.stateOf(t) == Done || e.stateOf(t) == Skipped {
		// An upload dropped by a running or finished task (a conflict
		// moved it to another key): a failed abort is recorded in its
		// error list with the upload ID, so the fragments left on COS are
		// visible and can be cleaned up.
		if m.err != nil {
			te := toTaskError("abort", m.err, time.Now())
			if te.HTTPStatus == http.StatusForbidden {
				te.Code = CodeAbortDenied
			}
			te.Args = map[string]string{"upload_id": m.uploadID}
			r := e.stage(t, st)
			r.Errors = append(r.Errors, te)
			e.persist(t, st)
		}
		return
	}
	r := e.stage(t, st)
	switch {
	case m.err == nil && r.State == Canceled:
		r.Note = note(NoteCanceledAborted)
	case m.err == nil:
		return
	default:
		te := toTaskError("abort", m.err, time.Now())
		switch {
		case r.State == Canceled && te.HTTPStatus == http.StatusForbidden:
			te.Code = CodeAbortDenied
			r.Note = note(NoteCanceledAbortDenied, "upload_id", m.uploadID)
		case r.State == Canceled:
			r.Note = note(NoteCanceledAbortFailed, "upload_id", m.uploadID, "reason", te.Code)
		default:
			r.Note = note(NoteAbortPending, "upload_id", m.uploadID, "code", te.Code)
		}
		if r.State == Canceled {
			r.addError(te)
		} else {
			r.Errors = append(r.Errors, te) // keep the failure that ended the task as LastErr
		}
	}
	e.persist(t, st)
}
