package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// The close question says what closing would stop. Uploads finish while
// the user reads it, and it counted uploads that had finished a moment
// before (issue 21, finding 7): its words follow the window's ticks, and
// when nothing is left to stop it closes itself and the window quits, as
// the user asked. Enter chooses its highlighted answer, and no answer that
// keeps working wears an ✕.

// closeQuestion is the open close question: its dialog, the label whose
// first line is the work left, and the words after it.
type closeQuestion struct {
	d     *dialog.CustomDialog
	label *widget.Label
	tail  string
}

// askBackground offers to keep running in the tray, or to pause and quit.
func (b *background) askBackground(uploads, watching int) {
	tail := "\n\n" + T("Keep CosDrop running in the background? It stays in the system tray and carries on; click its icon to bring the window back. Or pause and quit: unfinished uploads continue the next time CosDrop starts.")
	q := b.newQuestion(T("Keep running in the background or quit?"), workText(uploads, watching), tail)
	keep := widget.NewButton(T("Keep running in the background"), func() {
		q.d.Hide()
		b.hide()
	})
	keep.Importance = widget.HighImportance
	quit := widget.NewButton(T("Pause and quit"), func() {
		q.d.Hide()
		b.w.quit()
	})
	cancel := widget.NewButton(T("Cancel"), q.d.Hide)
	q.d.SetButtons([]fyne.CanvasObject{cancel, quit, keep})
	b.showQuestion(q, keep.OnTapped)
}

// askNoTray is the close question where no tray can bring the window
// back: the window must not vanish into nothing, so it offers only to
// pause and quit, and says why. Keeping on uploading is the default.
func (b *background) askNoTray(uploads, watching int) {
	tail := " " + T("Pause them and quit? They continue the next time CosDrop starts.") + "\n\n" +
		T("CosDrop cannot keep running in the background here: this desktop shows no system tray to bring the window back from. Leave the window open to keep uploading.")
	q := b.newQuestion(T("Uploads are running"), workText(uploads, watching), tail)
	keep := widget.NewButton(T("Keep uploading"), q.d.Hide)
	keep.Importance = widget.HighImportance
	quit := widget.NewButton(T("Pause and quit"), func() {
		q.d.Hide()
		b.w.quit()
	})
	q.d.SetButtons([]fyne.CanvasObject{quit, keep})
	b.showQuestion(q, q.d.Hide)
}

// newQuestion builds a close question's dialog, without buttons yet.
func (b *background) newQuestion(title, work, tail string) *closeQuestion {
	label := widget.NewLabel(work + tail)
	label.Wrapping = fyne.TextWrapWord
	return &closeQuestion{d: dialog.NewCustomWithoutButtons(title, label, b.w.win), label: label, tail: tail}
}

// showQuestion shows q, Enter choosing onEnter, and follows it until it
// closes (refreshQuestion).
func (b *background) showQuestion(q *closeQuestion, onEnter func()) {
	q.d.Resize(fyne.NewSize(520, 240))
	b.question = q
	b.w.dialogs.presentDefault(q.d, onEnter)
}

// refreshQuestion brings the open close question up to date with the
// work left (called once per tick); with none left it quits.
func (b *background) refreshQuestion() {
	q := b.question
	if q == nil {
		return
	}
	if !b.w.dialogs.contains(q.d) {
		b.question = nil
		return
	}
	uploads, watching := b.workLeft()
	if uploads+watching == 0 {
		b.question = nil
		q.d.Hide()
		b.w.quit()
		return
	}
	if text := workText(uploads, watching) + q.tail; text != q.label.Text {
		q.label.SetText(text)
	}
}

// workText says what is still going on.
func workText(uploads, watching int) string {
	switch {
	case uploads > 0 && watching > 0:
		return N("{{.Count}} uploads are still running, and watch folders are on ({{.Folders}}).", uploads, map[string]any{"Count": uploads, "Folders": watching})
	case uploads > 0:
		return N("{{.Count}} uploads are still running.", uploads)
	}
	return N("{{.Folders}} watch folders are on: new files in them are uploaded only while CosDrop runs.", watching, map[string]any{"Folders": watching})
}
