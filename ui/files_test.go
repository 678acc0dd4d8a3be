package ui

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// checklistWidgets finds the checklist's controls in the top dialog.
func checklistWidgets(t *testing.T, c fyne.Canvas) (checks map[string]*widget.Check, buttons map[string]*widget.Button) {
	t.Helper()
	over := c.Overlays().Top()
	if over == nil {
		t.Fatal("no dialog")
	}
	checks, buttons = map[string]*widget.Check{}, map[string]*widget.Button{}
	for _, o := range test.LaidOutObjects(over) {
		switch x := o.(type) {
		case *widget.Check:
			if x.Visible() {
				checks[x.Text] = x
			}
		case *widget.Button:
			buttons[x.Text] = x
		}
	}
	return checks, buttons
}

func enginePaths(e *scriptEngine) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, s := range e.tasks {
		out = append(out, s.Path)
	}
	slices.Sort(out)
	return out
}

// After a file is picked, its folder's files are offered with checkboxes,
// the picked one ticked; ticking another adds both in one batch. Hidden
// files and subfolders are not offered.
func TestAddFilesOffersTheFolder(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	w.async = func(f func()) { f() }
	dir := t.TempDir()
	for _, n := range []string{"a.jpg", "b.jpg", "报告.txt", ".hidden"} {
		writeFile(t, dir, n, 10)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	w.pickMore(filepath.Join(dir, "b.jpg"))
	checks, buttons := checklistWidgets(t, w.win.Canvas())
	for _, n := range []string{".hidden", "sub"} {
		if checks[n] != nil {
			t.Errorf("%s is offered", n)
		}
	}
	a, b, zh, all := checks["a.jpg"], checks["b.jpg"], checks["报告.txt"], checks["Select all"]
	if a == nil || b == nil || zh == nil || all == nil {
		t.Fatalf("checklist rows: %v", checks)
	}
	if a.Checked || !b.Checked || zh.Checked || all.Checked {
		t.Fatalf("initial ticks a=%v b=%v 报告=%v all=%v; want only the picked file", a.Checked, b.Checked, zh.Checked, all.Checked)
	}
	if buttons["Add 1 file"] == nil {
		t.Fatalf("buttons %v, want \"Add 1 file\"", buttons)
	}
	test.Tap(a)
	add := buttons["Add 1 file"]
	if add.Text != "Add 2 files" {
		t.Fatalf("after ticking a.jpg the button says %q", add.Text)
	}
	test.Tap(add)
	if got, want := enginePaths(e), []string{filepath.Join(dir, "a.jpg"), filepath.Join(dir, "b.jpg")}; !slices.Equal(got, want) {
		t.Fatalf("engine got %v, want %v", got, want)
	}
	if len(e.calls) != 1 {
		t.Errorf("engine calls %v, want one add (one batch)", e.calls)
	}
	if o := w.win.Canvas().Overlays().Top(); o != nil && o.Visible() {
		t.Error("the checklist stayed open")
	}
}

// "Select all" ticks every file, unticking all disables the button, and
// a folder holding only the picked file adds it without asking.
func TestAddFilesSelectAllAndSingleFile(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	w.async = func(f func()) { f() }
	dir := t.TempDir()
	for _, n := range []string{"1.txt", "2.txt", "3.txt"} {
		writeFile(t, dir, n, 10)
	}
	w.pickMore(filepath.Join(dir, "1.txt"))
	// The list may rebuild its rows on a refresh: look them up each time.
	c := w.win.Canvas()
	tap := func(name string) (map[string]*widget.Check, map[string]*widget.Button) {
		checks, _ := checklistWidgets(t, c)
		test.Tap(checks[name])
		return checklistWidgets(t, c)
	}
	_, buttons := checklistWidgets(t, c)
	add := buttons["Add 1 file"]
	checks, _ := tap("Select all")
	if add.Text != "Add 3 files" || !checks["3.txt"].Checked {
		t.Fatalf("after Select all: %q, 3.txt ticked %v", add.Text, checks["3.txt"].Checked)
	}
	tap("Select all")
	if !add.Disabled() {
		t.Fatalf("nothing ticked but %q is enabled", add.Text)
	}
	checks, _ = tap("2.txt")
	if checks["Select all"].Checked || add.Disabled() || !checks["2.txt"].Checked {
		t.Fatal("one of three ticked: Select all should be off and the button enabled")
	}
	test.Tap(buttons["Cancel"])
	if len(e.calls) != 0 {
		t.Fatalf("Cancel added files: %v", e.calls)
	}

	lone := t.TempDir()
	p := writeFile(t, lone, "only.pdf", 10)
	w.pickMore(p)
	if got := enginePaths(e); !slices.Equal(got, []string{p}) {
		t.Fatalf("single file: engine got %v", got)
	}
}
