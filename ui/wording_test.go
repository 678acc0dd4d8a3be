package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// labelTexts renders o and returns its labels' texts in layout order.
func labelTexts(t *testing.T, o fyne.CanvasObject) []string {
	t.Helper()
	win := test.NewTempWindow(t, o)
	win.Resize(fyne.NewSize(720, 2000))
	var out []string
	for _, x := range test.LaidOutObjects(o) {
		if l, ok := x.(*widget.Label); ok && l.Text != "" {
			out = append(out, l.Text)
		}
	}
	return out
}

// Finding 8 (issue #12): a failure that was retried reads well: the final
// reason first, the retried 500s once (not five cards of the same advice),
// attempts counted, no raw codes in the timeline, and the failed row
// shows the advice Details gives.
func TestFailureWording(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	t0 := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	s := uploader.Snapshot{ID: 1, Path: "/d/a.jpg", Key: "uploads/a.jpg", Size: 10, State: uploader.Failed,
		Attempts: 1, Created: t0, Started: t0.Add(time.Second), Finished: t0.Add(time.Minute)}
	for i, rid := range []string{"r1", "r2", "r3"} {
		s.Errors = append(s.Errors, uploader.TaskError{Op: "upload part 1", Code: "InternalError", HTTPStatus: 500,
			RequestID: rid, Time: t0.Add(time.Duration(i+2) * time.Second)})
	}
	final := uploader.TaskError{Op: "complete", Code: "AccessDenied", HTTPStatus: 403, RequestID: "r4", Time: t0.Add(50 * time.Second)}
	s.Errors = append(s.Errors, final)
	s.LastErr = &final

	texts := labelTexts(t, detailsContent(w, s))
	all := strings.Join(texts, "\n")
	if len(texts) == 0 || texts[0] != "Why it failed" {
		t.Errorf("details start with %q, want the final reason first", texts[:min(3, len(texts))])
	}
	if n := strings.Count(all, "tries again on its own"); n > 1 {
		t.Errorf("the retried error's advice shows %d times", n)
	}
	if !strings.Contains(all, "3 times") {
		t.Errorf("the three retried 500s are not summed up:\n%s", all)
	}
	if strings.Contains(all, "Problem: InternalError") || strings.Contains(all, "Problem: AccessDenied") {
		t.Errorf("the timeline shows raw codes:\n%s", all)
	}
	if attempts(s) != 4 || !strings.Contains(all, "\n4\n") {
		t.Errorf("attempts %d, want 4 (3 retried errors and the final one) shown:\n%s", attempts(s), all)
	}
	if d := rowDetail(s); !strings.Contains(d, "Ask your administrator") {
		t.Errorf("the failed row says %q, without the advice", d)
	}
	if strings.Contains(all, "16 B (16 bytes)") || !strings.Contains(all, "10 B (10 bytes)") {
		t.Errorf("size line missing:\n%s", all)
	}
}
