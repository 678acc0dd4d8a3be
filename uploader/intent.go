package uploader

import (
	"maps"
	"slices"
)

// An Initiate whose answer never reached the journal. COS makes the
// multipart upload when it answers InitiateMultipartUpload; a kill before
// the journal records that upload's ID leaves it open on COS, billed for
// good, and holding no part (parts are sent only once the ID is
// journaled), so the rerun can neither adopt it by its bytes (orphans.go)
// nor tell it from another client's upload of the same key (make
// soak-short found one about one run in five). So, before Initiate is
// sent, the task's record is marked (record.Initiating) with the key and
// the uploads COS listed for it just before: any upload open at that key
// afterwards that is not in the list and that no other task holds came
// from this Initiate. The mark is cleared when the upload's ID is
// journaled.
//
// A run that finds the mark settles it before anything is sent: it lists
// the key's uploads again and finishes the file inside its own (the parts
// it holds that match the file are kept, the others sent again over them,
// and Complete names only the new parts, as worker.reuse does), so the
// upload ends with the task and no AbortMultipartUpload is needed
// (Tencent's sample STS grant has none: it does have ListMultipartUploads,
// https://github.com/tencentyun/qcloud-cos-sts-sdk/blob/master/nodejs/demo/sts-server.js).
// Any other upload of its own is aborted (a leftover if COS refuses).
//
// It fails safe: when the key's uploads could not be listed before
// Initiate, no mark is written, and when they cannot be listed on the
// rerun, nothing is adopted or aborted; that upload is then left to
// `cosdrop cleanup` (orphans.go). What the mark cannot rule out is another
// client starting an upload of the same key between the kill and the
// rerun: it would be taken for this one (its next part or Complete then
// fails, and CosDrop restarts on that). The object is never mixed: every
// part is checked against the file and Complete against its CRC64.

// initMark is the mark of an Initiate sent for Key while Before were the
// key's open uploads.
type initMark struct {
	Key    string   `json:"key"`
	Before []string `json:"before,omitempty"`
}

// markInitiate journals, before Initiate is sent, that it is about to be
// sent for key while before are the key's open uploads.
func (w *worker) markInitiate(key string, before map[string]bool) error {
	m := &initMark{Key: key, Before: slices.Sorted(maps.Keys(before))}
	if err := w.sync(report{kind: rUpload, up: &uploadInfo{mark: m}}); err != nil {
		return err
	}
	w.r.Initiating = m
	return nil
}

// settleMark finds the upload an earlier run's Initiate made (see above):
// one at the task's key becomes the task's upload, others are aborted,
// and the mark is cleared. A listing that fails leaves everything as it is.
func (w *worker) settleMark() error {
	m := w.r.Initiating
	open, err := w.listUploads(m.Key)
	if err != nil {
		return nil // fail safe: never abort what cannot be told from another's
	}
	var ours []string
	for _, id := range slices.Sorted(maps.Keys(open)) {
		if !slices.Contains(m.Before, id) && !w.e.uploadHeld(id, w.r.ID) {
			ours = append(ours, id)
		}
	}
	keep := ""
	if len(ours) > 0 && m.Key == w.r.Key && w.r.Size > 0 { // an empty file has no part to send
		if keep = w.adoptable(m.Key, setOf(ours)); keep == "" {
			keep = ours[len(ours)-1]
		}
	}
	for _, id := range ours {
		if id != keep {
			w.abortNow(m.Key, id)
		}
	}
	if keep != "" {
		return w.journalUpload(keep, "") // clears the mark
	}
	if err := w.sync(report{kind: rUpload, up: &uploadInfo{unmark: true}}); err != nil {
		return err
	}
	w.r.Initiating = nil
	return nil
}

func setOf(ids []string) map[string]bool {
	s := make(map[string]bool, len(ids))
	for _, id := range ids {
		s[id] = true
	}
	return s
}

// uploadHeld reports whether a task other than except holds the multipart
// upload id.
func (e *Engine) uploadHeld(id string, except TaskID) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	held := false
	e.view(func(rd journalReader) {
		for _, t := range e.tasks {
			if t.id == except || !t.upload || held {
				continue
			}
			r := t.rec
			if r == nil && rd != nil {
				r, _ = rd.task(t.id)
			}
			held = r == nil || r.UploadID == id // a record that cannot be read may hold it
		}
	})
	return held
}
