package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"cosdrop/uploader"
)

type nopActions struct{}

func (nopActions) toggle(uploader.TaskID)  {}
func (nopActions) cancel(uploader.TaskID)  {}
func (nopActions) retry(uploader.TaskID)   {}
func (nopActions) remove(uploader.TaskID)  {}
func (nopActions) details(uploader.TaskID) {}
func (nopActions) choose(uploader.TaskID)  {}

// Each state renders its words, progress and the buttons that fit it.
func TestRowRendersEachState(t *testing.T) {
	test.NewTempApp(t)
	base := uploader.Snapshot{ID: 7, Path: "/home/li/Pictures/holiday photo.jpg",
		Key:  "uploads/2026/11/some/long/folder/structure/that/needs/eliding/holiday photo.jpg",
		Size: 8 << 20, Created: time.Unix(1700000000, 0)}
	cases := map[string]func(s *uploader.Snapshot){
		"queued": func(s *uploader.Snapshot) { s.State = uploader.Queued },
		"uploading": func(s *uploader.Snapshot) {
			s.State = uploader.Uploading
			s.Acked = 2 << 20
			s.Speed = 1.5 * (1 << 20)
			s.ETA = 4 * time.Second
		},
		"paused":    func(s *uploader.Snapshot) { s.State = uploader.Paused; s.Acked = 4 << 20 },
		"verifying": func(s *uploader.Snapshot) { s.State = uploader.Verifying; s.Acked = 8 << 20 },
		"done":      func(s *uploader.Snapshot) { s.State = uploader.Done; s.Acked = 8 << 20 },
		"failed": func(s *uploader.Snapshot) {
			s.State = uploader.Failed
			s.LastErr = &uploader.TaskError{Code: "SignatureDoesNotMatch", HTTPStatus: 403, RequestID: "NjQ1"}
		},
		"canceled": func(s *uploader.Snapshot) { s.State = uploader.Canceled; s.Acked = 1 << 20 },
		"skipped": func(s *uploader.Snapshot) {
			s.State, s.Note = uploader.Skipped, uploader.Note{Code: uploader.NoteSkippedIdentical}
		},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			s := base
			f(&s)
			row := newTaskRow(nopActions{})
			w := test.NewTempWindow(t, row)
			w.Resize(fyne.NewSize(1000, row.MinSize().Height+8))
			row.set(s)
			test.AssertRendersToMarkup(t, "row/"+name+".xml", w.Canvas())
		})
	}
}

// A recycled row forgets the task it showed: set with another task moves
// the buttons' target.
func TestRowRecyclingRetargetsButtons(t *testing.T) {
	test.NewTempApp(t)
	var got []uploader.TaskID
	row := newTaskRow(recordActions{&got})
	row.set(uploader.Snapshot{ID: 1, State: uploader.Uploading})
	row.set(uploader.Snapshot{ID: 2, State: uploader.Uploading})
	test.Tap(row.cancelB)
	if len(got) != 1 || got[0] != 2 {
		t.Fatalf("cancel went to %v, want [2]", got)
	}
}

type recordActions struct{ ids *[]uploader.TaskID }

func (r recordActions) toggle(uploader.TaskID)    {}
func (r recordActions) cancel(id uploader.TaskID) { *r.ids = append(*r.ids, id) }
func (r recordActions) retry(uploader.TaskID)     {}
func (r recordActions) remove(uploader.TaskID)    {}
func (r recordActions) details(uploader.TaskID)   {}
func (r recordActions) choose(uploader.TaskID)    {}

func TestFormatting(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{humanBytes(512), "512 B"},
		{humanBytes(1536), "1.5 KiB"},
		{humanBytes(8 << 20), "8.0 MiB"},
		{humanDuration(3*time.Minute + 10*time.Second), "3m 10s"},
		{humanDuration(2*time.Hour + 5*time.Minute), "2h 5m"},
		{elideMiddle("abcdefghijklmnopqrstuvwxyz", 11), "abcde…vwxyz"},
		{elideMiddle("短名字", 11), "短名字"},
		{firstSentence("First part. Second part."), "First part."},
		{firstSentence("第一句。第二句。"), "第一句。"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// The compact list (issue #12): one line per task, and a 640-pixel-high
// window shows at least twelve of them (six fitted before), with the
// Sandbox banner showing.
func TestCompactListFitsTwelveRows(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	w.banner.Show()
	w.win.Resize(fyne.NewSize(1000, 640))
	paths := make([]string, 30)
	for i := range paths {
		paths[i] = "/d/file" + string(rune('a'+i%26)) + ".txt"
	}
	e.Add(paths...)
	w.tick()
	rowH := w.list.queue.rowFor(1).Size().Height
	listH := w.list.queue.list.Size().Height
	fit := int((listH + theme.Padding()) / (rowH + theme.Padding()))
	if fit < 12 {
		t.Fatalf("%d rows of %.0f px fit in the %.0f px list; want 12 or more", fit, rowH, listH)
	}
	t.Logf("%d rows of %.0f px in %.0f px", fit, rowH, listH)
}

// Issue 21, finding 8: an entry that was never uploaded (an excluded
// folder) shows no progress bar, and a folder's icon.
func TestLeftOutFolderRow(t *testing.T) {
	test.NewTempApp(t)
	row := newTaskRow(nopActions{})
	test.NewTempWindow(t, row)
	row.set(uploader.Snapshot{ID: 1, Path: "/home/li/project/node_modules", State: uploader.Skipped,
		Note: uploader.Note{Code: uploader.NoteExcluded, Args: map[string]string{"pattern": "node_modules/", "rel": "node_modules/"}}})
	if row.bar.Visible() {
		t.Error("an excluded folder shows a progress bar")
	}
	if row.icon.Resource != theme.FolderIcon() {
		t.Errorf("icon %v, want the folder icon", row.icon.Resource)
	}
}
