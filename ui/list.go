package ui

import (
	"fyne.io/fyne/v2"

	"cosdrop/uploader"
)

// list is the queue as the window shows it: the virtual list of rows
// (queueView), its selection and keyboard focus, and what a row's
// buttons, menu and keys do to their task (rowActions, linkActions). It
// reaches the engine, the model and the other parts (dialogs, links,
// details) through the window.
type list struct {
	w     *mainWindow
	queue *queueView // the rows and the selection (queueview.go, row.go)
}

func newList(w *mainWindow, hint fyne.CanvasObject) *list {
	l := &list{w: w}
	l.queue = newQueueView(w.model, l, hint)
	return l
}

// selected returns the selected task, if any.
func (l *list) selected() (uploader.Snapshot, bool) {
	if l.queue.selected == 0 {
		return uploader.Snapshot{}, false
	}
	return l.w.model.get(l.queue.selected)
}

// focus gives the list the keyboard focus, so its keys act on the rows.
func (l *list) focus() { l.w.win.Canvas().Focus(l.queue.list) }

// typedKey handles the queue's keys (the open dialogs have had them
// first: mainWindow.typedKey). Up/Down/Home/End/Page keys move the
// selection, and Space (pause/resume), Delete (cancel, after asking;
// remove a finished task) and Enter (details) act on the selected row:
// always a row the list shows, since a filter that hides the selection
// clears it.
func (l *list) typedKey(ev *fyne.KeyEvent) bool {
	if l.queue.moveSelection(ev.Name) {
		l.focus()
		return true
	}
	s, ok := l.selected()
	if !ok || indexOf(l.queue.view, s.ID) < 0 {
		return false
	}
	switch ev.Name {
	case fyne.KeySpace:
		l.toggle(s.ID)
		return true
	case fyne.KeyDelete:
		if s.State.Final() {
			l.remove(s.ID)
		} else {
			l.askCancel(s.ID)
		}
		return true
	case fyne.KeyReturn, fyne.KeyEnter:
		l.details(s.ID)
		return true
	}
	return false
}

// Row actions (rowActions); cancel is in cancelask.go.

func (l *list) toggle(id uploader.TaskID) {
	s, ok := l.w.model.get(id)
	if !ok {
		return
	}
	if s.State == uploader.Paused {
		l.w.call(func(e Engine) { e.Resume(id) })
	} else if !s.State.Final() {
		l.w.call(func(e Engine) { e.Pause(id) })
	}
}
func (l *list) retry(id uploader.TaskID)  { l.w.call(func(e Engine) { e.Retry(id) }) }
func (l *list) remove(id uploader.TaskID) { l.w.call(func(e Engine) { e.Remove(id) }) }
func (l *list) choose(id uploader.TaskID) {
	if i := indexOf(l.queue.view, id); i >= 0 {
		l.queue.list.Select(i)
		l.focus()
	}
}
func (l *list) details(id uploader.TaskID) {
	if s, ok := l.w.model.get(id); ok && l.w.sess != nil {
		showDetails(l.w, s)
	}
}

// The row's link actions (linkActions) are the links part's.

func (l *list) copyLink(id uploader.TaskID)                  { l.w.links.copyLink(id) }
func (l *list) rowMenu(id uploader.TaskID, at fyne.Position) { l.w.links.rowMenu(id, at) }
