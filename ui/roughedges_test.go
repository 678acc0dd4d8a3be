package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cosdrop/uploader"
)

// Finding 11 (issue #12): the status bar counts paused and canceled
// tasks; sizes and limits say MiB (as the CLI does).
func TestStatusBarCountsPausedAndCanceled(t *testing.T) {
	got := summaryText(uploader.Totals{Tasks: 5, Done: 1, Paused: 2, Canceled: 1, Bytes: 3 << 20, Acked: 1 << 20})
	for _, want := range []string{"1 of 5 done", "1.0 MiB of 3.0 MiB", "2 paused", "1 canceled"} {
		if !strings.Contains(got, want) {
			t.Errorf("status %q lacks %q", got, want)
		}
	}
	for _, c := range limitChoices() {
		if strings.Contains(c.label, "MB/s") || strings.Contains(c.label, "KB/s") {
			t.Errorf("limit %q says MB/KB for binary units", c.label)
		}
	}
}

// Finding 11 (issue #12): a notice can be dismissed; "Link copied" clears
// by itself; the window says when unfinished uploads carry on after a
// restart; the window size is remembered.
func TestNoticesAndWindowSize(t *testing.T) {
	e := newScriptEngine()
	e.Add("/d/a.txt", "/d/b.txt", "/d/c.txt")
	e.set(3, func(s *uploader.Snapshot) { s.State = uploader.Done })
	w := newTestWindow(t, scriptSession(e)) // the journal's backlog: two unfinished
	w.tick()
	if !w.notice.visible() || !strings.Contains(w.notice.text.Text, "2 uploads that were unfinished") {
		t.Fatalf("no resumed-uploads notice: visible=%v %q", w.notice.visible(), w.notice.text.Text)
	}
	test.Tap(w.notice.close)
	if w.notice.visible() {
		t.Fatal("the notice's close button did not dismiss it")
	}
	e.Add("/d/new.txt")
	w.tick()
	if w.notice.visible() {
		t.Fatal("a new upload brought the resumed notice back")
	}

	var clear func()
	var after time.Duration
	w.later = func(d time.Duration, f func()) { after, clear = d, f }
	w.flash("Link copied")
	if !w.status.busy.Visible() {
		t.Fatal("Link copied not shown")
	}
	if clear == nil || after <= 0 || after > 10*time.Second {
		t.Fatalf("\"Link copied\" is not cleared by itself (after %v)", after)
	}
	clear()
	if w.status.busy.Visible() {
		t.Fatal("\"Link copied\" still shown after its time")
	}

	w.win.Resize(fyne.NewSize(812, 533))
	w.saveWindowSize()
	if got := w.savedWindowSize(); got != fyne.NewSize(812, 533) {
		t.Fatalf("remembered size %v, want 812x533", got)
	}
}

// Files given at start (or dropped before the session opened) are new
// uploads, not resumed ones: no "carries on" notice for them.
func TestNewTasksAreNotCalledResumed(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/a.txt")
	e.set(1, func(s *uploader.Snapshot) { s.Created = time.Now().Add(time.Hour) })
	w.tick()
	if w.notice.visible() {
		t.Fatalf("a new upload was announced as resumed: %q", w.notice.text.Text)
	}
}
