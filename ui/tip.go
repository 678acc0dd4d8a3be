package ui

import (
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
	pop     *widget.PopUp
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

func (b *tipButton) showTip() {
	if !b.hovered || b.tip == "" || !b.Visible() {
		return
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c == nil {
		return
	}
	b.hideTip()
	text := canvas.NewText(b.tip, theme.Color(theme.ColorNameForeground))
	text.TextSize = theme.CaptionTextSize()
	b.pop = widget.NewPopUp(container.NewPadded(text), c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
	pos = pos.Add(fyne.NewPos(0, b.Size().Height+2))
	if w := c.Size().Width; pos.X+b.pop.MinSize().Width > w {
		pos.X = w - b.pop.MinSize().Width
	}
	b.pop.ShowAtPosition(pos)
}

func (b *tipButton) hideTip() {
	if b.pop != nil {
		b.pop.Hide()
		b.pop = nil
	}
}
