package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// shownDialog is what the window needs of a dialog to close it on Escape.
type shownDialog interface {
	Show()
	Hide()
	SetOnClosed(func())
}

// dialogs shows dialogs over the main window and keeps the ones open,
// newest last, with the answer Enter chooses in each that has one: Fyne
// 2.7's dialogs ignore Escape and leave Enter unanswered when no button
// has the focus, so the window's keys (typedKey) answer them through here.
type dialogs struct {
	win      fyne.Window
	shown    []shownDialog
	defaults map[shownDialog]func()
}

// open reports whether any dialog is open.
func (s *dialogs) open() bool { return len(s.shown) > 0 }

// push adds d (its default answer onEnter, or nil) and forgets it when it
// closes.
func (s *dialogs) push(d shownDialog, onEnter func()) {
	s.shown = append(s.shown, d)
	if onEnter != nil {
		if s.defaults == nil {
			s.defaults = map[shownDialog]func(){}
		}
		s.defaults[d] = onEnter
	}
	d.SetOnClosed(func() {
		if i := slices.Index(s.shown, d); i >= 0 {
			s.shown = slices.Delete(s.shown, i, i+1)
		}
		delete(s.defaults, d)
	})
}

// contains reports whether d is still open.
func (s *dialogs) contains(d shownDialog) bool { return slices.Contains(s.shown, d) }

// closeTop hides the newest open dialog (Escape), as its Cancel or Close
// button would. It reports whether there was one.
func (s *dialogs) closeTop() bool {
	if len(s.shown) == 0 {
		return false
	}
	s.shown[len(s.shown)-1].Hide()
	return true
}

// chooseDefault answers the newest dialog with its default, if it has one
// (Fyne 2.7's dialogs leave Enter unanswered when no button has focus).
func (s *dialogs) chooseDefault() {
	if len(s.shown) == 0 {
		return
	}
	if f := s.defaults[s.shown[len(s.shown)-1]]; f != nil {
		f()
	}
}

// typedKey takes the window's keys while a dialog is open: Escape closes
// the top dialog, Enter picks its highlighted answer, and every other key
// is swallowed, since keys meant for a dialog must never act on a row
// behind it. It reports whether it took the key.
func (s *dialogs) typedKey(ev *fyne.KeyEvent) bool {
	if ev.Name == fyne.KeyEscape {
		return s.closeTop()
	}
	if !s.open() {
		return false
	}
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		s.chooseDefault()
	}
	return true
}

// present shows d over the main window and remembers it, so Escape closes
// the top one, and takes the keyboard focus off the list: Space, Enter
// and Delete must not act on a row behind a dialog.
func (s *dialogs) present(d shownDialog) { s.presentDefault(d, nil) }

// presentDefault is present for a dialog whose highlighted answer Enter
// chooses: onEnter runs it (and hides the dialog).
func (s *dialogs) presentDefault(d shownDialog, onEnter func()) {
	s.push(d, onEnter)
	s.win.Canvas().Unfocus()
	d.Show()
}

// showError shows err over the main window.
func (s *dialogs) showError(err error) {
	s.present(dialog.NewError(err, s.win))
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
	w.dialogs.present(d)
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
