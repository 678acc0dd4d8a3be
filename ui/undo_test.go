package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// undoEngine is the scripted engine with the real engine's undo call.
type undoEngine struct {
	*scriptEngine
	deletes []uploader.TaskID
	err     error
}

func (u *undoEngine) DeleteUploaded(_ context.Context, id uploader.TaskID) error {
	u.deletes = append(u.deletes, id)
	if u.err != nil {
		return u.err
	}
	u.set(id, func(s *uploader.Snapshot) { s.Note = uploader.Note{Code: uploader.NoteDeleted} })
	return nil
}

func overlayText(w *mainWindow) string {
	var b strings.Builder
	if top := w.win.Canvas().Overlays().Top(); top != nil {
		for _, o := range test.LaidOutObjects(top) {
			switch o := o.(type) {
			case *widget.Label:
				b.WriteString(o.Text + "\n")
			case *widget.RichText:
				b.WriteString(o.String() + "\n")
			}
		}
	}
	return b.String()
}

// undoWindow has one finished upload (task 1) and its details open as
// History opens them.
func undoWindow(t *testing.T) (*mainWindow, *undoEngine) {
	t.Helper()
	e := &undoEngine{scriptEngine: newScriptEngine()}
	w := newTestWindow(t, scriptSession(e))
	w.async = func(f func()) { f() }
	e.Add("/d/photo.jpg")
	e.set(1, func(s *uploader.Snapshot) { s.State, s.ETag, s.Verified = uploader.Done, `"abc"`, true })
	w.tick()
	s, _ := w.model.get(1)
	showDetailsIn(w, s, w.win)
	return w, e
}

// The delete asks first; "Keep it" deletes nothing.
func TestUndoConfirmationCancelKeeps(t *testing.T) {
	w, e := undoWindow(t)
	test.Tap(findButton(t, w, "Delete from COS…"))
	if text := overlayText(w); !strings.Contains(text, "Delete uploads/photo.jpg from the bucket?") {
		t.Fatalf("no confirmation shown: %q", text)
	}
	test.Tap(findButton(t, w, "Keep it"))
	if len(e.deletes) != 0 {
		t.Fatalf("deleted after Keep it: %v", e.deletes)
	}
	if s, _ := e.Get(1); s.Note.Code == uploader.NoteDeleted {
		t.Fatal("the task says deleted")
	}
	findButton(t, w, "Delete from COS…") // the details are still there
}

// Confirmed: the engine deletes, the window says so, and the history row
// reads "Deleted from COS".
func TestUndoConfirmedDeletes(t *testing.T) {
	w, e := undoWindow(t)
	reloads := 0
	w.history.reload = func() {
		if s, _ := w.model.get(1); historyState(s) == "Deleted from COS" {
			reloads++
		}
	}
	test.Tap(findButton(t, w, "Delete from COS…"))
	test.Tap(findButton(t, w, "Delete from COS"))
	if len(e.deletes) != 1 || e.deletes[0] != 1 {
		t.Fatalf("deletes %v", e.deletes)
	}
	if text := overlayText(w); !strings.Contains(text, "uploads/photo.jpg was deleted from COS") {
		t.Errorf("after the delete: %q", text)
	}
	if reloads != 1 {
		t.Errorf("History reloaded %d times with the deletion, want once", reloads)
	}
	s, _ := w.model.get(1)
	if got := historyState(s); got != "Deleted from COS" {
		t.Errorf("history state %q", got)
	}
	// A deleted upload offers no second delete.
	showDetailsIn(w, s, w.win)
	for _, o := range test.LaidOutObjects(w.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Delete from COS…" {
			t.Error("a deleted upload offers Delete again")
		}
	}
}

// Refused (Tencent's sample STS policy grants no HeadObject): said in
// plain words, nothing recorded.
func TestUndoRefusedSaysWhy(t *testing.T) {
	w, e := undoWindow(t)
	e.err = &uploader.UndoError{Reason: uploader.UndoDenied, Op: "head", Key: "uploads/photo.jpg", RequestID: "req-1"}
	test.Tap(findButton(t, w, "Delete from COS…"))
	test.Tap(findButton(t, w, "Delete from COS"))
	text := overlayText(w)
	if !strings.Contains(text, "Not deleted: COS does not let these credentials check the object (HeadObject)") || !strings.Contains(text, "req-1") {
		t.Errorf("refusal shown as %q", text)
	}
	if s, _ := e.Get(1); s.Note.Code == uploader.NoteDeleted {
		t.Error("a refused delete is recorded")
	}
}

// Only finished uploads offer the delete; an engine without undo offers
// nothing.
func TestUndoOfferedOnlyForUploads(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/a.txt")
	e.set(1, func(s *uploader.Snapshot) { s.State, s.ETag = uploader.Done, `"abc"` })
	w.tick()
	s, _ := w.model.get(1)
	showDetailsIn(w, s, w.win)
	for _, o := range test.LaidOutObjects(w.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Delete from COS…" {
			t.Error("offered with an engine that cannot delete")
		}
	}
	for _, st := range []uploader.State{uploader.Failed, uploader.Skipped, uploader.Canceled, uploader.Uploading} {
		if canUndo(uploader.Snapshot{State: st, ETag: `"x"`}) {
			t.Errorf("%s offers undo", st)
		}
	}
}

// With the real engine and the Sandbox (localcos, permanent key): the
// object the window uploaded is deleted after the confirmation, and the
// history row says so.
func TestUndoRealEngineSandbox(t *testing.T) {
	w := newTestWindow(t, sandboxSession(t))
	w.async = func(f func()) { f() }
	f := writeFile(t, t.TempDir(), "undo me.txt", 100)
	w.add([]string{f})
	waitFor(t, w, "the upload", func() bool { return w.status.totals.Done == 1 })
	var s uploader.Snapshot
	for _, x := range w.model.all() {
		s = x
	}
	if code := sandboxGet(t, w, s.ID); code != http.StatusOK {
		t.Fatalf("GET of the uploaded object: HTTP %d", code)
	}
	showDetailsIn(w, s, w.win)
	test.Tap(findButton(t, w, "Delete from COS…"))
	test.Tap(findButton(t, w, "Delete from COS"))
	if x, _ := w.model.get(s.ID); historyState(x) != "Deleted from COS" {
		t.Errorf("after the delete the history row reads %q", historyState(x))
	}
	if code := sandboxGet(t, w, s.ID); code != http.StatusNotFound {
		t.Errorf("GET of the deleted object: HTTP %d, want 404", code)
	}
	if text := overlayText(w); !strings.Contains(text, "was deleted from COS") {
		t.Errorf("after the delete: %q", text)
	}
}

// sandboxGet GETs task id's object from the Sandbox with a presigned URL
// and returns the HTTP status.
func sandboxGet(t *testing.T, w *mainWindow, id uploader.TaskID) int {
	t.Helper()
	u, err := w.sess.engine.PresignedURL(context.Background(), id, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
