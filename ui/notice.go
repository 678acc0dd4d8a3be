package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// notice is the message line above the list, with a close button: a
// message that cannot be dismissed soon becomes noise.
type notice struct {
	content *fyne.Container
	text    *widget.Label
	close   *widget.Button
}

func newNotice() *notice {
	n := &notice{text: widget.NewLabel("")}
	n.text.Wrapping = fyne.TextWrapWord
	n.close = widget.NewButtonWithIcon("", theme.CancelIcon(), n.hide)
	n.close.Importance = widget.LowImportance
	n.content = container.NewBorder(nil, nil, nil, container.NewVBox(n.close), n.text)
	n.content.Hide()
	return n
}

func (n *notice) show(msg string, imp widget.Importance) {
	n.text.Importance = imp
	n.text.SetText(msg)
	n.content.Show()
}

func (n *notice) hide() { n.content.Hide() }

// visible reports whether the notice shows (tests).
func (n *notice) visible() bool { return n.content.Visible() }

// flashFor is how long a short confirmation ("Link copied") stays.
const flashFor = 3 * time.Second

// later runs f on the Fyne goroutine after d (tests replace it).
func later(d time.Duration, f func()) {
	time.AfterFunc(d, func() { fyne.Do(f) })
}

// flash shows a short confirmation in the status bar and clears it after
// flashFor, unless something else replaced it meanwhile.
func (w *mainWindow) flash(msg string) {
	w.status.setBusy(msg)
	w.later(flashFor, func() {
		if w.status.busy.Text == msg {
			w.status.setBusy("")
		}
	})
}

// prefWidth and prefHeight remember the main window's size.
const (
	prefWidth  = "window-width"
	prefHeight = "window-height"
)

// savedWindowSize is the size the window had when CosDrop last quit, or
// the default.
func (w *mainWindow) savedWindowSize() fyne.Size {
	p := w.app.Preferences()
	wd, ht := p.FloatWithFallback(prefWidth, 1000), p.FloatWithFallback(prefHeight, 640)
	return fyne.NewSize(float32(max(wd, 640)), float32(max(ht, 400)))
}

func (w *mainWindow) saveWindowSize() {
	s := w.win.Canvas().Size()
	if s.Width < 100 || s.Height < 100 {
		return
	}
	w.app.Preferences().SetFloat(prefWidth, float64(s.Width))
	w.app.Preferences().SetFloat(prefHeight, float64(s.Height))
}
