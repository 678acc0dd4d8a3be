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

// rowSizeKey is what an empty row's size depends on: the theme's text
// size, inner padding and icon size (rowRenderer.MinSize).
type rowSizeKey struct{ text, inner, icon float32 }

// MinSize of a row that shows no task is measured once. widget.List makes
// a throwaway row on every Refresh to learn the rows' height (Fyne 2.7.1,
// listRenderer.Refresh), and each new row order during a drop refreshes
// the list: measuring that row would build its renderer and measure its
// labels' text each time, for a row never shown. A row showing a task
// measures itself as usual.
func (r *taskRow) MinSize() fyne.Size {
	if r.id != 0 {
		return r.BaseWidget.MinSize()
	}
	k := rowSizeKey{theme.TextSize(), theme.InnerPadding(), theme.IconInlineSize()}
	if emptyRowSize.key != k || emptyRowSize.size.IsZero() {
		emptyRowSize.key, emptyRowSize.size = k, r.BaseWidget.MinSize()
	}
	return emptyRowSize.size
}
