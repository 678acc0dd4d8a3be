package ui

import (
	"math"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
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

// Column widths of the one-line row, shared by every row so the columns
// line up down the list, whatever the state (a done row's bar sits where
// an active row's does).
const (
	colDest   = 200 // destination folder
	colState  = 96
	colBar    = 130
	colSpeed  = 150 // speed and time left, or "x of y" when paused
	colSize   = 84
	colButton = 3 // button slots: at most three show at once
)

// taskRow is the list's row template. UpdateItem (or a tick) calls set
// with a snapshot; the row keeps nothing else from the engine.
type taskRow struct {
	widget.BaseWidget
	id      uploader.TaskID
	state   uploader.State
	actions rowActions

	icon    *widget.Icon
	name    *widget.Label
	dest    *widget.Label // the destination folder: the key's file name can change on a rename, its folder does not
	size    *widget.Label
	bar     *widget.ProgressBar
	speed   *widget.Label
	note    *widget.Label // the failure's reason and advice, in place of bar and speed
	status  *widget.Label
	toggleB *tipButton
	cancelB *tipButton
	retryB  *tipButton
	removeB *tipButton
	detailB *tipButton
	linkB   *tipButton   // "Copy link", on a verified done row (links.go)
	buttons []*tipButton // the ones above, left to right

	look *rowRenderer // nil until the row is first drawn or measured
}

func newTaskRow(a rowActions) *taskRow {
	r := &taskRow{actions: a}
	r.icon = widget.NewIcon(theme.FileIcon())
	r.name = widget.NewLabel("")
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.dest = widget.NewLabel("")
	r.dest.Truncation = fyne.TextTruncateEllipsis
	r.dest.Importance = widget.LowImportance
	r.size = widget.NewLabel("")
	r.size.Alignment = fyne.TextAlignTrailing
	r.speed = widget.NewLabel("")
	r.speed.Truncation = fyne.TextTruncateEllipsis
	r.status = widget.NewLabel("")
	r.status.Truncation = fyne.TextTruncateEllipsis
	r.note = widget.NewLabel("")
	r.note.Truncation = fyne.TextTruncateEllipsis
	r.note.Importance = widget.DangerImportance
	r.note.Hide()
	r.bar = widget.NewProgressBar()
	r.bar.TextFormatter = func() string { return "" } // the percentage is in the speed column's words
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
	r.linkB = newLinkButton(a, act)
	r.buttons = []*tipButton{r.toggleB, r.cancelB, r.retryB, r.linkB, r.removeB, r.detailB}
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out on one line of fixed columns
// (rowlayout.go).
func (r *taskRow) CreateRenderer() fyne.WidgetRenderer {
	r.look = newRowRenderer(r)
	return r.look
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
	icon := fileIcon(name)
	if isFolderEntry(s) {
		icon = theme.FolderIcon()
	}
	if r.icon.Resource != icon {
		r.icon.SetResource(icon)
	}
	setText(r.name, name)
	setText(r.dest, destFolder(s.Key))
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
	setText(r.status, taskStateText(s))
	if imp := verifyImportance(s); r.status.Importance != imp {
		r.status.Importance = imp
		r.status.Refresh()
	}
	detail := rowDetail(s)
	switch {
	case s.State == uploader.Failed:
		setText(r.note, detail)
		setText(r.speed, "")
		r.note.Show()
		r.bar.Hide()
		r.speed.Hide()
	case leftOut(s):
		// Nothing was sent: a full bar read as an upload (issue 21,
		// finding 8).
		setText(r.speed, detail)
		r.note.Hide()
		r.bar.Hide()
		r.speed.Show()
	default:
		setText(r.speed, detail)
		r.note.Hide()
		r.bar.Show()
		r.speed.Show()
	}
	if s.State != r.state {
		r.state = s.State
		r.showButtons(s.State)
	}
	showLinkButton(r.linkB, s)
	if r.look != nil {
		r.look.buttonsChanged()
	}
}

// leftOut reports whether s is an entry of a drop that was never uploaded
// (excluded, not a file, an empty folder), as opposed to a file skipped
// because COS already held it.
func leftOut(s uploader.Snapshot) bool {
	return s.State == uploader.Skipped && s.Note.Code != uploader.NoteSkippedIdentical && s.Note.Code != uploader.NoteSkippedUncompared
}

// isFolderEntry reports whether s stands for a folder: an excluded one
// (its rule matched "name/"), an empty one, or one CosDrop would not
// enter (a link to a folder, its own state folder).
func isFolderEntry(s uploader.Snapshot) bool {
	switch s.Note.Code {
	case uploader.NoteEmptyFolder:
		return true
	case uploader.NoteExcluded:
		return strings.HasSuffix(s.Note.Args["rel"], "/")
	case uploader.NoteNotAFile:
		k := s.Note.Args["kind"]
		return k == uploader.KindSymlinkedFolder || k == uploader.KindStateFolder
	}
	return false
}

// destFolder is the folder part of a key, as the row's destination column
// shows it ("uploads/2026/" for "uploads/2026/a.jpg"; "/" for the
// bucket's root).
func destFolder(key string) string {
	if key == "" {
		return ""
	}
	i := strings.LastIndex(key, "/")
	if i < 0 {
		return "/"
	}
	return key[:i+1]
}

// rowDetail is the progress column's text: speed and time left while
// moving, the reason with its advice when failed, how far a paused task
// got.
func rowDetail(s uploader.Snapshot) string {
	switch s.State {
	case uploader.Uploading:
		if s.Note.Code == uploader.NoteWaitingCredentials {
			return noteText(s) // nothing moves until the credential server answers: say so, not "0 %" alone
		}
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
			return Explain(*s.LastErr) // the reason and what to do: a failed row is where the user looks
		}
	case uploader.Done:
		return doneDetail(s)
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
