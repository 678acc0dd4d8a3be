package ui

import (
	"math/bits"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// The row's compact spacing: tighter than Fyne's defaults
// (theme.InnerPadding 8, theme.Padding 4) so a 640-pixel window shows a
// dozen rows or more.
const (
	rowInset   = 4  // a label's text and a button's icon from their edges
	rowGap     = 2  // between columns, and between buttons
	rowBarTall = 10 // the progress bar's height, centred in the row
)

// rowRenderer lays a taskRow out on one line of fixed columns: icon, name
// (takes the slack), destination, state, progress and speed (or the
// failure note over both), size, and the buttons, right-aligned in their
// column. Fixed boxes need no relayout when a label's text changes on a
// tick.
//
// The rows' compact spacing is done here, not with a theme: a
// container.ThemeOverride per row (what the rows had) is a theme scope of
// its own, so in Fyne 2.7.1 every new row cleared the app's icon and
// text-size caches (cache.overrideWidget) and parsed its fonts again when
// first drawn (painter.CachedFontFace keys fonts by scope), which stalled
// the window for seconds on a drop's first screenful. Instead each label
// gets a box that reaches past its cell by the difference between the
// theme's inner padding and rowInset, which draws its text where the
// compact theme drew it and truncates it at the same width; a button gets
// a box of its icon plus rowInset, and centres its icon in it. The row
// reads those sizes from the app's theme at each layout, so a theme change
// applies as before.
type rowRenderer struct {
	row     *taskRow
	objects []fyne.CanvasObject
	shown   uint8 // which buttons were visible at the last layout (bit i: row.buttons[i])
}

func newRowRenderer(r *taskRow) *rowRenderer {
	objs := []fyne.CanvasObject{r.icon, r.name, r.dest, r.status, r.bar, r.speed, r.note, r.size}
	for _, b := range r.buttons {
		objs = append(objs, b)
	}
	return &rowRenderer{row: r, objects: objs}
}

// Objects are the row's widgets, flat: no container between the row and
// what it draws.
func (l *rowRenderer) Objects() []fyne.CanvasObject { return l.objects }

// rowSizes are the theme's sizes a row's layout depends on.
type rowSizes struct {
	icon   float32 // theme.SizeNameInlineIcon: the file icon and the buttons' icons
	reach  float32 // how far a label's box reaches past its cell
	button float32 // a button's width
	slots  float32 // the buttons' column
}

func (l *rowRenderer) sizes() rowSizes {
	th := l.row.Theme()
	icon := th.Size(theme.SizeNameInlineIcon)
	inner := th.Size(theme.SizeNameInnerPadding)
	// The buttons' column is three buttons at Fyne's own padding wide, as
	// the row always measured it: the row's look stays as it was.
	return rowSizes{icon: icon, reach: inner - rowInset, button: icon + 2*rowInset, slots: colButton * (icon + 2*inner)}
}

// fixed is the width of every column but the name's, and the gaps.
func (z rowSizes) fixed() float32 {
	return z.icon + colDest + colState + colBar + colSpeed + colSize + z.slots + 6*rowGap
}

// Layout places the row's widgets in their columns.
func (l *rowRenderer) Layout(size fyne.Size) {
	r, z := l.row, l.sizes()
	h := size.Height
	nameW := max(0, size.Width-z.fixed())
	x := float32(0)
	cell := func(w float32) float32 { at := x; x += w + rowGap; return at }
	place(r.icon, cell(z.icon), 0, z.icon, h)
	z.label(r.name, cell(nameW), h, nameW)
	z.label(r.dest, cell(colDest), h, colDest)
	z.label(r.status, cell(colState), h, colState)
	progress := cell(colBar + colSpeed)
	place(r.bar, progress, (h-rowBarTall)/2, colBar, rowBarTall)
	z.label(r.speed, progress+colBar+rowGap, h, colSpeed)
	z.label(r.note, progress, h, colBar+colSpeed)
	z.label(r.size, cell(colSize), h, colSize)
	l.placeButtons(cell(z.slots)+z.slots, h, z)
}

// placeButtons right-aligns the visible buttons, ending at right.
func (l *rowRenderer) placeButtons(right, h float32, z rowSizes) {
	l.shown = l.row.visibleButtons()
	n := bits.OnesCount8(l.shown)
	x := right - float32(n)*z.button - float32(max(0, n-1))*rowGap
	for _, b := range l.row.buttons {
		if b.Visible() {
			place(b, x, 0, z.button, h)
			x += z.button + rowGap
		}
	}
}

// buttonsChanged lays the buttons out again if set showed or hid one: a
// hidden button keeps its place, so the ones left would not sit at the
// column's right edge.
func (l *rowRenderer) buttonsChanged() {
	if l.row.visibleButtons() != l.shown {
		l.Layout(l.row.Size())
	}
}

// visibleButtons has bit i set when button i shows.
func (r *taskRow) visibleButtons() uint8 {
	var on uint8
	for i, b := range r.buttons {
		if b.Visible() {
			on |= 1 << i
		}
	}
	return on
}

// label places a label for a cell at x of width w: its box reaches
// z.reach past the cell on every side, so its text sits rowInset in.
func (z rowSizes) label(o fyne.CanvasObject, x, h, w float32) {
	place(o, x-z.reach, -z.reach, w+2*z.reach, h+2*z.reach)
}

func place(o fyne.CanvasObject, x, y, w, h float32) {
	o.Move(fyne.NewPos(x, y))
	o.Resize(fyne.NewSize(w, h))
}

// MinSize is the fixed columns' width (the name may shrink to a few
// characters) and the tallest of the texts, the icon and the buttons.
func (l *rowRenderer) MinSize() fyne.Size {
	r, z := l.row, l.sizes()
	h := max(r.icon.MinSize().Height, rowBarTall)
	for _, t := range []fyne.CanvasObject{r.name, r.dest, r.status, r.speed, r.size} {
		h = max(h, t.MinSize().Height-2*z.reach)
	}
	if r.note.Visible() {
		h = max(h, r.note.MinSize().Height-2*z.reach)
	}
	if r.visibleButtons() != 0 {
		h = max(h, z.button)
	}
	return fyne.NewSize(z.fixed()+60, h)
}

// Refresh lays the row out again (a theme change) and repaints it.
func (l *rowRenderer) Refresh() {
	l.Layout(l.row.Size())
	for _, o := range l.objects {
		o.Refresh()
	}
}

// Destroy has nothing to release.
func (l *rowRenderer) Destroy() {}
