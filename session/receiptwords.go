package session

import (
	"errors"
	"net/http"
	"strings"

	"cosdrop/receipt"
	"cosdrop/uploader"
)

// The words of reading receipts, for `cosdrop receipts` and the window's
// Receipts view alike. Each failure names the party at fault and, for a
// missing permission, the CAM action to ask the administrator for.

// ReceiptsErrText words a failure to read the receipts at all: the
// profile cannot list, COS refused the listing, the network failed.
func ReceiptsErrText(err error, prefix string) string {
	if errors.Is(err, ErrNoReceiptsPrefix) {
		return T("This profile names no receipts folder (receipts_prefix), so there are no receipts to read. Ask your administrator to add one to the profile.")
	}
	if errors.Is(err, uploader.ErrNoReadCredentials) {
		return T("This profile's uploads are signed by your organisation's signing server, which signs uploads only, so CosDrop cannot list the bucket with it. Read receipts with a profile whose credentials may list and read {{.Prefix}}.",
			map[string]any{"Prefix": Printable(prefix)})
	}
	var re *uploader.ReadError
	if errors.As(err, &re) && re.Denied() {
		return withRequestID(T("COS does not let these credentials list {{.Prefix}} (GetBucket is not allowed there). Ask your administrator for credentials that may list and read the receipts folder (GetBucket and GetObject on {{.Prefix}}).",
			map[string]any{"Prefix": Printable(prefix)}), re.RequestID)
	}
	return T("Could not list the receipts in {{.Prefix}}: {{.Err}}", map[string]any{"Prefix": Printable(prefix), "Err": readErrText(err)})
}

// ReceiptReadErrText words why one receipt could not be read.
func ReceiptReadErrText(err error) string {
	var re *uploader.ReadError
	if errors.As(err, &re) && re.Denied() {
		return withRequestID(T("COS does not let these credentials read it (GetObject is not allowed here)."), re.RequestID)
	}
	if errors.As(err, &re) && re.HTTPStatus == http.StatusNotFound {
		return T("it was deleted from the bucket after it was listed")
	}
	return readErrText(err)
}

// checkErrText words why a file could not be checked.
func checkErrText(err error) string {
	var re *uploader.ReadError
	if errors.As(err, &re) && re.Denied() {
		return withRequestID(T("COS does not let these credentials look at this object (neither HeadObject nor GetObject is allowed for it); ask your administrator to allow one of them on the uploads' folder"), re.RequestID)
	}
	return readErrText(err)
}

// readErrText is a failed read's plain words: the engine's sentence for
// its code and party (Explain), COS's request ID after it.
func readErrText(err error) string {
	var re *uploader.ReadError
	if !errors.As(err, &re) {
		return ErrText(err)
	}
	return withRequestID(Explain(re.TaskError), re.RequestID)
}

func withRequestID(text, id string) string {
	if id == "" {
		return text
	}
	return text + " " + T("(COS request ID {{.ID}})", map[string]any{"ID": id})
}

// ReceiptWhoText is who sent a drop: the label, then the user and machine
// ("alice (ali on PC-7)").
func ReceiptWhoText(w receipt.Who) string {
	label, user, machine := Printable(w.Label), Printable(w.User), Printable(w.Machine)
	args := map[string]any{"Label": label, "User": user, "Machine": machine}
	switch {
	case label != "" && user != "" && machine != "":
		return T("{{.Label}} ({{.User}} on {{.Machine}})", args)
	case label != "" && machine != "":
		return T("{{.Label}} (on {{.Machine}})", args)
	case user != "" && machine != "":
		return T("{{.User}} on {{.Machine}}", args)
	}
	return strings.TrimSpace(label + " " + user + " " + machine)
}

// ReceiptCountsText sums a drop's files in words: "3 files arrived, 1 file
// failed" (the states with none left out).
func ReceiptCountsText(c receipt.Counts) string {
	parts := []string{TN("{{.Count}} files arrived", c.Done)}
	if c.Failed > 0 {
		parts = append(parts, TN("{{.Count}} files failed", c.Failed))
	}
	if c.Skipped > 0 {
		parts = append(parts, TN("{{.Count}} files skipped", c.Skipped))
	}
	if c.Canceled > 0 {
		parts = append(parts, TN("{{.Count}} files canceled", c.Canceled))
	}
	return strings.Join(parts, T(", "))
}

// ReceiptStateText is a file's final state in words.
func ReceiptStateText(f receipt.File) string {
	switch f.State {
	case receipt.StateDone:
		if f.Verified {
			return T("arrived, verified")
		}
		return T("arrived, NOT verified")
	case receipt.StateFailed:
		return T("failed")
	case receipt.StateSkipped:
		return T("skipped")
	case receipt.StateCanceled:
		return T("canceled")
	}
	return Printable(f.State)
}

// ReceiptReasonText is why a file failed or was skipped, in the reader's
// language when the receipt carries the engine's code (the writer's
// English words otherwise), with the party at fault.
func ReceiptReasonText(f receipt.File) string {
	if f.Code == "" {
		return Printable(f.Reason)
	}
	return Printable(Explain(uploader.TaskError{Code: f.Code, Args: f.Args, Party: uploader.Party(f.Party), Message: f.Reason}))
}

// ReceiptNameText is who and where an object's name says it is from
// ("carol on pc-c", in the name's slugs), or its key when the name is not
// one CosDrop writes.
func ReceiptNameText(it ReceiptItem) string {
	if it.Name.Ended.IsZero() {
		return Printable(it.Key)
	}
	return T("{{.Who}} on {{.Machine}}", map[string]any{"Who": Printable(it.Name.Who), "Machine": Printable(it.Name.Machine)})
}

// ReceiptStatusText is a listed object's status when it is not a readable
// receipt: foreign, damaged or unreadable, with why.
func ReceiptStatusText(it ReceiptItem) string {
	switch it.Status {
	case ReceiptForeign:
		return T("Not a receipt: {{.Why}}", map[string]any{"Why": it.Problem})
	case ReceiptDamaged:
		return T("Damaged: {{.Why}}", map[string]any{"Why": Printable(it.Problem)}) // the parser's English detail
	case ReceiptUnreadable:
		return T("Could not be read: {{.Why}}", map[string]any{"Why": it.Problem})
	}
	return ""
}

// CheckText is one file's check in words.
func CheckText(c FileCheck) string {
	args := map[string]any{"Why": c.Why}
	switch c.Result {
	case CheckUnchanged:
		if c.Why != "" {
			return T("still there, unchanged ({{.Why}})", args)
		}
		return T("still there, unchanged")
	case CheckChanged:
		return T("CHANGED: {{.Why}}", args)
	case CheckGone:
		return T("GONE: no object at this key any more")
	case CheckUnchecked:
		return T("could not be checked: {{.Why}}", args)
	case CheckNotUploaded:
		return T("not checked: it did not arrive")
	}
	return ""
}
