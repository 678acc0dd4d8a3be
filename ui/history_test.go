package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"cosdrop/profile"
	"cosdrop/uploader"
)

// The history lists finished tasks newest first, by filter and search.
func TestHistoryRows(t *testing.T) {
	now := time.Unix(1700000000, 0)
	all := []uploader.Snapshot{
		{ID: 1, Path: "/a/cat.jpg", Key: "cat.jpg", State: uploader.Done, Finished: now},
		{ID: 2, Path: "/a/dog.jpg", Key: "dog.jpg", State: uploader.Failed},
		{ID: 3, Path: "/a/run.txt", Key: "run.txt", State: uploader.Uploading},
		{ID: 4, Path: "/a/old.jpg", Key: "old.jpg", State: uploader.Skipped},
	}
	ids := func(s []uploader.Snapshot) (out []uploader.TaskID) {
		for _, x := range s {
			out = append(out, x.ID)
		}
		return out
	}
	for _, c := range []struct {
		f      int
		search string
		want   []uploader.TaskID
	}{
		{0, "", []uploader.TaskID{4, 2, 1}},
		{1, "", []uploader.TaskID{1}},
		{2, "", []uploader.TaskID{2}},
		{3, "", []uploader.TaskID{4}},
		{0, "JPG", []uploader.TaskID{4, 2, 1}},
		{0, "cat", []uploader.TaskID{1}},
	} {
		got := ids(historyRows(all, c.f, c.search))
		if len(got) != len(c.want) {
			t.Errorf("filter %d %q: %v, want %v", c.f, c.search, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("filter %d %q: %v, want %v", c.f, c.search, got, c.want)
				break
			}
		}
	}
}

// Diagnostics name the profile and the errors with request IDs, and carry
// no secret: the SecretId is shortened and signatures are redacted.
func TestDiagnosticsAreRedacted(t *testing.T) {
	e := newScriptEngine()
	s := scriptSession(e)
	s.sandbox = false
	s.name = "Team"
	s.profile = profile.Profile{Name: "Team", Mode: profile.ModePermanent, Bucket: "team-1250000000", Region: "ap-beijing",
		SecretID: "AKIDabcdefghijklmnopqrstuvwxyz0123"}
	w := newTestWindow(t, s)
	e.Add("/d/a.txt")
	e.set(1, func(s *uploader.Snapshot) {
		s.State = uploader.Failed
		s.Errors = []uploader.TaskError{{Op: "put", Code: "AccessDenied", HTTPStatus: 403, RequestID: "NjQ1ZTk=",
			Message: "denied: url http://x/a.txt?q-sign-algorithm=sha1&q-signature=0123456789abcdef0123456789abcdef01234567", Time: time.Now()}}
	})
	w.tick()
	d := w.history.diagnostics()
	for _, want := range []string{"Team", "team-1250000000", "AccessDenied", "NjQ1ZTk="} {
		if !strings.Contains(d, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, d)
		}
	}
	for _, bad := range []string{"AKIDabcdefghijklmnopqrstuvwxyz0123", "0123456789abcdef0123456789abcdef01234567"} {
		if strings.Contains(d, bad) {
			t.Errorf("diagnostics contain %q:\n%s", bad, d)
		}
	}
}

// The history window opens over the finished tasks.
func TestHistoryWindowOpens(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/a.txt", "/d/b.txt")
	e.set(1, func(s *uploader.Snapshot) { s.State = uploader.Done })
	w.tick()
	w.history.showHistory()
	var found bool
	for _, win := range w.app.Driver().AllWindows() {
		if win.Title() == "CosDrop history" {
			found = true
			if !strings.Contains(test.RenderToMarkup(win.Canvas()), "a.txt") {
				t.Error("history lacks the finished task")
			}
			if strings.Contains(test.RenderToMarkup(win.Canvas()), "b.txt") {
				t.Error("history shows an unfinished task")
			}
			win.Close()
		}
	}
	if !found {
		t.Fatal("no history window")
	}
}

// Issue 21, finding 8: an STS profile's diagnostics have no empty
// "SecretId:" line (support read it as a missing key).
func TestDiagnosticsShowOnlyTheModesFields(t *testing.T) {
	var b strings.Builder
	diagnoseProfile(&b, profile.Profile{Name: "Team", Mode: profile.ModeSTS, Bucket: "b-1250000000", Region: "ap-guangzhou",
		CredentialURL: "https://sts.example.com/x"})
	if strings.Contains(b.String(), "SecretId") || !strings.Contains(b.String(), "Credential URL: https://sts.example.com/x") {
		t.Errorf("diagnostics:\n%s", b.String())
	}
}
