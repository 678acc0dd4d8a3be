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

// dropCost is what the window built for a drop, in counts that do not
// depend on the machine.
type dropCost struct {
	rowsMade    int   // rows the list built (CreateItem)
	updateItems int   // rows bound to a task (UpdateItem)
	fontLoads   int64 // fonts parsed (countingTheme)
	rowsShown   int   // rows bound to a task: on screen, after the first drop
}

// dropProbe counts what w's list builds: it puts a countingTheme in as the
// app's theme and counts the list's CreateItem calls.
type dropProbe struct {
	w    *mainWindow
	th   *countingTheme
	made int
}

func probeDrop(w *mainWindow) *dropProbe {
	p := &dropProbe{w: w, th: &countingTheme{Theme: w.app.Settings().Theme()}}
	w.app.Settings().SetTheme(p.th)
	create := w.list.queue.list.CreateItem
	w.list.queue.list.CreateItem = func() fyne.CanvasObject { p.made++; return create() }
	return p
}

// reset starts counting again.
func (p *dropProbe) reset() {
	p.made, p.w.list.queue.updateItems = 0, 0
	p.th.fonts.Store(0)
}

func (p *dropProbe) cost() dropCost {
	q := p.w.list.queue
	return dropCost{rowsMade: p.made, updateItems: q.updateItems, fontLoads: p.th.fonts.Load(), rowsShown: len(q.rows)}
}

// frame draws w's window as the test driver paints it.
func frame(w *mainWindow) { w.win.Canvas().(test.WindowlessCanvas).Capture() }

// The first frame of a 2,000-row drop builds about one screenful of rows
// and parses no font per row: each row in its own theme scope (a
// container.ThemeOverride for its compact paddings) parsed the text fonts
// again for every row and cleared the app's icon and text-size caches,
// 0.6-2.1 s of a stalled window under load (make bench-ui times it).
func TestDropFirstFrameCost(t *testing.T) {
	w := newTestWindow(t, scriptSession(newScriptEngine()))
	p := probeDrop(w)
	w.tick()
	frame(w)
	p.reset()
	w.add(benchPaths(0, 2000))
	w.tick()
	frame(w)
	got := p.cost()
	if got.rowsShown < 10 {
		t.Fatalf("%d rows shown, want a screenful", got.rowsShown)
	}
	// The list builds a row to measure when apply refreshes it, and the
	// page it shows; no more.
	if got.rowsMade > got.rowsShown+1 {
		t.Errorf("%d rows built for %d shown", got.rowsMade, got.rowsShown)
	}
	if got.updateItems > 2*got.rowsShown {
		t.Errorf("%d rows bound for %d shown", got.updateItems, got.rowsShown)
	}
	// One parse per text style in use, however many rows.
	if got.fontLoads > 2 {
		t.Errorf("%d font look-ups for %d rows, want one per text style", got.fontLoads, got.rowsShown)
	}

	// A second drop scrolls to its first row: the list builds and binds
	// the page it jumps to (Fyne's List builds new rows before it frees
	// the old ones), once.
	p.reset()
	w.add(benchPaths(2000, 200))
	w.tick()
	frame(w)
	next, page := p.cost(), got.rowsShown
	if next.rowsMade > page+1 || next.updateItems > 2*page || next.fontLoads > 0 {
		t.Errorf("a drop that scrolls built %d rows, bound %d and parsed %d fonts for a page of %d",
			next.rowsMade, next.updateItems, next.fontLoads, page)
	}
}
