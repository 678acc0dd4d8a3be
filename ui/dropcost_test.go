package ui

import (
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// countingTheme counts the app theme's font look-ups. Fyne looks a font
// up when it parses one, once per text style and theme scope (Fyne 2.7.1,
// painter.CachedFontFace); a row in its own scope made every row parse its
// fonts again when first drawn.
type countingTheme struct {
	fyne.Theme
	fonts atomic.Int64
}

func (c *countingTheme) Font(s fyne.TextStyle) fyne.Resource {
	c.fonts.Add(1)
	return c.Theme.Font(s)
}

// dropCost is what the first frame after a drop cost the window, in
// counts that do not depend on the machine.
type dropCost struct {
	rowsMade    int   // rows the list built (CreateItem)
	updateItems int   // rows bound to a task (UpdateItem)
	fontLoads   int64 // fonts parsed (countingTheme)
	rowsShown   int   // rows on screen
}

// measureDrop adds n tasks to an empty window, applies the tick that
// brings them and draws the frame after it, counting what that cost.
func measureDrop(w *mainWindow, n int) dropCost {
	th := &countingTheme{Theme: w.app.Settings().Theme()}
	w.app.Settings().SetTheme(th)
	q := w.list.queue
	made := 0
	create := q.list.CreateItem
	q.list.CreateItem = func() fyne.CanvasObject { made++; return create() }
	defer func() { q.list.CreateItem = create }()
	c := w.win.Canvas().(test.WindowlessCanvas)
	w.tick()
	c.Capture()
	made, th.fonts, q.updateItems = 0, atomic.Int64{}, 0
	w.add(benchPaths(0, n))
	w.tick()
	c.Capture()
	return dropCost{rowsMade: made, updateItems: q.updateItems, fontLoads: th.fonts.Load(), rowsShown: len(q.rows)}
}

// The first frame of a 2,000-row drop builds about one screenful of rows
// and parses no font per row: each row in its own theme scope (a
// container.ThemeOverride for its compact paddings) parsed the text fonts
// again for every row and cleared the app's icon and text-size caches,
// 0.6-2.1 s of a stalled window under load (make bench-ui times it).
func TestDropFirstFrameCost(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	got := measureDrop(w, 2000)
	t.Logf("%+v", got)
	if got.rowsShown < 10 {
		t.Fatalf("%d rows shown, want a screenful", got.rowsShown)
	}
	// The list builds a row to measure on each refresh, and the page it
	// shows; no more.
	if got.rowsMade > got.rowsShown+2 {
		t.Errorf("%d rows built for %d shown", got.rowsMade, got.rowsShown)
	}
	if got.updateItems > 2*got.rowsShown {
		t.Errorf("%d rows bound for %d shown", got.updateItems, got.rowsShown)
	}
	// One parse per text style in use, however many rows.
	if got.fontLoads > 2 {
		t.Errorf("%d font look-ups for %d rows, want one per text style", got.fontLoads, got.rowsShown)
	}
}
