package ui

import (
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// shownDialog is what the window needs of a dialog to close it on Escape.
type shownDialog interface {
	Show()
	Hide()
	SetOnClosed(func())
}

// present shows d over the main window and remembers it, so Escape closes
// the top one (Fyne 2.7's dialogs ignore Escape), and takes the keyboard
// focus off the list: Space, Enter and Delete must not act on a row
// behind a dialog.
func (w *mainWindow) present(d shownDialog) {
	w.dialogs = append(w.dialogs, d)
	d.SetOnClosed(func() {
		if i := slices.Index(w.dialogs, d); i >= 0 {
			w.dialogs = slices.Delete(w.dialogs, i, i+1)
		}
	})
	w.win.Canvas().Unfocus()
	d.Show()
}

// closeTopDialog hides the newest open dialog (Escape), as its Cancel or
// Close button would. It reports whether there was one.
func (w *mainWindow) closeTopDialog() bool {
	if len(w.dialogs) == 0 {
		return false
	}
	w.dialogs[len(w.dialogs)-1].Hide()
	return true
}

// showError shows err over the main window.
func (w *mainWindow) showError(err error) {
	w.present(dialog.NewError(err, w.win))
}

// confirmCancel asks before Delete cancels an upload: a key pressed by
// mistake must not throw away a long upload.
func (w *mainWindow) confirmCancel(id uploader.TaskID) {
	s, ok := w.model.get(id)
	if !ok || s.State.Final() {
		return
	}
	d := dialog.NewConfirm(T("Cancel this upload?"),
		T("Cancel the upload of {{.Name}}? The parts already sent are removed from the bucket.", map[string]any{"Name": filepath.Base(s.Path)}),
		func(ok bool) {
			if ok {
				w.cancel(id)
			}
		}, w.win)
	d.SetConfirmText(T("Cancel upload"))
	d.SetDismissText(T("Keep uploading"))
	d.SetConfirmImportance(widget.DangerImportance)
	w.present(d)
}

// offerSetAside asks whether to move a profile's damaged upload list aside
// and carry on with every task that can still be read, then reopens it.
func (w *mainWindow) offerSetAside(name string) {
	d := dialog.NewConfirm(T("The upload list is damaged"),
		T("CosDrop's list of uploads for {{.Name}} is damaged on disk. Set the damaged file aside and carry on with every upload that can still be read?", map[string]any{"Name": name}),
		func(ok bool) {
			if !ok {
				return
			}
			w.async(func() {
				text, err := w.opener.setAside(name)
				fyne.Do(func() {
					if err != nil {
						w.showNotice(errText(err))
						return
					}
					w.showNotice(text)
					w.switchTo(name)
				})
			})
		}, w.win)
	d.SetConfirmText(T("Set aside and continue"))
	w.present(d)
}

// keyEntry is an Entry that hands Escape to the window (a focused Entry
// otherwise keeps every key, and Escape would not close its dialog) and
// Enter to onEnter.
type keyEntry struct {
	widget.Entry
	onEscape func()
	onEnter  func()
}

func newKeyEntry() *keyEntry {
	e := &keyEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey routes Escape and Enter; the rest edit the text.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		if e.onEscape != nil {
			e.onEscape()
			return
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if e.onEnter != nil {
			e.onEnter()
			return
		}
	}
	e.Entry.TypedKey(ev)
}
