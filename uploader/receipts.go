package uploader

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"cosdrop/receipt"
)

// Receipts: when a drop (one Add's batch) ends, the engine writes one
// receipt object into the bucket saying what became of every file, so a
// support team can read it from COS (package receipt holds the format).
// The receipt is journaled first, in the loop, before the batch is
// announced done; a writer goroutine (receiptwriter.go) then PUTs it and
// the loop removes it from the journal once COS took it. Writing a receipt
// never holds up, fails or retries an upload: the two share only the
// credentials.

// Receipts configures the receipts an engine writes. The zero value
// writes none.
type Receipts struct {
	// Prefix is the folder receipts go under (e.g. ".cosdrop/receipts/");
	// "" writes no receipts.
	Prefix string
	// Label names the sender (the profile's receipts_who, --who).
	Label string
	// Paths says how much of each local path a receipt carries ("" is
	// receipt.PathsNames).
	Paths receipt.Paths
	// Profile, Bucket and Region say where the drop went.
	Profile, Bucket, Region string
	// Explain words a task's error and Note a task's note in plain English,
	// for the receipt's Reason: the engine stores codes and the session
	// layer words them. nil leaves Reason empty (Code and Args remain).
	Explain func(TaskError) string
	Note    func(Note) string
}

// pendingReceipt is a receipt waiting in the journal to be written, under
// its object key.
type pendingReceipt struct {
	Key  string `json:"key"`
	Body []byte `json:"body"`
}

// receiptsOn reports whether the engine writes receipts. A server-signed
// profile cannot: its signing server signs only the file it chose the key
// of.
func (e *Engine) receiptsOn() bool {
	return e.cfg.Receipts.Prefix != "" && e.cfg.Signer == nil && e.receiptTag != ""
}

// countReceipts recounts the receipts waiting in the journal, for Totals.
func (e *Engine) countReceipts() {
	if n, err := e.j.receiptCount(); err == nil {
		e.receiptsWaiting.Store(int64(n))
	}
}

// newReceiptTag is a random tag naming this journal's machine in receipt
// IDs: a host name alone is not unique across an organisation.
func newReceiptTag() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// sender is who sends this engine's drops: the configured label, the
// operating-system user and the machine's name.
func sender(label string) receipt.Who {
	w := receipt.Who{Label: label}
	if u, err := user.Current(); err == nil {
		w.User = u.Username
	}
	if w.User == "" {
		w.User = cmp.Or(os.Getenv("USER"), os.Getenv("USERNAME"))
	}
	w.Machine, _ = os.Hostname()
	return w
}

// endBatches journals a receipt for each batch that just ended, then
// announces the batches done: a caller that exits on EventBatchDone (the
// CLI) leaves its receipt in the journal at worst, never lost. A receipt
// that cannot be journaled is dropped; the uploads it describes stand.
func (e *Engine) endBatches(ids []BatchID) {
	var pend []pendingReceipt
	if e.receiptsOn() {
		for _, id := range ids {
			if p, ok := e.buildReceipt(id); ok {
				pend = append(pend, p)
			}
		}
	}
	if len(pend) > 0 && !e.crashed.Load() {
		err := e.j.commit(func(w journalWriter) error {
			for _, p := range pend {
				if err := w.saveReceipt(p); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			e.countReceipts()
			e.rw.poke()
		}
	}
	for _, id := range ids {
		e.events.push(Event{Kind: EventBatchDone, Batch: id, Time: time.Now()})
	}
}

// buildReceipt is batch id's receipt, from its tasks' records; false for
// a batch with no task left (all removed, or an empty folder).
func (e *Engine) buildReceipt(id BatchID) (pendingReceipt, bool) {
	var recs []*record
	e.view(func(rd journalReader) {
		for _, t := range e.tasks {
			if t.batch != id || t.gone {
				continue
			}
			r := t.rec
			if r == nil && rd != nil {
				got, err := rd.task(t.id)
				r = fromStub(t, got, err)
			} else if r == nil {
				r = fromStub(t, nil, errNoRecord)
			}
			recs = append(recs, r)
		}
	})
	if len(recs) == 0 {
		return pendingReceipt{}, false
	}
	slices.SortFunc(recs, func(a, b *record) int { return cmp.Compare(a.ID, b.ID) })
	c := e.cfg.Receipts
	rc := receipt.Receipt{ID: e.receiptTag + "-" + strconv.FormatUint(uint64(id), 10), Who: e.sender,
		Profile: c.Profile, Bucket: c.Bucket, Region: c.Region, Paths: cmp.Or(c.Paths, receipt.PathsNames)}
	for _, r := range recs {
		f := e.receiptFile(r, rc.Paths)
		rc.Files = append(rc.Files, f)
		countState(&rc.Counts, f.State)
		if s := r.Created.Time(); !s.IsZero() && (rc.Started.IsZero() || s.Before(rc.Started)) {
			rc.Started = s
		}
		if f := r.Finished.Time(); f.After(rc.Ended) {
			rc.Ended = f
		}
	}
	if rc.Ended.IsZero() {
		rc.Ended = time.Now()
	}
	rc.Started, rc.Ended = rc.Started.UTC(), rc.Ended.UTC()
	body, err := receipt.Encode(rc)
	if err != nil {
		return pendingReceipt{}, false
	}
	return pendingReceipt{Key: receipt.Name(c.Prefix, rc), Body: body}, true
}

// countState adds one file in state s to c.
func countState(c *receipt.Counts, s string) {
	switch s {
	case receipt.StateDone:
		c.Done++
	case receipt.StateFailed:
		c.Failed++
	case receipt.StateSkipped:
		c.Skipped++
	default:
		c.Canceled++
	}
}

// receiptStates maps a final task state to a receipt's file state.
var receiptStates = map[State]string{Done: receipt.StateDone, Failed: receipt.StateFailed, Skipped: receipt.StateSkipped, Canceled: receipt.StateCanceled}

// receiptFile is one task's line in a receipt: never a credential, and a
// local path only as much as paths allows.
func (e *Engine) receiptFile(r *record, paths receipt.Paths) receipt.File {
	f := receipt.File{Key: r.Key, Size: r.Size, ETag: r.ETag, State: cmp.Or(receiptStates[r.State], receipt.StateCanceled),
		Verified: r.State == Done && !r.Unverified}
	switch paths {
	case receipt.PathsFull:
		f.Path = r.Path
	case receipt.PathsNames:
		f.Path = filepath.Base(r.Path)
	}
	if r.CRC64 != 0 {
		f.CRC64 = strconv.FormatUint(r.CRC64, 10)
	}
	f.RequestIDs = slices.Clone(r.RequestIDs)
	if r.State == Done {
		return f
	}
	if le := r.LastErr; le != nil {
		f.Code, f.Party, f.Args = le.Code, string(le.Party), cloneArgs(le.Args)
		if e.cfg.Receipts.Explain != nil {
			f.Reason = e.cfg.Receipts.Explain(*le)
		}
		for _, te := range r.Errors {
			if te.RequestID != "" && !slices.Contains(f.RequestIDs, te.RequestID) {
				f.RequestIDs = append(f.RequestIDs, te.RequestID)
			}
		}
		if le.RequestID != "" && !slices.Contains(f.RequestIDs, le.RequestID) {
			f.RequestIDs = append(f.RequestIDs, le.RequestID)
		}
	} else if !r.Note.IsZero() {
		f.Code, f.Args = string(r.Note.Code), cloneArgs(r.Note.Args)
		if e.cfg.Receipts.Note != nil {
			f.Reason = e.cfg.Receipts.Note(r.Note)
		}
	}
	return f
}

func cloneArgs(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
