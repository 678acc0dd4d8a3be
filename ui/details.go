package ui

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// presignChoices are the lifetimes offered for shareable links.
func presignChoices() []struct {
	label string
	d     time.Duration
} {
	return []struct {
		label string
		d     time.Duration
	}{
		{T("Copy link valid 1 hour"), time.Hour},
		{T("Copy link valid 24 hours"), 24 * time.Hour},
		{T("Copy link valid 7 days"), 7 * 24 * time.Hour},
	}
}

// detailsContent builds the details panel for one task: where it came
// from and went, its checksums, and every error in plain words with the
// request ID support needs.
func detailsContent(w *mainWindow, s uploader.Snapshot) fyne.CanvasObject {
	copyRow := func(value string) fyne.CanvasObject {
		l := widget.NewLabel(value)
		l.Wrapping = fyne.TextWrapBreak
		b := newTipButton(theme.ContentCopyIcon(), T("Copy"), func() { w.copyText(value) })
		return container.NewBorder(nil, nil, nil, b, l)
	}
	form := widget.NewForm()
	form.Append(T("State"), widget.NewLabel(stateText(s.State)))
	form.Append(T("Local file"), copyRow(s.Path))
	if s.Key != "" {
		form.Append(T("Object key"), copyRow(s.Key))
		if u := w.sess.objectURL(s.Key); u != "" {
			form.Append(T("Address"), copyRow(u))
		}
	}
	if s.State == uploader.Done && w.sess.canPresign && w.sess.sandbox {
		// The Sandbox's server lives in this process, on a port chosen at
		// start: a link stops working when CosDrop quits, whatever its
		// signature says, so no "7 days" is offered.
		link := widget.NewButtonWithIcon(T("Copy link"), theme.ContentCopyIcon(), func() { w.copyPresigned(s.ID, time.Hour) })
		why := widget.NewLabel(T("Sandbox links work on this computer only, while CosDrop is running."))
		why.Wrapping = fyne.TextWrapWord
		why.SizeName = theme.SizeNameCaptionText
		form.Append(T("Share"), container.NewVBox(container.NewHBox(link), why))
	} else if s.State == uploader.Done && w.sess.canPresign {
		var links []fyne.CanvasObject
		for _, c := range presignChoices() {
			links = append(links, widget.NewButtonWithIcon(c.label, theme.ContentCopyIcon(), func() { w.copyPresigned(s.ID, c.d) }))
		}
		form.Append(T("Share"), container.NewHBox(links...))
	}
	form.Append(T("Size"), widget.NewLabel(fmt.Sprintf("%s (%d bytes)", humanBytes(s.Size), s.Size)))
	if s.CRC64 != 0 {
		form.Append("CRC64", copyRow(strconv.FormatUint(s.CRC64, 10)))
	}
	if s.ETag != "" {
		form.Append("ETag", copyRow(s.ETag))
	}
	form.Append(T("Attempts"), widget.NewLabel(strconv.Itoa(s.Attempts)))
	if len(s.RequestIDs) > 0 {
		form.Append(T("Request IDs"), copyRow(joinLines(s.RequestIDs)))
	}
	if s.Note != "" {
		note := widget.NewLabel(s.Note)
		note.Wrapping = fyne.TextWrapWord
		form.Append(T("Note"), note)
	}
	items := []fyne.CanvasObject{form}
	if len(s.Errors) > 0 {
		items = append(items, widget.NewLabelWithStyle(T("Problems"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, e := range s.Errors {
			items = append(items, errorCard(w, e))
		}
	}
	items = append(items, widget.NewLabelWithStyle(T("Timeline"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, ev := range timeline(s) {
		items = append(items, widget.NewLabel(ev.at.Local().Format("2006-01-02 15:04:05")+"  "+ev.what))
	}
	return container.NewVScroll(container.NewVBox(items...))
}

// errorCard shows one error: the explanation first, then the facts.
func errorCard(w *mainWindow, e uploader.TaskError) fyne.CanvasObject {
	explain := widget.NewLabel(Explain(e))
	explain.Wrapping = fyne.TextWrapWord
	facts := e.Op
	if e.Code != "" {
		facts += " · " + e.Code
	}
	if e.HTTPStatus != 0 {
		facts += " · HTTP " + strconv.Itoa(e.HTTPStatus)
	}
	factsL := widget.NewLabel(facts)
	factsL.SizeName = theme.SizeNameCaptionText
	box := container.NewVBox(explain, factsL)
	if e.RequestID != "" {
		rid := widget.NewLabel(T("Request ID: {{.ID}}", map[string]any{"ID": e.RequestID}))
		rid.SizeName = theme.SizeNameCaptionText
		box.Add(container.NewBorder(nil, nil, nil,
			newTipButton(theme.ContentCopyIcon(), T("Copy"), func() { w.copyText(e.RequestID) }), rid))
	}
	return widget.NewCard("", e.Time.Local().Format("15:04:05"), box)
}

type moment struct {
	at   time.Time
	what string
}

// timeline lists what happened to a task, oldest first.
func timeline(s uploader.Snapshot) []moment {
	var out []moment
	add := func(t time.Time, what string) {
		if !t.IsZero() {
			out = append(out, moment{t, what})
		}
	}
	add(s.Created, T("Added to the queue"))
	add(s.Started, T("Upload started"))
	for _, e := range s.Errors {
		add(e.Time, T("Problem: {{.Code}}", map[string]any{"Code": firstNonEmpty(e.Code, e.Op)}))
	}
	if s.State.Final() {
		add(s.Finished, stateText(s.State))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func joinLines(s []string) string { return strings.Join(s, "\n") }

// showDetails opens the details panel of one task.
func showDetails(w *mainWindow, s uploader.Snapshot) {
	d := dialog.NewCustom(T("Details"), T("Close"), detailsContent(w, s), w.win)
	d.Resize(fyne.NewSize(720, 560))
	w.present(d)
}

// copyText puts plain text on the clipboard. Only values the user can
// see go there: paths, keys, URLs, IDs — never a secret.
func (w *mainWindow) copyText(s string) {
	w.app.Clipboard().SetContent(s)
}

// copyPresigned asks the engine for a signed GET link off the Fyne
// goroutine and copies it. The link is what the user asked to share.
func (w *mainWindow) copyPresigned(id uploader.TaskID, d time.Duration) {
	ref := w.cur.Load()
	if ref == nil {
		return
	}
	go func() {
		u, err := ref.e.PresignedURL(id, d)
		fyne.Do(func() {
			if err != nil {
				w.showError(fmt.Errorf("%s: %w", T("This profile cannot make shareable links"), err))
				return
			}
			w.copyText(u)
			w.flash(T("Link copied"))
		})
	}()
}
