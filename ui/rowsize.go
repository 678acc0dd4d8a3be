package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// emptyRowSize is the size of a row that shows no task yet, measured once
// for the sizes of the theme in force (rowSizeKey).
var emptyRowSize struct {
	key  rowSizeKey
	size fyne.Size
}

// rowSizeKey is what an empty row's size depends on: the theme's text size
// and paddings.
type rowSizeKey struct{ text, pad, inner float32 }

// MinSize of a row that shows no task is measured once. widget.List makes
// a throwaway row on every Refresh to learn the rows' height (Fyne 2.7.1,
// listRenderer.Refresh), and measuring one builds its renderer, whose
// compact theme (container.NewThemeOverride, row.go) clears Fyne's cached
// icons and text sizes for the whole app and makes the row's text parse
// its fonts again. Each new row order during a drop refreshes the list,
// so that cost came on every tick of a walk (BenchmarkDrop2000's next-ms).
// A row showing a task measures itself as usual.
func (r *taskRow) MinSize() fyne.Size {
	if r.id != 0 {
		return r.BaseWidget.MinSize()
	}
	k := rowSizeKey{theme.TextSize(), theme.Padding(), theme.InnerPadding()}
	if emptyRowSize.key != k || emptyRowSize.size.IsZero() {
		emptyRowSize.key, emptyRowSize.size = k, r.BaseWidget.MinSize()
	}
	return emptyRowSize.size
}
