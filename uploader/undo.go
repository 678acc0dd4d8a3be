package uploader

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Undo: deleting an object this machine uploaded, from History. The engine
// deletes only the object it put there: the ETag COS reports now must be
// the one the journal recorded when the upload finished. COS's
// DeleteObject takes no If-Match, so the check is a HEAD before the
// DELETE, and a write by someone else between the two is not caught; the
// window of that race is one round trip.

// NoteDeleted: the uploaded object was deleted from COS from this
// machine's history (undo). args "at" (RFC 3339, UTC), "request_id".
const NoteDeleted NoteCode = "deleted"

// UndoReason says why DeleteUploaded deleted nothing.
type UndoReason string

// Reasons DeleteUploaded refuses; the edge words them.
const (
	// UndoNotUploaded: the task is not a finished upload with a recorded
	// ETag (still running, failed, skipped, or journaled without one).
	UndoNotUploaded UndoReason = "not_uploaded"
	// UndoAlreadyDeleted: this machine deleted it before (the task's
	// Note is NoteDeleted).
	UndoAlreadyDeleted UndoReason = "already_deleted"
	// UndoChanged: COS holds another object at the key (another ETag):
	// someone replaced it since, so it is not ours to delete.
	UndoChanged UndoReason = "changed"
	// UndoGone: nothing is at the key any more.
	UndoGone UndoReason = "gone"
	// UndoDenied: COS refused the HEAD or the DELETE (403): the
	// credentials do not grant HeadObject or DeleteObject, as Tencent's
	// sample STS policies do not.
	UndoDenied UndoReason = "denied"
	// UndoUnsupported: a server-signed profile has no credentials of its
	// own to delete with.
	UndoUnsupported UndoReason = "unsupported"
)

// UndoError is DeleteUploaded's refusal: the reason, the request that
// told (Op "head" or "delete"), and for UndoChanged both ETags.
type UndoError struct {
	Reason    UndoReason
	Key       string
	Op        string // "head" or "delete"; "" when no request was made
	Recorded  string // the ETag this machine's upload got
	Remote    string // the ETag COS reports now (UndoChanged)
	RequestID string
	Err       error // COS's answer, when it refused
}

func (e *UndoError) Error() string {
	msg := fmt.Sprintf("delete %s: %s", e.Key, e.Reason)
	if e.Reason == UndoChanged {
		msg += fmt.Sprintf(" (ETag %s, uploaded as %s)", e.Remote, e.Recorded)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *UndoError) Unwrap() error { return e.Err }

// undoTimeout bounds the HEAD and DELETE of one undo, retries included.
const undoTimeout = 60 * time.Second

// DeleteUploaded deletes the object that task id uploaded, only if COS
// still holds exactly that object: a HEAD must report the ETag the journal
// recorded for the upload. It refuses with an *UndoError saying why
// otherwise (someone changed it, it is gone, COS refused the HEAD or the
// DELETE). On success the task stays in the history, Done, with the Note
// NoteDeleted and the time, written to the journal before it returns.
//
// COS's DeleteObject has no If-Match: an object replaced by someone else
// between the HEAD and the DELETE (one round trip) is deleted anyway.
func (e *Engine) DeleteUploaded(ctx context.Context, id TaskID) error {
	s, ok := e.Get(id)
	if !ok {
		return fmt.Errorf("no task %d", id)
	}
	if e.cfg.Signer != nil || e.cfg.Credentials == nil {
		return &UndoError{Reason: UndoUnsupported, Key: s.Key}
	}
	if s.Note.Code == NoteDeleted {
		return &UndoError{Reason: UndoAlreadyDeleted, Key: s.Key}
	}
	if s.State != Done || s.ETag == "" {
		return &UndoError{Reason: UndoNotUploaded, Key: s.Key}
	}
	ctx, cancel := context.WithTimeout(ctx, undoTimeout)
	defer cancel()
	info, err := e.undoHead(ctx, s.Key)
	if err != nil {
		return undoFailed(s, "head", err)
	}
	if !info.Found {
		return &UndoError{Reason: UndoGone, Key: s.Key, Op: "head", Recorded: s.ETag, RequestID: info.RequestID}
	}
	if !sameETag(info.ETag, s.ETag) {
		return &UndoError{Reason: UndoChanged, Key: s.Key, Op: "head", Recorded: s.ETag, Remote: info.ETag, RequestID: info.RequestID}
	}
	var rep reply
	err = retrier{e: e, op: "delete"}.do(ctx, nil, func(ctx context.Context) error {
		var err error
		rep, err = e.store.delete(ctx, s.Key)
		return err
	})
	if err != nil {
		return undoFailed(s, "delete", err)
	}
	return e.recordDeleted(ctx, id, rep.RequestID)
}

// undoHead HEADs key; a 403 is tried once more with fresh credentials
// (a HEAD's 403 has no body, so an expired token looks like a refusal).
func (e *Engine) undoHead(ctx context.Context, key string) (objectInfo, error) {
	var info objectInfo
	head := func() error {
		return retrier{e: e, op: "head"}.do(ctx, nil, func(ctx context.Context) error {
			var err error
			info, err = e.store.head(ctx, key)
			return err
		})
	}
	err := head()
	if err != nil && isForbidden(err) {
		if _, rerr := e.cfg.Credentials.Refresh(ctx); rerr != nil {
			return info, fmt.Errorf("head: refresh credentials: %w", rerr)
		}
		err = head()
	}
	return info, err
}

// undoFailed turns a refused request into an UndoError and passes other
// failures (network, credential server) through with their context.
func undoFailed(s Snapshot, op string, err error) error {
	er, ok := cosError(err)
	switch {
	case isForbidden(err):
		u := &UndoError{Reason: UndoDenied, Key: s.Key, Op: op, Recorded: s.ETag, Err: err}
		if ok && er.Response != nil {
			u.RequestID = er.Response.Header.Get("x-cos-request-id")
		}
		return u
	case ok && er.Response != nil && er.Response.StatusCode == http.StatusNotFound:
		return &UndoError{Reason: UndoGone, Key: s.Key, Op: op, Recorded: s.ETag, Err: err}
	}
	return fmt.Errorf("delete %s: %w", s.Key, err)
}

// sameETag compares ETags as COS writes them: quoted or not, any case.
func sameETag(a, b string) bool {
	norm := func(s string) string { return strings.ToLower(strings.Trim(strings.TrimSpace(s), `"`)) }
	return norm(a) != "" && norm(a) == norm(b)
}

// deletedMsg asks the loop to record a deletion on a task.
type deletedMsg struct {
	id        TaskID
	at        time.Time
	requestID string
	committed chan error    // the journal commit's result (buffered)
	published chan struct{} // closed once readers (Changes, Get) see it
}

// recordDeleted notes the deletion on the task and waits until it is in
// the journal and published, so a Changes or Get after it returns shows
// it (or until the engine closes).
func (e *Engine) recordDeleted(ctx context.Context, id TaskID, requestID string) error {
	m := deletedMsg{id: id, at: time.Now().UTC(), requestID: requestID, committed: make(chan error, 1), published: make(chan struct{})}
	e.inbox.put(m)
	select {
	case <-m.published:
		if err := <-m.committed; err != nil {
			return fmt.Errorf("the object was deleted, but recording it failed: %w", err)
		}
		return nil
	case <-e.loopDone:
		return errors.New("the object was deleted; CosDrop closed before recording it")
	case <-ctx.Done():
		return fmt.Errorf("the object was deleted; recording it: %w", context.Cause(ctx))
	}
}

// onDeleted (loop) records the deletion in the task's Note; the commit's
// result is answered after the step's commit, and published closed after
// its publish.
func (e *Engine) onDeleted(m deletedMsg, st *step) {
	st.acks = append(st.acks, m.published)
	t := e.tasks[m.id]
	if t == nil || t.gone {
		m.committed <- nil // removed from the history meanwhile: nothing to record
		return
	}
	r := e.stage(t, st)
	r.Note = note(NoteDeleted, "at", m.at.Format(time.RFC3339), "request_id", m.requestID)
	e.persist(t, st)
	st.replies = append(st.replies, stepReply{t, m.committed})
}
