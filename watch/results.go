package watch

import (
	"os"
	"strconv"
	"strings"
	"time"

	"cosdrop/uploader"
)

// timeNow is the wall clock the engine stamps tasks with (not Options.Now,
// which only drives settling).
var timeNow = time.Now

// results reads the engine's change feed for the outcome of handed-over
// files and records it.
func (w *Watcher) results() {
	if len(w.inflight) == 0 {
		_, w.cursor = w.o.Engine.Changes(w.cursor)
		return
	}
	var ch []uploader.Snapshot
	ch, w.cursor = w.o.Engine.Changes(w.cursor)
	for _, s := range ch {
		sub := w.inflight[s.Path]
		if sub == nil || s.Batch != sub.batch || !s.State.Final() {
			continue
		}
		delete(w.inflight, s.Path)
		d, final := outcome(s, sub)
		w.record(d)
		if final {
			w.known[s.Path] = sub.stat
		}
		w.recheck(s.Path, sub)
	}
}

// outcome is the decision for a handed-over file's final snapshot; final
// is false when a later rescan should try again.
func outcome(s uploader.Snapshot, sub *submission) (Decision, bool) {
	d := Decision{Folder: sub.root, Path: s.Path, Key: s.Key, Size: s.Size, MTime: sub.mtime}
	earlier := !s.Finished.IsZero() && s.Finished.Before(sub.at)
	switch {
	case (s.State == uploader.Done || s.State == uploader.Skipped) && earlier:
		// ResumeExisting adopted a finished task of the same file, size
		// and mtime: the journal's answer, nothing was sent.
		d.Code = Unchanged
		d.Args = map[string]string{"state": string(s.State), "finished": s.Finished.UTC().Format(time.RFC3339)}
	case s.State == uploader.Done && s.Verified:
		d.Code = Uploaded
		d.Args = map[string]string{"crc64": strconv.FormatUint(s.CRC64, 10), "etag": strings.Trim(s.ETag, `"`),
			"request_ids": strings.Join(s.RequestIDs, ",")}
	case s.State == uploader.Done:
		d.Code = UploadedUnverified
		d.Args = map[string]string{"note": string(s.Note.Code)}
	case s.State == uploader.Skipped && s.Note.Code == uploader.NoteSkippedIdentical:
		d.Code = Identical
	case s.State == uploader.Skipped:
		d.Code = Exists
	default: // failed or canceled
		d.Code = Failed
		d.Error = s.LastErr
		if s.State == uploader.Canceled {
			d.Args = map[string]string{"state": string(s.State)}
		}
		// A key COS cannot take stays refused until the file is renamed:
		// trying it again every rescan would only repeat the line.
		return d, s.LastErr != nil && s.LastErr.Party == uploader.PartyUser
	}
	return d, true
}

// recheck starts the file settling again if it changed while the engine
// had it (its events were consumed meanwhile).
func (w *Watcher) recheck(p string, sub *submission) {
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() || statOf(fi).same(sub.stat) {
		return
	}
	w.consider(sub.root, p, fi)
}
