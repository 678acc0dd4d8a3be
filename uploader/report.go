package uploader

import (
	"strings"
	"time"
)

// onReport applies a worker's report to its task (loop). A report from a
// run that has already ended (a late message) changes nothing.
func (e *Engine) onReport(p report, st *step) {
	t := p.rs.t
	if t.run != p.rs {
		if p.reply != nil {
			p.reply <- errRemoved
		}
		return
	}
	r := e.stage(t, st)
	switch p.kind {
	case rBegin:
		r.Attempts++
		r.Note = Note{}
		if r.Started == 0 {
			r.Started = stampNow()
		}
		if p.res.fresh {
			r.Size, r.MTime = p.res.size, p.res.mtime
		}
		r.Resolved = r.Resolved || p.res.resolved
	case rPhase:
		e.fire(t, event{Kind: evPhase, Phase: p.phase}, st)
	case rNote:
		r.addError(toTaskError(opOf(p.err), p.err, time.Now()))
	case rResolved:
		if r.Requested == "" && r.Key != p.res.key {
			r.Requested = r.Key
		}
		r.Key, r.Resolved = p.res.key, p.res.resolved
		if !p.res.note.IsZero() {
			r.Note = p.res.note
		}
	case rUpload:
		e.uploadChanged(t, r, p.up, st)
		st.replies = append(st.replies, stepReply{t, p.reply})
	case rPart:
		id, part := r.ID, p.part
		st.ops = append(st.ops, jop{t, func(w journalWriter) error { return w.savePart(id, part) }})
		r.Acked = min(r.Acked+part.Size, r.Size)
		e.persist(t, st)
	case rWaiting:
		r.waitingNote(p.waiting)
	case rEnd:
		r.waitingNote(false) // a wait that ended the run is told by its error
		e.runEnded(t, r, p, st)
	}
}

// uploadChanged records a new multipart upload, or drops the old one.
func (e *Engine) uploadChanged(t *entry, r *record, up *uploadInfo, st *step) {
	if up.completing {
		r.CompleteSent = r.UploadID
	}
	if up.mark != nil || up.unmark {
		r.Initiating = up.mark
	}
	if up.reuse {
		r.CompleteSent = ""
		r.Size, r.MTime, r.PartSize, r.Acked = up.size, up.mtime, up.partSize, 0
		e.dropParts(t, st)
		r.Note = up.note
	}
	if up.restart {
		if up.abort {
			e.startAbort(t, r, st)
		}
		r.UploadID, r.PartSize, r.Acked, r.RequestIDs = "", 0, 0, nil
		e.dropParts(t, st)
		r.Note = up.note
	}
	if up.id != "" {
		r.UploadID, r.PartSize, r.Acked, r.Initiating = up.id, up.partSize, 0, nil
		r.RequestIDs = r.RequestIDs[:0]
		if up.reqID != "" { // "" for an adopted upload (orphans.go)
			r.RequestIDs = append(r.RequestIDs, up.reqID)
		}
	}
	e.persist(t, st)
}

// runEnded turns a run's end into the state machine's event.
func (e *Engine) runEnded(t *entry, r *record, p report, st *step) {
	if p.err == nil {
		res := p.res
		r.Key, r.ETag, r.CRC64, r.LastErr, r.Unverified = res.key, res.etag, res.crc, nil, res.unverified
		r.Initiating = nil // a later run (the file changed) must not take newer uploads for its own
		if res.reqID != "" {
			r.RequestIDs = append(r.RequestIDs, res.reqID)
		}
		if !res.note.IsZero() {
			r.Note = res.note // else keep a restart's note: the row says why progress went back
		}
		if res.skipped {
			r.Acked = 0
			e.fire(t, event{Kind: evSkipped}, st)
			return
		}
		r.Acked = r.Size
		e.fire(t, event{Kind: evDone}, st)
		return
	}
	if p.rs.ctx.Err() != nil {
		if p.rs.simple.Load() && r.UploadID == "" && (t.want == wantPause || t.want == wantNone) {
			r.Acked = 0
			r.Note = note(NoteSimpleRestart)
		}
		e.fire(t, event{Kind: evStopped}, st)
		return
	}
	r.addError(toTaskError(opOf(p.err), p.err, time.Now()))
	if p.keep && r.UploadID != "" {
		r.Note = note(NoteUploadKept, "upload_id", r.UploadID)
	}
	e.fire(t, event{Kind: evFailed, Keep: p.keep}, st)
}

// opOf extracts the operation prefix ("upload part 3") from a wrapped error.
func opOf(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i > 0 {
		return s[:i]
	}
	return ""
}
