package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The size an empty row reports without building itself is the size it
// has once built, so the list's rows are as tall as before; a theme with
// other paddings is measured again.
func TestEmptyRowSizeIsTheBuiltSize(t *testing.T) {
	a := test.NewTempApp(t)
	emptyRowSize.size = fyne.Size{} // measured afresh under this app
	first := newTaskRow(nopActions{}).MinSize()
	built := newTaskRow(nopActions{})
	test.NewTempWindow(t, built)
	if got := built.BaseWidget.MinSize(); got != first {
		t.Fatalf("an empty row reports %v, built it measures %v", first, got)
	}
	a.Settings().SetTheme(test.Theme()) // other paddings and text size
	if got, want := newTaskRow(nopActions{}).MinSize(), newTaskRow(nopActions{}).BaseWidget.MinSize(); got != want {
		t.Errorf("after a theme change an empty row reports %v, built it measures %v", got, want)
	}
}
