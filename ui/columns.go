package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// columns lays objects out left to right in fixed widths; a width of -1
// takes what is left (one column at most). Every object gets the row's
// full height, so labels of different columns share a baseline.
type columns struct {
	widths []float32
}

func (c *columns) gap() float32 { return theme.Padding() }

// Layout places the objects.
func (c *columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	fixed, flex := float32(0), -1
	for i, w := range c.widths {
		if w < 0 {
			flex = i
			continue
		}
		fixed += w
	}
	fixed += c.gap() * float32(len(c.widths)-1)
	x := float32(0)
	for i, o := range objs {
		if i >= len(c.widths) {
			o.Hide()
			continue
		}
		w := c.widths[i]
		if i == flex {
			w = max(0, size.Width-fixed)
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + c.gap()
	}
}

// MinSize is the fixed columns' width (the flexible one may shrink to a
// few characters) and the tallest object.
func (c *columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w, h := float32(0), float32(0)
	for i, o := range objs {
		if i >= len(c.widths) {
			break
		}
		if c.widths[i] < 0 {
			w += 60
		} else {
			w += c.widths[i]
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w+c.gap()*float32(max(0, len(c.widths)-1)), h)
}

// fixedBar keeps a progress bar slim and vertically centred in its cell.
func fixedBar(b *widget.ProgressBar) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(colBar, 10), b)
}

// compactTheme is the current theme with tighter inner padding and a
// thinner progress bar, for the list's rows only. It reads the app's theme
// at every call, so light and dark (and a theme change) apply as usual.
type compactTheme struct{}

func (compactTheme) base() fyne.Theme {
	if a := fyne.CurrentApp(); a != nil {
		return a.Settings().Theme()
	}
	return theme.DefaultTheme()
}

func (t compactTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.base().Color(n, v)
}
func (t compactTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base().Font(s) }
func (t compactTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base().Icon(n) }
func (t compactTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameInnerPadding:
		return 4
	case theme.SizeNamePadding:
		return 2
	}
	return t.base().Size(n)
}
