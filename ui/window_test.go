package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"cosdrop/localcos"
	"cosdrop/uploader"
)

// The drop handler adds the dropped files to the real engine, and the
// rows appear (Fyne's test driver never delivers drops, so the handler is
// called directly; the real-window test does a real XDND drop).
func TestDropAddsTasks(t *testing.T) {
	s := sandboxSession(t)
	w := newTestWindow(t, s)
	dir := t.TempDir()
	a := writeFile(t, dir, "photo.jpg", 10_000)
	b := writeFile(t, dir, "报告 2024.txt", 20_000)
	w.onDropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(a), storage.NewFileURI(b)})
	// Both rows done in the model itself: the status bar's totals can count
	// them a tick before the rows' snapshots arrive.
	waitFor(t, w, "two finished rows", func() bool {
		if len(w.list.queue.view) != 2 || w.status.totals.Done != 2 {
			return false
		}
		for _, id := range w.list.queue.view {
			if snap, _ := w.model.get(id); snap.State != uploader.Done {
				return false
			}
		}
		return true
	})
	for i, want := range []string{"photo.jpg", "报告 2024.txt"} {
		snap, _ := w.model.get(w.list.queue.view[i])
		if snap.Key != want || snap.State != uploader.Done {
			t.Errorf("row %d: key %q state %s, want %q done", i, snap.Key, snap.State, want)
		}
	}
	if got := w.list.queue.list.Length(); got != 2 {
		t.Errorf("list length %d, want 2", got)
	}
}

// Tapping a row's pause, resume and cancel buttons changes the real
// engine's state. Every request body (a PUT or a part) stalls at the
// server after its first MiB until the client gives up (pause, cancel, the
// end of the test), so the upload is still running when each button is
// tapped, however slowly this machine runs the test (a bandwidth cap alone
// could let it finish first).
func TestRowButtonsDriveEngine(t *testing.T) {
	s := sandboxSession(t)
	s.s.Server.Faults().Add(localcos.Rule{Kind: localcos.Stall, After: 1 << 20, Delay: time.Hour})
	w := newTestWindow(t, s)
	p := writeFile(t, t.TempDir(), "big.bin", 4<<20)
	w.add([]string{p})
	var id uploader.TaskID
	waitFor(t, w, "the upload to start", func() bool {
		if len(w.list.queue.view) != 1 {
			return false
		}
		id = w.list.queue.view[0]
		return stateOf(s.engine, id) == uploader.Uploading && w.list.queue.rowFor(id) != nil
	})
	row := w.list.queue.rowFor(id)
	if !row.toggleB.Visible() || row.toggleB.tip != "Pause" {
		t.Fatalf("uploading row: toggle visible=%v tip %q", row.toggleB.Visible(), row.toggleB.tip)
	}
	test.Tap(row.toggleB)
	waitFor(t, w, "paused", func() bool { return stateOf(s.engine, id) == uploader.Paused })
	waitFor(t, w, "the row to show paused", func() bool { return w.list.queue.rowFor(id).state == uploader.Paused })
	if row.toggleB.tip != "Resume" {
		t.Errorf("paused row's toggle says %q, want Resume", row.toggleB.tip)
	}
	test.Tap(row.toggleB)
	waitFor(t, w, "resumed", func() bool {
		st := stateOf(s.engine, id)
		return st == uploader.Queued || st == uploader.Uploading
	})
	waitFor(t, w, "the row to show it", func() bool { return w.list.queue.rowFor(id).state != uploader.Paused })
	test.Tap(w.list.queue.rowFor(id).cancelB)
	waitFor(t, w, "canceled", func() bool { return stateOf(s.engine, id) == uploader.Canceled })
	waitFor(t, w, "the row to offer retry", func() bool {
		r := w.list.queue.rowFor(id)
		return r.state == uploader.Canceled && r.retryB.Visible() && !r.cancelB.Visible()
	})
}

// One tick refreshes exactly the rows whose task changed: no UpdateItem
// (no list refresh) when the set is unchanged.
func TestTickRefreshesOnlyChangedRows(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	paths := make([]string, 50)
	for i := range paths {
		paths[i] = fmt.Sprintf("/data/file%02d.txt", i)
	}
	e.Add(paths...)
	w.tick()
	if len(w.list.queue.view) != 50 {
		t.Fatalf("view has %d rows, want 50", len(w.list.queue.view))
	}
	visible := len(w.list.queue.rows)
	if visible == 0 || visible >= 50 {
		t.Fatalf("%d rows bound; want some but not all 50 (the list is virtual)", visible)
	}
	updates, sets := w.list.queue.updateItems, w.list.queue.rowSets
	e.set(2, func(s *uploader.Snapshot) { s.State = uploader.Uploading; s.Acked = 500; s.Speed = 1e6 })
	e.set(3, func(s *uploader.Snapshot) { s.State = uploader.Uploading; s.Acked = 100 })
	e.set(45, func(s *uploader.Snapshot) { s.State = uploader.Uploading; s.Acked = 10 }) // not on screen
	w.tick()
	if got := w.list.queue.updateItems - updates; got != 0 {
		t.Errorf("tick ran UpdateItem %d times; want 0 (no list refresh)", got)
	}
	if got := w.list.queue.rowSets - sets; got != 2 {
		t.Errorf("tick refreshed %d rows; want 2 (the visible changed ones)", got)
	}
	if r := w.list.queue.rowFor(2); r == nil || r.bar.Value != 0.5 {
		t.Errorf("row 2 progress not shown")
	}
	// A tick with no change touches nothing.
	updates, sets = w.list.queue.updateItems, w.list.queue.rowSets
	w.tick()
	if w.list.queue.updateItems != updates || w.list.queue.rowSets != sets {
		t.Errorf("an idle tick refreshed rows")
	}
}

// The filter and the search box narrow the rows; the failure count in the
// status bar switches to the failures.
func TestFilterAndSearch(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/cat.jpg", "/d/dog.jpg", "/d/report.pdf", "/d/notes.txt")
	e.set(1, func(s *uploader.Snapshot) { s.State = uploader.Done })
	e.set(2, func(s *uploader.Snapshot) {
		s.State = uploader.Failed
		s.LastErr = &uploader.TaskError{Code: "AccessDenied", HTTPStatus: 403}
	})
	e.set(3, func(s *uploader.Snapshot) { s.State = uploader.Uploading })
	w.tick()
	names := func() []string {
		var out []string
		for _, id := range w.list.queue.view {
			s, _ := w.model.get(id)
			out = append(out, s.Key)
		}
		return out
	}
	check := func(what string, want ...string) {
		t.Helper()
		w.tick()
		got := names()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: rows %v, want %v", what, got, want)
		}
	}
	check("all", "uploads/cat.jpg", "uploads/dog.jpg", "uploads/report.pdf", "uploads/notes.txt")
	w.bar.setFilter(FilterActive)
	check("active", "uploads/report.pdf", "uploads/notes.txt")
	w.bar.setFilter(FilterDone)
	check("done", "uploads/cat.jpg")
	w.bar.setFilter(FilterAll)
	test.Type(w.bar.search, "JPG")
	check("search jpg", "uploads/cat.jpg", "uploads/dog.jpg")
	w.bar.search.SetText("")
	check("cleared", "uploads/cat.jpg", "uploads/dog.jpg", "uploads/report.pdf", "uploads/notes.txt")
	if !w.status.failed.Visible() || w.status.failed.Text != "1 failed" {
		t.Fatalf("status bar failure button: visible=%v %q", w.status.failed.Visible(), w.status.failed.Text)
	}
	test.Tap(w.status.failed)
	check("failures via status bar", "uploads/dog.jpg")
	// A state change that leaves the filter drops the row.
	e.Retry(2)
	check("retried leaves failed filter")
}

// Space pauses/resumes and Delete cancels the selected task (after asking).
func TestKeyboardActsOnSelection(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/a.txt", "/d/b.txt")
	w.tick()
	w.list.queue.list.Select(1)
	w.win.Canvas().Focus(w.list.queue.list)
	w.list.queue.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if st := stateOf(e, 2); st != uploader.Paused {
		t.Fatalf("after Space: %s, want paused", st)
	}
	w.tick()
	w.list.queue.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if st := stateOf(e, 2); st != uploader.Queued {
		t.Fatalf("after second Space: %s, want queued", st)
	}
	w.tick()
	w.list.queue.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	test.Tap(findButton(t, w, "Cancel upload")) // Delete asks first
	if st := stateOf(e, 2); st != uploader.Canceled {
		t.Fatalf("after Delete: %s, want canceled", st)
	}
	if st := stateOf(e, 1); st != uploader.Queued {
		t.Errorf("the unselected task changed to %s", st)
	}
}

// A finished batch and a failure each send one notification; the backlog
// loaded at start sends none.
func TestNotifications(t *testing.T) {
	e := newScriptEngine()
	e.Add("/old/x.txt")
	e.set(1, func(s *uploader.Snapshot) { s.State = uploader.Done })
	w := newTestWindow(t, scriptSession(e))
	test.AssertNotificationSent(t, nil, func() { w.tick() })
	e.Add("/d/a.txt", "/d/b.txt")
	w.tick()
	test.AssertNotificationSent(t, fyne.NewNotification("Upload failed", "b.txt: The network connection to COS failed."), func() {
		e.set(3, func(s *uploader.Snapshot) {
			s.State = uploader.Failed
			s.LastErr = &uploader.TaskError{Code: uploader.CodeNetwork}
		})
		w.tick()
	})
	test.AssertNotificationSent(t, fyne.NewNotification("Uploads finished", "Files uploaded: 1, failed: 1."), func() {
		e.set(2, func(s *uploader.Snapshot) { s.State = uploader.Done })
		w.tick()
	})
}

// Closing while uploads run asks first; with nothing running it quits.
func TestCloseWhileUploadingAsks(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/a.txt")
	w.tick()
	w.bg.closeRequested()
	if w.quitting {
		t.Fatal("quit without asking while a task was queued")
	}
	over := w.win.Canvas().Overlays().Top()
	if over == nil {
		t.Fatal("no dialog shown")
	}
	e.Pause(1)
	w.tick()
	w.bg.closeRequested()
	if !w.quitting {
		t.Fatal("did not quit with nothing running")
	}
}

// A click on a row selects it (the row takes taps because it takes double
// taps), Enter and a double click open the details panel.
func TestRowClickSelectsAndDoubleClickOpensDetails(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/a.txt", "/d/b.txt")
	w.tick()
	r := w.list.queue.rowFor(2)
	test.Tap(r)
	if w.list.queue.selected != 2 || w.win.Canvas().Focused() != w.list.queue.list {
		t.Fatalf("tap selected %d, focus %T", w.list.queue.selected, w.win.Canvas().Focused())
	}
	w.list.queue.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("Enter did not open the details panel")
	}
	w.win.Canvas().Overlays().Top().Hide()
	w.win.Canvas().Overlays().Remove(w.win.Canvas().Overlays().Top())
	test.DoubleTap(r)
	if w.win.Canvas().Overlays().Top() == nil {
		t.Fatal("double tap did not open the details panel")
	}
}

// A profile that cannot be opened leaves the current session in place and
// says why above the list.
func TestSwitchToBrokenProfileKeepsSession(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	w.async = func(f func()) { f() }
	before := w.sess
	w.switchTo("No such profile")
	if w.sess != before {
		t.Fatal("the session changed")
	}
	if !w.notice.visible() || !strings.Contains(w.notice.text.Text, "No such profile") {
		t.Fatalf("notice %q visible=%v", w.notice.text.Text, w.notice.visible())
	}
	if w.bar.profile.Selected != SandboxName {
		t.Errorf("switcher shows %q", w.bar.profile.Selected)
	}
}

// Switching to the Sandbox starts localcos and the real engine and shows
// the banner.
func TestSwitchToSandbox(t *testing.T) {
	w := newTestWindow(t, nil)
	w.async = func(f func()) { f() }
	w.switchTo(SandboxName)
	if w.sess == nil || !w.sess.sandbox || !w.banner.Visible() {
		t.Fatal("no Sandbox session or banner")
	}
	t.Cleanup(func() { _ = w.sess.close() })
	p := writeFile(t, t.TempDir(), "hello.txt", 100)
	w.add([]string{p})
	waitFor(t, w, "the upload", func() bool { return w.status.totals.Done == 1 })
}

// Removing and clearing finished tasks drops their rows; the toolbar's
// queue-wide buttons reach the engine.
func TestRemoveAndClearFinished(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/a.txt", "/d/b.txt", "/d/c.txt")
	e.set(1, func(s *uploader.Snapshot) { s.State = uploader.Done })
	e.set(2, func(s *uploader.Snapshot) { s.State = uploader.Failed })
	w.tick()
	test.Tap(w.list.queue.rowFor(2).removeB)
	w.tick()
	if len(w.list.queue.view) != 2 || indexOf(w.list.queue.view, 2) >= 0 {
		t.Fatalf("after remove: %v", w.list.queue.view)
	}
	w.call(func(e Engine) { e.ClearFinished() })
	w.tick()
	if len(w.list.queue.view) != 1 || w.list.queue.view[0] != 3 {
		t.Fatalf("after clear finished: %v", w.list.queue.view)
	}
	if w.status.totals.Tasks != 1 {
		t.Errorf("status counts %d tasks", w.status.totals.Tasks)
	}
}

// Issue 21, finding 7: a drop into a long list lands at the bottom; the
// list scrolls to its first row.
func TestNewDropScrollsIntoView(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	for i := range 500 {
		e.Add(fmt.Sprintf("/old/%d.txt", i))
	}
	w.tick()
	if w.list.queue.list.GetScrollOffset() != 0 {
		t.Fatalf("offset %v before the drop", w.list.queue.list.GetScrollOffset())
	}
	w.add([]string{"/new/report.pdf"})
	w.tick()
	l := w.list.queue.list
	at := l.GetScrollOffset()
	if at == 0 || w.list.queue.rowFor(501) == nil {
		t.Fatalf("the new drop's row is out of sight (offset %v)", at)
	}
	// Where List.ScrollTo puts it from the top.
	l.ScrollToOffset(0)
	l.ScrollTo(500)
	if l.GetScrollOffset() != at {
		t.Errorf("offset %v, List.ScrollTo puts the row at %v", at, l.GetScrollOffset())
	}
}
