package ui

import (
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// press sends a key the way the GLFW driver does: to the focused widget,
// else to the canvas's key handler.
func press(w *mainWindow, k fyne.KeyName) {
	c := w.win.Canvas()
	ev := &fyne.KeyEvent{Name: k}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		if k == fyne.KeySpace { // GLFW sends the character as well
			f.TypedRune(' ')
		}
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// topDialogOpen reports whether a dialog is showing over the main window.
func topDialogOpen(w *mainWindow) bool {
	top := w.win.Canvas().Overlays().Top()
	return top != nil && top.Visible()
}

// Finding 5 (issue #12): the keys act on the selected, visible row, the
// one the arrows moved to (not the one last clicked, not one a filter
// hides); Delete asks first; Escape closes Details and the question.
func TestKeyboardActsOnTheVisibleSelection(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/a.txt", "/d/b.txt", "/d/c.txt")
	w.tick()
	test.Tap(w.list.queue.rowFor(1)) // the mouse picks a.txt
	press(w, fyne.KeyDown)
	press(w, fyne.KeyDown) // the keyboard moves to c.txt
	press(w, fyne.KeySpace)
	if a, c := stateOf(e, 1), stateOf(e, 3); a != uploader.Queued || c != uploader.Paused {
		t.Fatalf("Space after Down, Down: a.txt %s, c.txt %s; want c.txt paused, a.txt untouched", a, c)
	}
	w.tick()

	// Delete asks; Escape keeps the upload.
	press(w, fyne.KeyDelete)
	if !topDialogOpen(w) {
		t.Fatal("Delete canceled without asking")
	}
	press(w, fyne.KeyEscape)
	if topDialogOpen(w) || stateOf(e, 3) == uploader.Canceled {
		t.Fatalf("Escape: dialog open %v, c.txt %s; want closed and not canceled", topDialogOpen(w), stateOf(e, 3))
	}
	// Keys pressed while a dialog is open do not reach the rows.
	press(w, fyne.KeyReturn)
	if !topDialogOpen(w) {
		t.Fatal("Enter did not open the details")
	}
	press(w, fyne.KeySpace)
	if stateOf(e, 3) != uploader.Paused {
		t.Fatal("Space behind the details panel resumed the row")
	}
	press(w, fyne.KeyEscape)
	if topDialogOpen(w) {
		t.Fatal("Escape did not close the details")
	}
	// Delete, then confirm.
	w.win.Canvas().Focus(w.list.queue.list)
	press(w, fyne.KeyDelete)
	confirm := findButton(t, w, "Cancel upload")
	test.Tap(confirm)
	if stateOf(e, 3) != uploader.Canceled {
		t.Fatalf("confirmed Delete: c.txt %s, want canceled", stateOf(e, 3))
	}
	w.tick()

	// A filter that hides the selection clears it: the keys do nothing.
	e.set(2, func(s *uploader.Snapshot) { s.State = uploader.Done })
	w.tick()
	w.list.choose(1)
	w.bar.setFilter(FilterDone)
	w.tick()
	w.win.Canvas().Focus(w.list.queue.list)
	press(w, fyne.KeyDelete)
	press(w, fyne.KeySpace)
	press(w, fyne.KeyReturn)
	if topDialogOpen(w) || stateOf(e, 1) != uploader.Queued {
		t.Fatalf("keys acted on a filtered-out row: dialog %v, a.txt %s", topDialogOpen(w), stateOf(e, 1))
	}
}

func findButton(t *testing.T, w *mainWindow, text string) *widget.Button {
	t.Helper()
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog with %q", text)
	}
	for _, o := range test.LaidOutObjects(top) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("no button %q in the dialog", text)
	return nil
}

// Finding 5 (issue #12): Ctrl+O's picker works without a mouse: type a
// folder, Enter, Tab to a file, Space ticks it, the Add button takes
// Space; Escape closes the picker.
func TestAddFilesWithKeyboardOnly(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	w.async = func(f func()) { f() }
	dir := t.TempDir()
	for _, n := range []string{"a.jpg", "b.jpg", "c.jpg"} {
		writeFile(t, dir, n, 10)
	}
	c := w.win.Canvas()
	pressShortcut(c, ctrlO)
	entry, ok := c.Focused().(*keyEntry)
	if !ok || !topDialogOpen(w) {
		t.Fatalf("Ctrl+O: focus on %T, dialog %v; want the folder box of the picker", c.Focused(), topDialogOpen(w))
	}
	entry.SetText(dir)
	press(w, fyne.KeyReturn)
	checks, _ := checklistWidgets(t, c)
	for _, n := range []string{"a.jpg", "c.jpg"} {
		if checks[n] == nil {
			t.Fatalf("no row for %s after Enter: %v", n, checks)
		}
		for i := 0; i < 20; i++ { // Tab until the file's box has the focus
			if ch, ok := c.Focused().(*widget.Check); ok && ch.Text == n {
				checks[n] = ch
				break
			}
			c.FocusNext()
		}
		if ch, ok := c.Focused().(*widget.Check); !ok || ch.Text != n {
			t.Fatalf("focus on %T, want the %s box", c.Focused(), n)
		}
		press(w, fyne.KeySpace)
		if !checks[n].Checked {
			t.Fatalf("Space did not tick %s", n)
		}
	}
	_, buttons := checklistWidgets(t, c)
	add := buttons["Add 2 files"]
	if add == nil {
		t.Fatalf("buttons %v, want \"Add 2 files\"", buttons)
	}
	c.Focus(add)
	press(w, fyne.KeySpace)
	want := []string{filepath.Join(dir, "a.jpg"), filepath.Join(dir, "c.jpg")}
	if got := enginePaths(e); !slices.Equal(got, want) {
		t.Fatalf("added %v, want %v", got, want)
	}
	if topDialogOpen(w) {
		t.Fatal("the picker stayed open")
	}
	// The next Ctrl+O starts in the same folder; Escape closes it.
	pressShortcut(c, ctrlO)
	if entry, ok := c.Focused().(*keyEntry); !ok || entry.Text != dir {
		t.Fatalf("second Ctrl+O: focus %T, want the folder box on %s", c.Focused(), dir)
	}
	press(w, fyne.KeyEscape)
	if topDialogOpen(w) {
		t.Fatal("Escape did not close the picker")
	}
}

// Issue 21, finding 5: the row's ✕ cancels an upload that has sent
// little at once, but asks before throwing away a large one, offering
// Pause; Enter keeps it uploading.
func TestCancelAsksBeforeThrowingWorkAway(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/tmp/small.bin", "/tmp/big.bin")
	e.set(1, func(s *uploader.Snapshot) { s.State, s.Acked = uploader.Uploading, 100 })
	e.set(2, func(s *uploader.Snapshot) {
		s.State, s.Size, s.Acked, s.Speed = uploader.Uploading, 300<<20, 72<<20, 2<<20
	})
	w.tick()
	w.list.cancel(1)
	waitFor(t, w, "small.bin canceled", func() bool { return stateOf(e, 1) == uploader.Canceled })
	if topDialogOpen(w) {
		t.Fatal("a question for an upload that had sent 100 bytes")
	}
	w.list.cancel(2)
	if !topDialogOpen(w) {
		t.Fatal("the ✕ canceled 72 MiB of a 300 MiB upload without asking")
	}
	w.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if topDialogOpen(w) || stateOf(e, 2) != uploader.Uploading {
		t.Fatalf("Enter: dialog open %v, big.bin %s; want closed and still uploading", topDialogOpen(w), stateOf(e, 2))
	}
	w.list.cancel(2)
	test.Tap(findButton(t, w, "Pause"))
	waitFor(t, w, "big.bin paused", func() bool { return stateOf(e, 2) == uploader.Paused })
}
