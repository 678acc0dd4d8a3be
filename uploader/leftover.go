package uploader

import (
	"context"
	"net/http"
	"slices"
	"time"
)

// Leftover is a multipart upload CosDrop started and has not been able to
// end: its parts stay on COS, billed, until someone aborts it. Every abort
// is written here before it is tried and cleared when it succeeds, so an
// abort that fails (the sample STS policy grants no AbortMultipartUpload),
// or that a kill cuts short, stays visible after its task is removed, and
// CleanLeftovers can try again.
type Leftover struct {
	UploadID string    `json:"upload_id"`
	Key      string    `json:"key"`
	Code     string    `json:"code,omitempty"` // why the last try failed ("" = not tried yet)
	Since    time.Time `json:"since"`
}

// CleanResult is what a CleanLeftovers run did.
type CleanResult struct {
	Ended int        // aborted now (or already gone from COS)
	Open  []Leftover // still open; each Code says why
	// Unknown are uploads open under the profile's prefix that neither the
	// journal nor a task of it accounts for (another computer's, or a
	// journal's that was lost): reported, never aborted (orphans.go).
	Unknown []Leftover
}

// leftoverMsg records (or, with ended, clears) a leftover in the loop's
// next journal transaction.
type leftoverMsg struct {
	l     Leftover
	ended bool
}

// leftoverOp is the journal operation of a leftoverMsg.
func leftoverOp(m leftoverMsg) func(journalWriter) error {
	return func(w journalWriter) error {
		if m.ended {
			return w.endLeftover(m.l.UploadID)
		}
		if old, ok := w.leftover(m.l.UploadID); ok && !old.Since.IsZero() {
			m.l.Since = old.Since // how long it has been open, not when last tried
		}
		return w.saveLeftover(m.l)
	}
}

// noteLeftover queues a leftover's journal write in this step. It belongs
// to no task (a removed task's upload outlives it), so a failed write
// fails no task; the abort it guards is tried all the same.
func (e *Engine) noteLeftover(m leftoverMsg, st *step) {
	st.ops = append(st.ops, jop{fn: leftoverOp(m)})
}

// abortCode is the code a failed abort leaves on its leftover.
func abortCode(err error) string {
	te := toTaskError("abort", err, time.Time{})
	if te.HTTPStatus == http.StatusForbidden {
		return CodeAbortDenied
	}
	return te.Code
}

// Leftovers lists the multipart uploads this journal knows are still open
// on COS, oldest first.
func (e *Engine) Leftovers() ([]Leftover, error) { return oldestFirst(e.j.leftovers()) }

// CleanLeftovers tries once more to abort every leftover upload (with the
// usual retries for transient failures) and records the outcome: ended
// ones leave the list, the others keep the code of why not. An upload COS
// no longer knows counts as ended. Then it lists the uploads open on COS
// under the profile's prefix: CosDrop's orphans (a lost journal's) are
// aborted too, the ones it cannot tell are its own reported in Unknown.
func (e *Engine) CleanLeftovers(ctx context.Context) (CleanResult, error) {
	var res CleanResult
	list, err := e.Leftovers()
	if err != nil {
		return res, err
	}
	tried := map[string]bool{}
	for _, l := range list {
		tried[l.UploadID] = true
		err := retrier{e: e, op: "abort"}.do(ctx, nil, func(ctx context.Context) error {
			return e.store.abort(ctx, l.Key, l.UploadID)
		})
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if err == nil {
			res.Ended++
			e.inbox.put(leftoverMsg{l: l, ended: true})
			continue
		}
		l.Code = abortCode(err)
		res.Open = append(res.Open, l)
		e.inbox.put(leftoverMsg{l: l})
	}
	// The journal lists only what it knows: ask COS too (orphans.go).
	return res, e.cleanStrays(ctx, &res, tried)
}

// ReadLeftovers lists the leftover uploads recorded in stateDir's journal
// without starting an engine (for `cosdrop status`); like ReadJournal it
// fails with *BusyJournalError while a process holds the journal.
func ReadLeftovers(stateDir string) ([]Leftover, error) {
	j, p, err := openReadOnly(stateDir)
	if err != nil {
		return nil, err
	}
	defer j.close()
	var out []Leftover
	err = guard(p, func() error {
		var err error
		out, err = oldestFirst(j.leftovers())
		return err
	})
	return out, err
}

// oldestFirst sorts a leftover list by when each upload was first noted.
func oldestFirst(out []Leftover, err error) ([]Leftover, error) {
	slices.SortFunc(out, func(a, b Leftover) int { return a.Since.Compare(b.Since) })
	return out, err
}
