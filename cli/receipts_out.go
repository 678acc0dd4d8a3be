package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"cosdrop/receipt"
	"cosdrop/session"
)

// receiptsOutput prints `cosdrop receipts`: plain lines, or with --json
// one object per receipt whose fields are stable for scripts (the
// receipt itself as written in the bucket, and the checks).
type receiptsOutput struct {
	w      *bufio.Writer
	enc    *json.Encoder // --json
	asJSON bool
}

func newReceiptsOutput(asJSON bool) *receiptsOutput {
	w := bufio.NewWriter(os.Stdout)
	return &receiptsOutput{w: w, enc: json.NewEncoder(w), asJSON: asJSON}
}

func (o *receiptsOutput) flush() { o.w.Flush() }

// jsonReceipt is one --json line.
type jsonReceipt struct {
	Event   string           `json:"event"` // "receipt"
	Key     string           `json:"key"`
	Status  string           `json:"status"` // ok, foreign, damaged, unreadable
	Problem string           `json:"problem,omitempty"`
	Ended   *time.Time       `json:"ended,omitempty"` // from the receipt, else its name
	Receipt *receipt.Receipt `json:"receipt,omitempty"`
	Checks  []jsonCheck      `json:"checks,omitempty"`
}

// jsonCheck is one file's --check result.
type jsonCheck struct {
	Key       string `json:"key"`
	Result    string `json:"result"` // unchanged, changed, gone, unchecked, not_uploaded
	Size      int64  `json:"size,omitempty"`
	CRC64     string `json:"crc64,omitempty"`
	Why       string `json:"why,omitempty"`
	Party     string `json:"party,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// item prints one receipt (or foreign or damaged object); files lists
// its files under it, failedOnly only those that did not arrive.
func (o *receiptsOutput) item(it session.ReceiptItem, checks []session.FileCheck, files, failedOnly bool) {
	if o.asJSON {
		o.jsonItem(it, checks)
		return
	}
	when := it.When().Local().Format("2006-01-02 15:04:05")
	if it.Receipt == nil {
		fmt.Fprintf(o.w, "%s  %s\n    %s\n", when, safe(it.Key), safe(session.ReceiptStatusText(it)))
		return
	}
	r := it.Receipt
	line := []string{when, safe(session.ReceiptWhoText(r.Who))}
	if r.Profile != "" {
		line = append(line, trWith("profile {{.Name}}", map[string]any{"Name": safe(r.Profile)}))
	}
	line = append(line, session.ReceiptCountsText(r.Counts), trWith("id {{.ID}}", map[string]any{"ID": safe(r.ID)}))
	fmt.Fprintln(o.w, strings.Join(line, "  "))
	if !files {
		return
	}
	for i, f := range r.Files {
		if failedOnly && (f.State == receipt.StateDone || f.State == receipt.StateSkipped) {
			continue
		}
		o.file(f, checks, i)
	}
}

// file prints one file of a receipt: its state, why, request IDs, and
// its check.
func (o *receiptsOutput) file(f receipt.File, checks []session.FileCheck, i int) {
	text := safe(f.Key) + ": " + session.ReceiptStateText(f)
	if why := session.ReceiptReasonText(f); why != "" {
		text += ": " + safe(why)
	}
	fmt.Fprintln(o.w, "    "+text)
	if len(f.RequestIDs) > 0 {
		fmt.Fprintf(o.w, "      %s: %s\n", tr("request IDs"), safe(strings.Join(f.RequestIDs, ", ")))
	}
	if i < len(checks) && checks[i].Result != session.CheckNotUploaded {
		fmt.Fprintf(o.w, "      %s: %s\n", tr("check"), safe(session.CheckText(checks[i])))
	}
}

func (o *receiptsOutput) jsonItem(it session.ReceiptItem, checks []session.FileCheck) {
	ev := jsonReceipt{Event: "receipt", Key: it.Key, Status: string(it.Status), Problem: it.Problem, Receipt: it.Receipt}
	if when := it.When(); !when.IsZero() {
		ev.Ended = &when
	}
	for _, c := range checks {
		ev.Checks = append(ev.Checks, jsonCheck{Key: c.Key, Result: string(c.Result), Size: c.Size, CRC64: c.CRC64,
			Why: c.Why, Party: string(c.Party), RequestID: c.RequestID})
	}
	o.enc.Encode(ev)
}

// failure says why the listing stopped (stderr; with --json an "error"
// line on stdout as well, so a script reading stdout sees it).
func (o *receiptsOutput) failure(text string) {
	if o.asJSON {
		o.enc.Encode(map[string]string{"event": "error", "message": text})
	}
	o.w.Flush()
	fmt.Fprintln(os.Stderr, tr("Error:"), safe(text))
}

// none says that nothing matched.
func (o *receiptsOutput) none(q session.ReceiptQuery) {
	if o.asJSON {
		return
	}
	fmt.Fprintln(o.w, trWith("No receipts in {{.Prefix}} since {{.Since}} match.",
		map[string]any{"Prefix": safe(q.Prefix), "Since": q.Since.Local().Format("2006-01-02 15:04")}))
}
