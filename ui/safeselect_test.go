package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// lostCanvasApp is the test app with a driver that, like the GLFW driver
// after a select's tree was detached (fyne-io/fyne#5965), has no canvas
// for the objects in lost.
type lostCanvasApp struct {
	fyne.App
	drv *lostCanvasDriver
}

func (a *lostCanvasApp) Driver() fyne.Driver { return a.drv }

type lostCanvasDriver struct {
	fyne.Driver
	lost map[fyne.CanvasObject]bool
}

func (d *lostCanvasDriver) CanvasForObject(o fyne.CanvasObject) fyne.Canvas {
	if d.lost[o] {
		return nil
	}
	return d.Driver.CanvasForObject(o)
}

// loseCanvas makes the current app's driver forget the canvas of objs
// until the test ends.
func loseCanvas(t *testing.T, objs ...fyne.CanvasObject) {
	t.Helper()
	real := fyne.CurrentApp()
	d := &lostCanvasDriver{Driver: real.Driver(), lost: map[fyne.CanvasObject]bool{}}
	for _, o := range objs {
		d.lost[o] = true
	}
	fyne.SetCurrentApp(&lostCanvasApp{App: real, drv: d})
	t.Cleanup(func() { fyne.SetCurrentApp(real) })
}

// Finding 2 (issue #12): tapping the speed-limit, profile or filter box
// when Fyne has no canvas for it panicked in Select.showPopUp ->
// NewPopUpMenu (fyne-io/fyne#5965). Now the menu opens on the main window,
// again and again, and picking a choice applies it.
func TestToolbarSelectsSurviveALostCanvas(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/a.txt", "/d/b.txt")
	w.tick()
	loseCanvas(t, w.bar.limit, w.bar.profile, w.bar.filter)
	for round := 0; round < 3; round++ {
		for _, s := range []*safeSelect{w.bar.limit, w.bar.profile, w.bar.filter} {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("round %d: tapping a select panicked: %v", round, r)
					}
				}()
				test.Tap(s)
			}()
			top := w.win.Canvas().Overlays().Top()
			if top == nil {
				t.Fatalf("round %d: no menu opened", round)
			}
			top.Hide()
			w.win.Canvas().Overlays().Remove(top)
			e.set(1, func(s *uploader.Snapshot) { s.Acked += 10 })
			w.tick()
		}
	}
	if w.bar.limit.fallbacks != 3 {
		t.Errorf("fallback menus %d, want 3", w.bar.limit.fallbacks)
	}
	test.Tap(w.bar.limit)
	menu := w.bar.limit.menu
	if menu == nil || len(menu.Items) < 3 {
		t.Fatal("no fallback menu with the limits")
	}
	menu.Items[2].(interface{ Tapped(*fyne.PointEvent) }).Tapped(&fyne.PointEvent{})
	if got := w.bw.rate.Load(); got != limitChoices()[2].bps {
		t.Errorf("rate %d after picking %q, want %d", got, limitChoices()[2].label, limitChoices()[2].bps)
	}
}

// Finding 5 (issue #12): arrow keys on the focused speed box do not change
// the limit behind the user's back; Down opens the menu instead.
func TestArrowKeysDoNotChangeTheLimit(t *testing.T) {
	w := newTestWindow(t, scriptSession(newScriptEngine()))
	before := w.bar.limit.Selected
	w.win.Canvas().Focus(w.bar.limit)
	for _, k := range []fyne.KeyName{fyne.KeyLeft, fyne.KeyRight, fyne.KeyLeft} {
		w.bar.limit.TypedKey(&fyne.KeyEvent{Name: k})
	}
	if w.bar.limit.Selected != before {
		t.Fatalf("arrow keys changed the limit from %q to %q", before, w.bar.limit.Selected)
	}
	w.bar.limit.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Down did not open the menu")
	}
	if w.bar.limit.Selected != before {
		t.Fatalf("Down changed the limit to %q", w.bar.limit.Selected)
	}
}

// The reproduction is faithful: Fyne 2.7.1's own Select panics when it is
// tapped with no canvas, which is what the toolbar used before. When a
// Fyne upgrade fixes #5965 this test fails, and safeSelect can go.
func TestFyneSelectPanicsOnALostCanvas(t *testing.T) {
	w := newTestWindow(t, scriptSession(newScriptEngine()))
	plain := widget.NewSelect([]string{"a", "b"}, nil)
	w.win.SetContent(plain)
	loseCanvas(t, plain)
	defer func() {
		if recover() == nil {
			t.Error("widget.Select no longer panics without a canvas: Fyne fixed #5965; drop the safeSelect guard")
		}
	}()
	test.Tap(plain)
}
