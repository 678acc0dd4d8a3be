package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tipDelay is how long the pointer rests on a button before its tooltip
// shows, about what desktop toolkits use.
const tipDelay = 600 * time.Millisecond

// tipButton is an icon button with a tooltip: Fyne 2.7 has none built in,
// and an icon alone does not tell a first-time user what "⏸" does to an
// upload. The tooltip text doubles as the accessible name in markup tests.
type tipButton struct {
	widget.Button
	tip     string
	timer   *time.Timer
	hovered bool
	shown   *tipLayer // the layer showing this button's tip, if any
}

var _ desktop.Hoverable = (*tipButton)(nil)

func newTipButton(icon fyne.Resource, tip string, tapped func()) *tipButton {
	b := &tipButton{tip: tip}
	b.Icon = icon
	b.OnTapped = tapped
	b.Importance = widget.LowImportance
	b.ExtendBaseWidget(b)
	return b
}

// setTip changes the tooltip (a pause button becomes a resume button).
func (b *tipButton) setTip(icon fyne.Resource, tip string) {
	if b.tip == tip && b.Icon == icon {
		return
	}
	b.tip = tip
	b.SetIcon(icon)
}

// MouseIn starts the tooltip delay.
func (b *tipButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	b.hovered = true
	if b.timer != nil {
		b.timer.Stop()
	}
	b.timer = time.AfterFunc(tipDelay, func() { fyne.Do(b.showTip) })
}

// MouseOut hides the tooltip.
func (b *tipButton) MouseOut() {
	b.Button.MouseOut()
	b.hovered = false
	if b.timer != nil {
		b.timer.Stop()
	}
	b.hideTip()
}

// Tapped hides the tooltip and runs the action.
func (b *tipButton) Tapped(e *fyne.PointEvent) {
	b.hideTip()
	b.Button.Tapped(e)
}

// showTip shows the tooltip in its window's tip layer. The layer is part
// of the window's content, not an overlay: Fyne gives every click to the
// top overlay, so a pop-up tooltip swallowed the click meant for the
// button under it (issue #12, finding 6). Buttons inside dialogs (which
// are overlays) show no tooltip for the same reason.
func (b *tipButton) showTip() {
	if !b.hovered || b.tip == "" || !b.Visible() {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c == nil || c.Overlays().Top() != nil {
		return
	}
	layer := tipLayers[c]
	if layer == nil {
		return
	}
	d := fyne.CurrentApp().Driver()
	pos := d.AbsolutePositionForObject(b).Subtract(d.AbsolutePositionForObject(layer.box))
	pos = pos.Add(fyne.NewPos(0, b.Size().Height+2))
	layer.show(b.tip, pos)
	b.shown = layer
}

func (b *tipButton) hideTip() {
	if b.shown != nil {
		b.shown.hide()
		b.shown = nil
	}
}

// tipLayers maps a window's canvas to its tip layer (Fyne goroutine only).
var tipLayers = map[fyne.Canvas]*tipLayer{}

// tipLayer draws tooltips on top of a window's content, inside the content
// tree: nothing in it takes a click, so a click goes to what is under it.
type tipLayer struct {
	box  *fyne.Container
	bg   *canvas.Rectangle
	text *canvas.Text
}

// withTips returns content with a tooltip layer over it, for win.
func withTips(win fyne.Window, content fyne.CanvasObject) fyne.CanvasObject {
	l := &tipLayer{bg: canvas.NewRectangle(color.Transparent), text: canvas.NewText("", color.Black)}
	l.bg.CornerRadius = 4
	l.box = container.NewWithoutLayout(l.bg, l.text)
	l.bg.Hide()
	l.text.Hide()
	tipLayers[win.Canvas()] = l
	return container.NewStack(content, l.box)
}

func (l *tipLayer) show(tip string, pos fyne.Position) {
	pad := theme.Padding()
	l.text.Text = tip
	l.text.TextSize = theme.CaptionTextSize()
	l.text.Color = theme.Color(theme.ColorNameForeground)
	l.bg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	l.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	l.bg.StrokeWidth = 1
	size := l.text.MinSize().AddWidthHeight(2*pad, pad)
	if w := l.box.Size().Width; w > 0 && pos.X+size.Width > w {
		pos.X = max(0, w-size.Width)
	}
	if h := l.box.Size().Height; h > 0 && pos.Y+size.Height > h {
		pos.Y = max(0, pos.Y-size.Height-2*pad-theme.IconInlineSize())
	}
	l.bg.Move(pos)
	l.bg.Resize(size)
	l.text.Move(pos.Add(fyne.NewPos(pad, pad/2)))
	l.text.Resize(l.text.MinSize())
	l.bg.Show()
	l.text.Show()
	l.box.Refresh()
}

func (l *tipLayer) hide() {
	l.bg.Hide()
	l.text.Hide()
	l.box.Refresh()
}

// visibleTip is the tooltip text showing in win, "" when none (tests).
func visibleTip(win fyne.Window) string {
	if l := tipLayers[win.Canvas()]; l != nil && l.text.Visible() {
		return l.text.Text
	}
	return ""
}
