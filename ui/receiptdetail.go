package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/receipt"
	"cosdrop/session"
)

// receiptDetail is one receipt opened from the Receipts window: who sent
// the drop and when, every file with its state, reason and request IDs,
// and "Check now", which asks COS whether each file is still there
// unchanged (session.CheckReceipt) off the Fyne goroutine.
type receiptDetail struct {
	v        *receiptsView
	win      fyne.Window
	it       session.ReceiptItem
	checks   []session.FileCheck
	checking bool
	closed   bool
	cancel   context.CancelFunc

	list  *widget.List
	full  *widget.Label // the selected file, in full
	check *widget.Button
	note  *widget.Label
}

// openReceiptDetail opens it in a window of its own.
func openReceiptDetail(v *receiptsView, it session.ReceiptItem) *receiptDetail {
	d := &receiptDetail{v: v, it: it}
	d.win = v.w.app.NewWindow(T("Receipt"))
	head := widget.NewLabel(receiptHeader(it))
	head.Wrapping = fyne.TextWrapWord
	d.full = widget.NewLabel("")
	d.full.Wrapping = fyne.TextWrapWord
	d.note = widget.NewLabel("")
	d.note.Wrapping = fyne.TextWrapWord
	var files []receipt.File
	if it.Receipt != nil {
		files = it.Receipt.Files
	}
	d.list = widget.NewList(func() int { return len(files) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), nil, l)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(files) {
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(d.fileText(i, files[i]))
			c.Objects[1].(*widget.Icon).SetResource(d.fileIcon(i, files[i]))
		}
	})
	d.list.OnSelected = func(i widget.ListItemID) {
		if i < len(files) {
			d.full.SetText(d.fileText(i, files[i]))
		}
	}
	d.check = widget.NewButtonWithIcon(T("Check now"), theme.SearchIcon(), d.runCheck)
	if it.Receipt == nil {
		d.check.Disable()
	}
	bottom := container.NewVBox(d.full, container.NewBorder(nil, nil, nil, d.check, d.note))
	d.win.SetContent(container.NewBorder(head, bottom, nil, nil, d.list))
	d.win.SetOnClosed(func() {
		d.closed = true
		if d.cancel != nil {
			d.cancel()
		}
	})
	d.win.Resize(fyne.NewSize(820, 520))
	d.win.Show()
	return d
}

// receiptHeader is the drop in words: when, who, profile, counts, id; or
// what the object is when it is no readable receipt.
func receiptHeader(it session.ReceiptItem) string {
	when := it.When().Local().Format("2006-01-02 15:04:05")
	r := it.Receipt
	if r == nil {
		return when + "\n" + session.Printable(it.Key) + "\n" + session.ReceiptStatusText(it)
	}
	lines := []string{
		T("Sent by {{.Who}}, ended {{.When}}", map[string]any{"Who": session.ReceiptWhoText(r.Who), "When": when}),
		session.ReceiptCountsText(r.Counts),
		T("Profile {{.Profile}} · bucket {{.Bucket}} · receipt {{.ID}}", map[string]any{
			"Profile": session.Printable(r.Profile), "Bucket": session.Printable(r.Bucket), "ID": session.Printable(r.ID)}),
	}
	return strings.Join(lines, "\n")
}

// fileText is one file's line: key, state, reason, request IDs, and its
// check once run.
func (d *receiptDetail) fileText(i int, f receipt.File) string {
	parts := []string{session.Printable(f.Key), session.ReceiptStateText(f)}
	if why := session.ReceiptReasonText(f); why != "" {
		parts = append(parts, why)
	}
	if len(f.RequestIDs) > 0 {
		parts = append(parts, T("request IDs: {{.IDs}}", map[string]any{"IDs": session.Printable(strings.Join(f.RequestIDs, ", "))}))
	}
	if i < len(d.checks) && d.checks[i].Result != session.CheckNotUploaded {
		parts = append(parts, session.Printable(session.CheckText(d.checks[i])))
	}
	return strings.Join(parts, "  ·  ")
}

func (d *receiptDetail) fileIcon(i int, f receipt.File) fyne.Resource {
	switch {
	case i < len(d.checks) && d.checks[i].Bad():
		return theme.WarningIcon()
	case f.State == receipt.StateFailed:
		return theme.ErrorIcon()
	case i < len(d.checks) && d.checks[i].Result == session.CheckUnchanged:
		return theme.ConfirmIcon()
	}
	return theme.FileIcon()
}

// runCheck checks every file off the Fyne goroutine; one check at a time.
func (d *receiptDetail) runCheck() {
	if d.checking || d.it.Receipt == nil {
		return
	}
	d.checking = true
	d.check.Disable()
	d.note.SetText(N("Checking {{.Count}} files in COS…", len(d.it.Receipt.Files)))
	var ctx context.Context
	ctx, d.cancel = context.WithCancel(context.Background())
	r, src := *d.it.Receipt, d.v.src
	d.v.w.async(func() {
		checks := session.CheckReceipt(ctx, src, r)
		fyne.Do(func() { d.applyCheck(checks) })
	})
}

// applyCheck shows a check's results.
func (d *receiptDetail) applyCheck(checks []session.FileCheck) {
	if d.closed {
		return
	}
	d.checking = false
	d.check.Enable()
	d.checks = checks
	d.list.Refresh()
	d.note.SetText(checkSummary(checks))
}

// checkSummary counts a check's results.
func checkSummary(checks []session.FileCheck) string {
	n := map[session.CheckResult]int{}
	for _, c := range checks {
		n[c.Result]++
	}
	parts := []string{N("{{.Count}} files still there, unchanged", n[session.CheckUnchanged])}
	if k := n[session.CheckChanged]; k > 0 {
		parts = append(parts, N("{{.Count}} changed", k))
	}
	if k := n[session.CheckGone]; k > 0 {
		parts = append(parts, N("{{.Count}} gone", k))
	}
	if k := n[session.CheckUnchecked]; k > 0 {
		parts = append(parts, N("{{.Count}} could not be checked", k))
	}
	return strings.Join(parts, T(", "))
}
