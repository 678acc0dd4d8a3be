package uploader

import (
	"time"
)

// full returns t's whole record for the loop: staged, published, or read
// back from the journal for a stub. Read-only; stage it to change it.
func (e *Engine) full(t *entry) *record {
	if t.staged != nil {
		return t.staged
	}
	if t.rec != nil {
		return t.rec
	}
	r, err := e.j.task(t.id)
	return fromStub(t, r, err)
}

// fromStub completes a record read back for stub t: its batch and state
// are the engine's (a rerun moves a finished task to its batch in memory;
// a restart queues or pauses unfinished tasks without a write). A record
// that cannot be read says so in its error.
func fromStub(t *entry, r *record, err error) *record {
	if err != nil {
		r = &record{ID: t.id, Size: t.size, Acked: t.acked}
		r.addError(TaskError{Op: "journal", Code: CodeJournal, Party: PartyJournal, Message: err.Error(), Time: time.Now()})
	}
	r.Batch, r.State = t.batch, t.state
	return r
}

// snapshot is t's Snapshot for a reader holding Engine.mu (read); rd, when
// not nil, is a read view of the journal to take a stub's record from.
func (e *Engine) snapshot(t *entry, rd journalReader) Snapshot {
	if t.rec != nil {
		return snapshotOf(t.rec, t.version, t.run)
	}
	if rd == nil {
		var s Snapshot
		err := e.j.view(func(rd journalReader) { s = e.snapshot(t, rd) })
		if err != nil {
			return snapshotOf(fromStub(t, nil, err), t.version, nil)
		}
		return s
	}
	r, err := rd.task(t.id)
	return snapshotOf(fromStub(t, r, err), t.version, nil)
}

// view runs fn with one read view of the journal (nil if the journal
// cannot be read: stubs then say so in their errors).
func (e *Engine) view(fn func(rd journalReader)) {
	if err := e.j.view(fn); err != nil {
		fn(nil)
	}
}

// stateOf is t's state as the loop sees it in this step.
func (e *Engine) stateOf(t *entry) State {
	if t.staged != nil {
		return t.staged.State
	}
	return t.state
}

// largeOf reports whether t goes (or went) by multipart upload, without
// reading a stub's record.
func (e *Engine) largeOf(t *entry) bool {
	size, upload := t.size, t.upload
	if r := t.staged; r != nil {
		size, upload = r.Size, r.UploadID != ""
	}
	return e.cfg.Signer == nil && (upload || size > choosePartSize(size, e.cfg.PartSize))
}
