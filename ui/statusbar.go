package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// statusBar summarises the queue; the failure count filters to failures.
type statusBar struct {
	content fyne.CanvasObject
	summary *widget.Label
	failed  *widget.Button
	busy    *widget.Label
	limit   *widget.Label // the speed limit in force and its next change (bandwidth.go)
	totals  uploader.Totals
}

func newStatusBar(w *mainWindow) *statusBar {
	s := &statusBar{summary: widget.NewLabel(T("Nothing to upload yet")), busy: widget.NewLabel(""), limit: widget.NewLabel("")}
	s.failed = widget.NewButtonWithIcon("", theme.ErrorIcon(), func() { w.bar.setFilter(FilterFailed) })
	s.failed.Importance = widget.DangerImportance
	s.failed.Hide()
	s.busy.Hide()
	s.limit.Hide()
	s.content = container.NewBorder(widget.NewSeparator(), nil, nil, container.NewHBox(s.busy, s.limit, s.failed), s.summary)
	return s
}

// summaryText is the status line for t, and how many receipts wait to be
// written to the bucket, if any.
func summaryText(t uploader.Totals) string {
	text := queueText(t)
	if t.Receipts > 0 {
		text += " · " + N("{{.Count}} receipts wait to be written to the bucket", t.Receipts)
	}
	return text
}

// queueText is the status line's account of the queue.
func queueText(t uploader.Totals) string {
	if t.Tasks == 0 && t.Scanning == 0 {
		return T("Nothing to upload yet")
	}
	text := T("{{.Done}} of {{.Total}} done · {{.Acked}} of {{.Bytes}}", map[string]any{
		"Done": t.Done + t.Skipped, "Total": t.Tasks, "Acked": humanBytes(t.Acked), "Bytes": humanBytes(t.Bytes)})
	if sp := humanSpeed(t.Speed); sp != "" && t.Active > 0 {
		text += " · " + sp
	}
	if left := humanDuration(t.ETA); left != "" && t.Active > 0 {
		text += " · " + T("{{.Time}} left", map[string]any{"Time": left})
	}
	if t.Paused > 0 {
		text += " · " + T("{{.Count}} paused", map[string]any{"Count": t.Paused})
	}
	if t.Canceled > 0 {
		text += " · " + T("{{.Count}} canceled", map[string]any{"Count": t.Canceled})
	}
	if t.Scanning > 0 {
		text += " · " + N("looking through {{.Count}} folders…", t.Scanning)
	}
	return text
}

func (s *statusBar) set(t uploader.Totals) {
	s.totals = t
	setText(s.summary, summaryText(t))
	if t.Failed > 0 {
		label := T("{{.Count}} failed", map[string]any{"Count": t.Failed})
		if s.failed.Text != label {
			s.failed.SetText(label)
		}
		s.failed.Show()
	} else {
		s.failed.Hide()
	}
}

// setLimit shows the speed limit in force ("" hides it).
func (s *statusBar) setLimit(text string) {
	setText(s.limit, text)
	if (text == "") == s.limit.Hidden {
		return
	}
	if text == "" {
		s.limit.Hide()
	} else {
		s.limit.Show()
	}
	s.content.Refresh() // lay the bar out again: the label came or went
}

// setBusy shows a short message about something in progress ("" hides it).
func (s *statusBar) setBusy(msg string) {
	setText(s.busy, msg)
	if msg == "" {
		s.busy.Hide()
	} else {
		s.busy.Show()
	}
}

// sandboxBanner tells the user where files go while on the Sandbox profile.
func sandboxBanner(w *mainWindow) *fyne.Container {
	bg := canvas.NewRectangle(color.NRGBA{R: 0xff, G: 0xc1, B: 0x07, A: 0x50})
	label := widget.NewLabelWithStyle(T("Sandbox: files stay on this computer"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	setup := widget.NewButton(T("Connect a COS account…"), func() { w.showProfileEditor(nil, false) })
	return container.NewStack(bg, container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), setup, label))
}
