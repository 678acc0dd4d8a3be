package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// queueList is widget.List with the queue's keys: Space pauses or resumes
// and Delete cancels the selected task even while the list has the focus
// (the plain List would use Space to select).
type queueList struct {
	widget.List
	onKey func(*fyne.KeyEvent) bool
}

// TypedKey gives the queue's keys first refusal. Space never reaches the
// plain List: it would select the row under the List's own focus marker,
// which need not be the row the user sees selected.
func (l *queueList) TypedKey(ev *fyne.KeyEvent) {
	if l.onKey != nil && l.onKey(ev) {
		return
	}
	if ev.Name == fyne.KeySpace {
		return
	}
	l.List.TypedKey(ev)
}

// queueView is the virtual task list. Rows are recycled templates; which
// row shows which task is tracked in rows, so a tick refreshes exactly the
// rows whose task changed. (List.RefreshItem in Fyne 2.7.1 refreshes the
// whole list widget — every visible row runs UpdateItem again — so it is
// not used for progress.)
type queueView struct {
	model    *queueModel
	actions  rowActions
	list     *queueList
	hint     fyne.CanvasObject
	content  fyne.CanvasObject
	view     []uploader.TaskID // Fyne goroutine only
	rows     map[uploader.TaskID]*taskRow
	selected uploader.TaskID
	// revealAfter, when set, is the highest task ID before a drop: the
	// next new row order scrolls to the drop's first row (reveal).
	revealAfter uploader.TaskID

	// Counters for tests and the benchmark.
	updateItems int // UpdateItem calls (full row binds)
	rowSets     int // rows refreshed by ticks
}

func newQueueView(m *queueModel, a rowActions, hint fyne.CanvasObject) *queueView {
	q := &queueView{model: m, actions: a, rows: map[uploader.TaskID]*taskRow{}, hint: hint}
	l := &queueList{}
	l.Length = func() int { return len(q.view) }
	l.CreateItem = func() fyne.CanvasObject { return newTaskRow(a) }
	l.UpdateItem = q.updateItem
	l.OnSelected = func(i widget.ListItemID) {
		if i >= 0 && i < len(q.view) {
			q.selected = q.view[i]
		}
	}
	l.OnUnselected = func(widget.ListItemID) { q.selected = 0 }
	l.ExtendBaseWidget(l)
	q.list = l
	q.content = container.NewStack(l, hint)
	return q
}

func (q *queueView) updateItem(i widget.ListItemID, o fyne.CanvasObject) {
	q.updateItems++
	r := o.(*taskRow)
	if r.id != 0 && q.rows[r.id] == r {
		delete(q.rows, r.id)
	}
	if i < 0 || i >= len(q.view) {
		return
	}
	id := q.view[i]
	s, ok := q.model.get(id)
	if !ok {
		return
	}
	r.set(s)
	q.rows[id] = r
}

// apply shows one tick's changes: a new row order refreshes the list once;
// otherwise only the rows of changed tasks are set again.
func (q *queueView) apply(u update) {
	if u.view != nil {
		q.view = u.view
		if len(q.view) == 0 {
			q.hint.Show()
		} else {
			q.hint.Hide()
		}
		// Refresh first, so the list knows its new length before it
		// scrolls anywhere: selecting (which scrolls) against the old
		// length left the list laying its rows out for one offset while
		// its scroller showed another, a blank list until scrolled
		// (issue #12, finding 7).
		q.list.Refresh()
		if u.refiltered {
			q.list.ScrollToTop()
		}
		q.reveal()
		if q.selected != 0 {
			if i := indexOf(q.view, q.selected); i >= 0 {
				q.list.Select(i)
			} else {
				q.selected = 0
				q.list.UnselectAll()
			}
		}
		return
	}
	for _, id := range u.rows {
		r := q.rows[id]
		if r == nil || r.id != id {
			continue
		}
		if s, ok := q.model.get(id); ok {
			r.set(s)
			q.rowSets++
		}
	}
}

// expectDrop remembers where the rows of a drop about to be added start:
// after every task the list holds now. A drop into a 10,000-row list
// landed at the bottom, out of sight (issue 21, finding 7).
func (q *queueView) expectDrop() {
	var top uploader.TaskID
	for _, id := range q.view {
		top = max(top, id)
	}
	q.revealAfter = top + 1 // nonzero even on an empty list
}

// reveal scrolls to the first row of the drop expectDrop announced, once
// it is in the list.
func (q *queueView) reveal() {
	if q.revealAfter == 0 {
		return
	}
	for i, id := range q.view {
		if id >= q.revealAfter {
			q.scrollIntoView(i)
			q.revealAfter = 0
			return
		}
	}
}

// scrollIntoView scrolls the least that shows row i whole, as
// List.ScrollTo does, but without the refresh of the whole list that
// ScrollTo ends with (Fyne 2.7.1): it would build a row to measure, bind
// every row on screen again and drop the rows the list keeps for reuse,
// just after apply refreshed the list. Rows are as tall as the list's
// template row, with the theme's padding between them, as List.scrollTo
// places them.
func (q *queueView) scrollIntoView(i int) {
	var h float32
	for _, r := range q.rows {
		h = r.Size().Height
		break
	}
	if h == 0 { // no row on screen to measure
		q.list.ScrollTo(i)
		return
	}
	y := float32(i) * (h + q.list.Theme().Size(theme.SizeNamePadding))
	top, height := q.list.GetScrollOffset(), q.list.Size().Height
	switch {
	case y < top:
		q.list.ScrollToOffset(y)
	case y+h > top+height:
		q.list.ScrollToOffset(y + h - height)
	}
}

// rowFor returns the row currently showing id (tests and details).
func (q *queueView) rowFor(id uploader.TaskID) *taskRow {
	if r := q.rows[id]; r != nil && r.id == id {
		return r
	}
	return nil
}

// moveSelection moves the selection for a navigation key (Up, Down, Home,
// End, Page Up, Page Down) and reports whether key was one. The plain
// List moves only a focus marker on arrows, so Space then acted on the row
// last clicked, not the one the user had moved to.
func (q *queueView) moveSelection(key fyne.KeyName) bool {
	n := len(q.view)
	cur := indexOf(q.view, q.selected)
	page := 10
	next := cur
	switch key {
	case fyne.KeyDown:
		next = cur + 1
	case fyne.KeyUp:
		next = cur - 1
		if cur < 0 {
			next = 0
		}
	case fyne.KeyHome:
		next = 0
	case fyne.KeyEnd:
		next = n - 1
	case fyne.KeyPageDown:
		next = cur + page
	case fyne.KeyPageUp:
		next = cur - page
	default:
		return false
	}
	if n == 0 {
		return true
	}
	next = min(max(next, 0), n-1)
	if next != cur {
		q.list.Select(next)
	}
	return true
}
