package ui

import (
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// Cancelling an upload removes its parts from the bucket: a retry starts
// again at 0 %. One click on the row's ✕ threw away a 300 MB upload at
// 24 % (issue 21, finding 5), so an upload with more than a few seconds'
// worth sent asks first, and offers Pause, which keeps what was sent.

// cancelAskAfter is how much sending (at the upload's current speed) a
// cancel may throw away without asking.
const cancelAskAfter = 5 * time.Second

// cancelAskFloor is the least progress worth a question, whatever the
// speed: a paused upload has none, and its bytes still took time.
const cancelAskFloor = 1 << 20

// worthAsking reports whether cancelling s would throw away more than a
// few seconds of sending.
func worthAsking(s uploader.Snapshot) bool {
	return s.Acked >= max(int64(s.Speed*cancelAskAfter.Seconds()), cancelAskFloor)
}

// cancel is the row's ✕: it cancels at once an upload that has sent
// little, and asks first when cancelling would throw work away.
func (l *list) cancel(id uploader.TaskID) {
	s, ok := l.w.model.get(id)
	if !ok || s.State.Final() {
		return
	}
	if !worthAsking(s) {
		l.cancelNow(id)
		return
	}
	l.askCancel(id)
}

// cancelNow cancels the upload without asking.
func (l *list) cancelNow(id uploader.TaskID) { l.w.call(func(e Engine) { e.Cancel(id) }) }

// askCancel asks before cancelling an upload (Delete always asks: a key
// pressed by mistake must not throw away a long upload). Its answers:
// keep uploading (the default, Enter), pause, or cancel.
func (l *list) askCancel(id uploader.TaskID) {
	s, ok := l.w.model.get(id)
	if !ok || s.State.Final() {
		return
	}
	msg := widget.NewLabel(T("Cancel the upload of {{.Name}}? The parts already sent are removed from the bucket.", map[string]any{"Name": filepath.Base(s.Path)}) +
		"\n\n" + T("{{.Sent}} of {{.Size}} are already in the bucket. Pause keeps them, to continue later.",
		map[string]any{"Sent": humanBytes(s.Acked), "Size": humanBytes(s.Size)}))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomWithoutButtons(T("Cancel this upload?"), msg, l.w.win)
	keep := widget.NewButton(T("Keep uploading"), d.Hide)
	keep.Importance = widget.HighImportance
	pause := widget.NewButtonWithIcon(T("Pause"), theme.MediaPauseIcon(), func() {
		d.Hide()
		l.w.call(func(e Engine) { e.Pause(id) })
	})
	cancel := widget.NewButtonWithIcon(T("Cancel upload"), theme.CancelIcon(), func() {
		d.Hide()
		l.cancelNow(id)
	})
	cancel.Importance = widget.DangerImportance
	d.SetButtons([]fyne.CanvasObject{keep, pause, cancel})
	d.Resize(fyne.NewSize(480, 200))
	l.w.dialogs.presentDefault(d, d.Hide)
}
