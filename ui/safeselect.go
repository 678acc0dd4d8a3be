package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// safeSelect is a widget.Select that cannot crash the app when it is
// tapped while Fyne has lost track of its canvas.
//
// Fyne 2.7.1 (the newest the module proxy serves) panics in
// Select.showPopUp -> NewPopUpMenu when Driver().CanvasForObject returns
// nil for the select (fyne-io/fyne#5965, fixed upstream by PR #6305 after
// 2.7.1): that happens when the tree the select sits in was detached
// between the click and the pop-up, or its canvas record expired. The
// window builds its selects once and updates them in place, so this should
// not happen; the guard makes sure that if it does, the menu opens on the
// window the select was built for (or not at all), instead of panicking.
//
// Left and Right do nothing: the plain Select cycles its choice on them,
// which silently removed a speed limit or switched profiles when the
// focused box got an arrow key. Up, Down and Space open the menu, where
// the choice is visible.
type safeSelect struct {
	widget.Select
	host fyne.Window // the window the select lives in; its canvas is the fallback
	menu *widget.PopUpMenu
	// fallbacks counts menus opened on the host canvas because the driver
	// had no canvas for the select (tests).
	fallbacks int
}

func newSafeSelect(host fyne.Window, options []string, changed func(string)) *safeSelect {
	s := &safeSelect{host: host}
	s.Options = options
	s.OnChanged = changed
	s.PlaceHolder = "" // set by callers that want one
	s.ExtendBaseWidget(s)
	return s
}

// canvas is the canvas Fyne knows the select by, or nil.
func (s *safeSelect) canvas() fyne.Canvas {
	app := fyne.CurrentApp()
	if app == nil {
		return nil
	}
	return app.Driver().CanvasForObject(s)
}

// Tapped opens the menu: Fyne's own when the select has a canvas, else one
// on the host window below the tapped select.
func (s *safeSelect) Tapped(ev *fyne.PointEvent) {
	if s.Disabled() {
		return
	}
	if s.canvas() != nil {
		s.Select.Tapped(ev)
		return
	}
	if s.host == nil || ev == nil {
		return
	}
	topLeft := ev.AbsolutePosition.Subtract(ev.Position)
	s.showFallbackMenu(s.host.Canvas(), topLeft.Add(fyne.NewPos(0, s.Size().Height)))
}

// TypedKey opens the menu on Up, Down and Space (when it can) and ignores
// the rest: no key changes the choice without showing it.
func (s *safeSelect) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeySpace, fyne.KeyUp, fyne.KeyDown, fyne.KeyReturn, fyne.KeyEnter:
		if s.Disabled() || s.canvas() == nil {
			return
		}
		s.Select.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	}
}

func (s *safeSelect) showFallbackMenu(c fyne.Canvas, pos fyne.Position) {
	if c == nil {
		return
	}
	s.fallbacks++
	items := make([]*fyne.MenuItem, len(s.Options))
	for i, o := range s.Options {
		text := o
		items[i] = fyne.NewMenuItem(text, func() { s.SetSelected(text) })
	}
	s.menu = widget.NewPopUpMenu(fyne.NewMenu("", items...), c)
	s.menu.ShowAtPosition(pos)
	s.menu.Resize(fyne.NewSize(s.Size().Width, s.menu.MinSize().Height))
}
