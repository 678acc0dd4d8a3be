package ui

import (
	"fmt"
	"reflect"
	"testing"

	"fyne.io/fyne/v2/test"
)

// boundRowNames returns the names the list's visible rows show.
func boundRowNames(w *mainWindow) []string {
	var out []string
	for id, r := range w.list.queue.rows {
		if r.id == id && r.Visible() && r.name.Text != "" {
			out = append(out, r.name.Text)
		}
	}
	return out
}

// Finding 7 (issue #12): after a search that matched nothing (or a few
// rows, scrolled), clearing the search box left the list blank until it
// was scrolled. The rows must show at once.
func TestListShowsRowsAfterClearingSearch(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	paths := make([]string, 80)
	for i := range paths {
		paths[i] = fmt.Sprintf("/d/%c-file%02d.txt", "ab"[i%2], i)
	}
	e.Add(paths...)
	w.tick()
	for _, query := range []string{"nothing-matches", "file7", "a-"} {
		w.list.queue.list.ScrollToBottom()
		test.Type(w.bar.search, query)
		w.tick()
		w.bar.search.SetText("")
		w.tick()
		if len(w.list.queue.view) != 80 {
			t.Fatalf("%q cleared: view has %d rows", query, len(w.list.queue.view))
		}
		off := listScrollOffset(t, w)
		if lo := w.list.queue.list.GetScrollOffset(); lo != off {
			t.Fatalf("%q cleared: the list lays its rows out for offset %.0f, but its scroller shows offset %.0f: the rows are off screen (blank list)", query, lo, off)
		}
		if off != 0 {
			t.Fatalf("%q cleared: the list stayed scrolled to %.0f px; a new filter shows its rows from the top", query, off)
		}
		if got := boundRowNames(w); len(got) < 5 {
			t.Fatalf("%q cleared: the list shows %d rows %v; want a screenful", query, len(got), got)
		}
		if w.list.queue.hint.Visible() {
			t.Fatalf("%q cleared: the empty-list hint still covers the list", query)
		}
	}
}

// listScrollOffset is where the list's scroller is (its Offset field:
// the scroller is internal to Fyne, so a test reads it by reflection).
func listScrollOffset(t *testing.T, w *mainWindow) float32 {
	t.Helper()
	for _, o := range test.WidgetRenderer(w.list.queue.list).Objects() {
		v := reflect.ValueOf(o)
		if v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
			if f := v.Elem().FieldByName("Offset"); f.IsValid() {
				return float32(f.FieldByName("Y").Float())
			}
		}
	}
	t.Fatal("no scroller in the list")
	return 0
}
