package ui

import (
	"flag"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/test"

	"cosdrop/uploader"
)

var updateLook = flag.Bool("update-look", false, "rewrite ui/testdata/row/look.txt from the rows drawn now")

// What a row draws, in every state, fresh and recycled from another
// state, is what ui/testdata/row/look.txt records: every text, icon and
// rectangle the painter draws, at its place in the window. The file was
// written by the rows that had a compact theme override each (commit
// 87ce6a3), laid out again after set as the GL driver does each frame
// (with the override's 2-pixel gaps), so rows built without an override
// look as they did, to the pixel: the software painter's images of every
// case were identical too. Markup masters (row/*.xml) record the widget
// tree as well, which that change had to alter.
func TestRowLookUnchanged(t *testing.T) {
	var b strings.Builder
	for _, c := range rowLookCases() {
		fmt.Fprintf(&b, "== %s\n", c.name)
		b.WriteString(drawnRow(t, c.from, c.to))
	}
	path := filepath.Join("testdata", "row", "look.txt")
	if *updateLook {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		failed := filepath.Join("testdata", "failed", "row-look.txt")
		_ = os.MkdirAll(filepath.Dir(failed), 0o755)
		_ = os.WriteFile(failed, []byte(got), 0o644)
		t.Fatalf("the rows draw otherwise than %s (see %s)", path, failed)
	}
}

type rowLookCase struct {
	name     string
	from, to *uploader.Snapshot // from: what the recycled row showed before (nil: a fresh row)
}

// rowLookCases are the states of TestRowRendersEachState, each on a
// fresh row and on a row that showed an upload before, plus an upload on
// a row that showed a failure and a file with a Chinese name.
func rowLookCases() []rowLookCase {
	base := uploader.Snapshot{ID: 7, Path: "/home/li/Pictures/holiday photo.jpg",
		Key:  "uploads/2026/11/some/long/folder/structure/that/needs/eliding/holiday photo.jpg",
		Size: 8 << 20, Created: time.Unix(1700000000, 0)}
	with := func(f func(s *uploader.Snapshot)) *uploader.Snapshot {
		s := base
		f(&s)
		return &s
	}
	uploading := with(func(s *uploader.Snapshot) {
		s.State, s.Acked, s.Speed, s.ETA = uploader.Uploading, 2<<20, 1.5*(1<<20), 4*time.Second
	})
	failed := with(func(s *uploader.Snapshot) {
		s.State = uploader.Failed
		s.LastErr = &uploader.TaskError{Code: "SignatureDoesNotMatch", HTTPStatus: 403, RequestID: "NjQ1"}
	})
	states := []struct {
		name string
		s    *uploader.Snapshot
	}{
		{"queued", with(func(s *uploader.Snapshot) { s.State = uploader.Queued })},
		{"uploading", uploading},
		{"paused", with(func(s *uploader.Snapshot) { s.State, s.Acked = uploader.Paused, 4<<20 })},
		{"verifying", with(func(s *uploader.Snapshot) { s.State, s.Acked = uploader.Verifying, 8<<20 })},
		{"done", with(func(s *uploader.Snapshot) { s.State, s.Acked = uploader.Done, 8<<20 })},
		{"done-verified", with(func(s *uploader.Snapshot) { s.State, s.Acked, s.Verified = uploader.Done, 8<<20, true })},
		{"failed", failed},
		{"canceled", with(func(s *uploader.Snapshot) { s.State, s.Acked = uploader.Canceled, 1<<20 })},
		{"skipped", with(func(s *uploader.Snapshot) {
			s.State, s.Note = uploader.Skipped, uploader.Note{Code: uploader.NoteSkippedIdentical}
		})},
		{"excluded-folder", with(func(s *uploader.Snapshot) {
			s.Path, s.State = "/home/li/project/node_modules", uploader.Skipped
			s.Note = uploader.Note{Code: uploader.NoteExcluded, Args: map[string]string{"pattern": "node_modules/", "rel": "node_modules/"}}
		})},
		{"chinese-name", with(func(s *uploader.Snapshot) {
			s.Path, s.Key, s.State, s.Acked = "/home/li/图片/假期 照片.jpg", "uploads/图片/假期 照片.jpg", uploader.Uploading, 1<<20
		})},
	}
	var cases []rowLookCase
	for _, st := range states {
		cases = append(cases, rowLookCase{name: st.name, to: st.s})
	}
	for _, st := range states {
		cases = append(cases, rowLookCase{name: "uploading then " + st.name, from: uploading, to: st.s})
	}
	return append(cases, rowLookCase{name: "failed then uploading", from: failed, to: uploading})
}

// drawnRow lists what one row draws in a 1000-pixel-wide window.
func drawnRow(t *testing.T, from, to *uploader.Snapshot) string {
	t.Helper()
	test.NewTempApp(t)
	row := newTaskRow(nopActions{})
	w := test.NewTempWindow(t, row)
	w.Resize(fyne.NewSize(1000, row.MinSize().Height+8))
	if from != nil {
		row.set(*from)
	}
	row.set(*to)
	var b strings.Builder
	drawn(&b, w.Canvas().Content(), fyne.Position{})
	return b.String()
}

// drawn writes one line for each visible object the painter draws below
// o: its kind, place in the window, size and what it shows.
func drawn(b *strings.Builder, o fyne.CanvasObject, at fyne.Position) {
	if !o.Visible() {
		return
	}
	at = at.Add(o.Position())
	place := fmt.Sprintf("%g,%g %gx%g", at.X, at.Y, o.Size().Width, o.Size().Height)
	switch o := o.(type) {
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(o).Objects() {
			drawn(b, c, at)
		}
	case *fyne.Container:
		for _, c := range o.Objects {
			drawn(b, c, at)
		}
	case layout.SpacerObject:
		// lays out, draws nothing
	case *canvas.Text:
		fmt.Fprintf(b, "text %s %q %s size=%g style=%+v align=%d\n", place, o.Text, hexColor(o.Color), o.TextSize, o.TextStyle, o.Alignment)
	case *canvas.Image:
		name := ""
		if o.Resource != nil {
			name = o.Resource.Name()
		}
		fmt.Fprintf(b, "image %s %s fill=%d\n", place, name, o.FillMode)
	case *canvas.Rectangle:
		fmt.Fprintf(b, "rect %s fill=%s stroke=%s/%g radius=%g\n", place, hexColor(o.FillColor), hexColor(o.StrokeColor), o.StrokeWidth, o.CornerRadius)
	default:
		fmt.Fprintf(b, "%T %s\n", o, place)
	}
}

func hexColor(c color.Color) string {
	if c == nil {
		return "none"
	}
	r, g, bl, a := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x%02x", r>>8, g>>8, bl>>8, a>>8)
}
