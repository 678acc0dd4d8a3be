package ui

import (
	"math"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// rowActions is what a row's buttons do. The row knows its task only by
// ID; the handler looks the task up again, so a recycled row can never act
// on the task it showed before.
type rowActions interface {
	toggle(id uploader.TaskID)
	cancel(id uploader.TaskID)
	retry(id uploader.TaskID)
	remove(id uploader.TaskID)
	details(id uploader.TaskID)
	// choose selects the task's row: the row takes taps itself because it
	// also takes double taps, and the driver gives a click to the deepest
	// object that wants either.
	choose(id uploader.TaskID)
}

// keyChars is how many characters of a destination key a row shows.
const keyChars = 56

// taskRow is the list's row template. UpdateItem (or a tick) calls set
// with a snapshot; the row keeps nothing else from the engine.
type taskRow struct {
	widget.BaseWidget
	id      uploader.TaskID
	state   uploader.State
	actions rowActions

	icon     *widget.Icon
	name     *widget.Label
	key      *widget.Label
	size     *widget.Label
	bar      *widget.ProgressBar
	speed    *widget.Label
	note     *widget.Label // replaces the bar when the task failed
	speedBox *fyne.Container
	progress *fyne.Container // bar or failure note, and the speed box
	status   *widget.Label
	toggleB  *tipButton
	cancelB  *tipButton
	retryB   *tipButton
	removeB  *tipButton
	detailB  *tipButton
}

func newTaskRow(a rowActions) *taskRow {
	r := &taskRow{actions: a}
	r.icon = widget.NewIcon(theme.FileIcon())
	r.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.key = widget.NewLabel("")
	r.key.Truncation = fyne.TextTruncateEllipsis
	r.key.SizeName = theme.SizeNameCaptionText
	r.size = widget.NewLabel("")
	r.speed = widget.NewLabel("")
	r.speed.SizeName = theme.SizeNameCaptionText
	r.status = widget.NewLabel("")
	r.status.Alignment = fyne.TextAlignTrailing
	r.status.Truncation = fyne.TextTruncateEllipsis
	r.size.Alignment = fyne.TextAlignTrailing
	r.note = widget.NewLabel("")
	r.note.Truncation = fyne.TextTruncateEllipsis
	r.note.Importance = widget.DangerImportance
	r.note.SizeName = theme.SizeNameCaptionText
	r.note.Hide()
	r.bar = widget.NewProgressBar()
	r.speedBox = container.NewGridWrap(fyne.NewSize(180, r.speed.MinSize().Height), r.speed)
	act := func(f func(uploader.TaskID)) func() {
		return func() {
			if r.id != 0 {
				f(r.id)
			}
		}
	}
	r.toggleB = newTipButton(theme.MediaPauseIcon(), T("Pause"), act(a.toggle))
	r.cancelB = newTipButton(theme.CancelIcon(), T("Cancel"), act(a.cancel))
	r.retryB = newTipButton(theme.ViewRefreshIcon(), T("Try again"), act(a.retry))
	r.removeB = newTipButton(theme.DeleteIcon(), T("Remove from list"), act(a.remove))
	r.detailB = newTipButton(theme.InfoIcon(), T("Details"), act(a.details))
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out in two lines: what (name, state, size)
// and where/how far (key, progress, speed and time left).
func (r *taskRow) CreateRenderer() fyne.WidgetRenderer {
	// Fixed-width columns: a label's text changes on every tick, and a
	// fixed box needs no relayout of the row when it does.
	h := r.name.MinSize().Height
	status := container.NewGridWrap(fyne.NewSize(170, h), r.status)
	size := container.NewGridWrap(fyne.NewSize(90, h), r.size)
	speed := r.speedBox
	line1 := container.NewBorder(nil, nil, nil, container.NewHBox(status, size), r.name)
	r.progress = container.NewBorder(nil, nil, nil, speed, container.NewStack(r.bar, r.note))
	line2 := container.NewGridWithColumns(2, r.key, r.progress)
	buttons := container.NewHBox(r.toggleB, r.cancelB, r.retryB, r.removeB, r.detailB)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, container.NewCenter(r.icon), buttons,
		container.NewVBox(line1, line2)))
}

// Tapped selects the row.
func (r *taskRow) Tapped(*fyne.PointEvent) {
	if r.id != 0 {
		r.actions.choose(r.id)
	}
}

// DoubleTapped opens the details panel.
func (r *taskRow) DoubleTapped(*fyne.PointEvent) {
	if r.id != 0 {
		r.actions.details(r.id)
	}
}

// set shows s. It touches only the widgets whose content changed, so a
// progress tick repaints a bar and a label, not the whole row.
func (r *taskRow) set(s uploader.Snapshot) {
	r.id = s.ID
	name := filepath.Base(s.Path)
	r.icon.SetResource(fileIcon(name))
	setText(r.name, name)
	setText(r.key, elideMiddle(s.Key, keyChars))
	setText(r.size, humanBytes(s.Size))
	frac := 0.0
	switch {
	case s.State == uploader.Done || s.State == uploader.Skipped:
		frac = 1
	case s.Size > 0:
		frac = math.Min(1, float64(s.Acked)/float64(s.Size))
	}
	if r.bar.Value != frac {
		r.bar.SetValue(frac)
	}
	setText(r.status, stateText(s.State))
	detail := rowDetail(s)
	if failed := s.State == uploader.Failed; failed != r.note.Visible() && r.progress != nil {
		defer r.progress.Refresh() // the speed box's space goes to the note, or back
	}
	if s.State == uploader.Failed {
		setText(r.note, detail)
		setText(r.speed, "")
		r.note.Show()
		r.bar.Hide()
		r.speedBox.Hide()
	} else {
		setText(r.speed, detail)
		r.note.Hide()
		r.bar.Show()
		r.speedBox.Show()
	}
	if s.State != r.state {
		r.state = s.State
		r.showButtons(s.State)
	}
}

// rowDetail is the second-line text: speed and time left while moving, the
// reason when failed, the engine's note otherwise.
func rowDetail(s uploader.Snapshot) string {
	switch s.State {
	case uploader.Uploading:
		parts := []string{}
		if sp := humanSpeed(s.Speed); sp != "" {
			parts = append(parts, sp)
		}
		if left := humanDuration(s.ETA); left != "" {
			parts = append(parts, T("{{.Time}} left", map[string]any{"Time": left}))
		}
		return strings.Join(parts, " · ")
	case uploader.Failed:
		if s.LastErr != nil {
			return firstSentence(Explain(*s.LastErr))
		}
	case uploader.Paused, uploader.Queued:
		if s.Acked > 0 && s.Size > 0 {
			return T("{{.Done}} of {{.Total}}", map[string]any{"Done": humanBytes(s.Acked), "Total": humanBytes(s.Size)})
		}
	}
	return ""
}

func firstSentence(s string) string {
	cut := len(s)
	for _, sep := range []string{". ", "。"} {
		if i := strings.Index(s, sep); i > 0 && i+len(sep) < cut {
			cut = i + len(strings.TrimSpace(sep))
		}
	}
	return s[:cut]
}

func (r *taskRow) showButtons(s uploader.State) {
	show := func(b *tipButton, on bool) {
		if on {
			b.Show()
		} else {
			b.Hide()
		}
	}
	active := !s.Final()
	if s == uploader.Paused {
		r.toggleB.setTip(theme.MediaPlayIcon(), T("Resume"))
	} else {
		r.toggleB.setTip(theme.MediaPauseIcon(), T("Pause"))
	}
	show(r.toggleB, active && s != uploader.Completing && s != uploader.Verifying)
	show(r.cancelB, active)
	show(r.retryB, s == uploader.Failed || s == uploader.Canceled)
	show(r.removeB, !active)
}

func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}
