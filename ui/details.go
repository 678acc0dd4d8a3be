package ui

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/session"
	"cosdrop/uploader"
)

// detailsContent builds the details panel for one task: where it came
// from and went, its checksums, and every error in plain words with the
// request ID support needs.
func detailsContent(w *mainWindow, s uploader.Snapshot) fyne.CanvasObject {
	copyRow := func(value string) fyne.CanvasObject {
		l := widget.NewLabel(value)
		l.Wrapping = fyne.TextWrapBreak
		b := widget.NewButtonWithIcon(T("Copy"), theme.ContentCopyIcon(), func() { w.copyText(value) })
		return container.NewBorder(nil, nil, nil, b, l)
	}
	form := widget.NewForm()
	form.Append(T("State"), widget.NewLabel(taskStateText(s)))
	form.Append(T("Local file"), copyRow(s.Path))
	if s.Key != "" {
		form.Append(T("Object key"), copyRow(s.Key))
		if u := w.sess.objectURL(s.Key); u != "" {
			form.Append(T("Address"), copyRow(u))
		}
	}
	linkRows(w, form, s) // the link, or why there is none; share links (links.go)
	form.Append(T("Size"), widget.NewLabel(T("{{.Size}} ({{.Bytes}} bytes)", map[string]any{"Size": humanBytes(s.Size), "Bytes": s.Size})))
	if s.CRC64 != 0 {
		form.Append("CRC64", copyRow(strconv.FormatUint(s.CRC64, 10)))
	}
	if s.ETag != "" {
		form.Append("ETag", copyRow(s.ETag))
	}
	appendVerification(form, s) // verified or not; the key asked for (verified.go)
	form.Append(T("Attempts"), widget.NewLabel(strconv.Itoa(attempts(s))))
	if len(s.RequestIDs) > 0 {
		form.Append(T("Request IDs"), copyRow(joinLines(s.RequestIDs)))
	}
	if text := noteText(s); text != "" {
		note := widget.NewLabel(text)
		note.Wrapping = fyne.TextWrapWord
		form.Append(T("Note"), note)
	}
	items := []fyne.CanvasObject{}
	// The final reason comes first, with its advice, above everything
	// else: it is what the user opened the panel for.
	if s.State == uploader.Failed && s.LastErr != nil {
		items = append(items, widget.NewLabelWithStyle(T("Why it failed"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			errorCard(w, *s.LastErr, true))
	}
	items = append(items, form)
	if earlier := earlierErrors(s); len(earlier) > 0 {
		title := T("Problems along the way")
		if s.State == uploader.Done || s.State == uploader.Skipped {
			title = T("Problems along the way (CosDrop retried and the upload succeeded)")
		}
		items = append(items, widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, g := range earlier {
			items = append(items, errorLine(w, g))
		}
	}
	items = append(items, widget.NewLabelWithStyle(T("Timeline"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, ev := range timeline(s) {
		items = append(items, widget.NewLabel(ev.at.Local().Format("2006-01-02 15:04:05")+"  "+ev.what))
	}
	return container.NewVScroll(container.NewVBox(items...))
}

// errorGroup is one kind of error that happened count times (a 500
// retried five times is one line, not five cards of the same advice).
type errorGroup struct {
	last  uploader.TaskError
	count int
	ids   []string
}

// earlierErrors groups the task's errors by code and HTTP status, oldest
// first, leaving out the final reason when the details show it on top.
func earlierErrors(s uploader.Snapshot) []errorGroup {
	errs := s.Errors
	if s.State == uploader.Failed && s.LastErr != nil && len(errs) > 0 {
		errs = errs[:len(errs)-1]
	}
	var out []errorGroup
	at := map[string]int{}
	for _, e := range errs {
		k := e.Code + "\x00" + strconv.Itoa(e.HTTPStatus)
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			out = append(out, errorGroup{})
		}
		g := &out[i]
		g.last = e
		g.count++
		if e.RequestID != "" {
			g.ids = append(g.ids, e.RequestID)
		}
	}
	return out
}

// attempts is how many times the task was tried: the engine's count, or
// one per recorded error (plus the try that succeeded or runs now) when
// the SDK's own retries recorded more.
func attempts(s uploader.Snapshot) int {
	n := len(s.Errors)
	if s.State != uploader.Failed && s.State != uploader.Canceled && !s.Started.IsZero() {
		n++
	}
	return max(s.Attempts, n)
}

// errorLine is one group of earlier errors: what happened in a sentence,
// how often, and the request IDs support asks for; no repeated advice.
func errorLine(w *mainWindow, g errorGroup) fyne.CanvasObject {
	text := firstSentence(Explain(g.last))
	if g.count > 1 {
		text = T("{{.What}} ({{.Count}} times, last at {{.Time}})", map[string]any{"What": text, "Count": g.count, "Time": g.last.Time.Local().Format("15:04:05")})
	} else {
		text = g.last.Time.Local().Format("15:04:05") + "  " + text
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(l)
	if len(g.ids) > 0 {
		ids := joinLines(g.ids)
		rid := widget.NewLabel(T("Request ID: {{.ID}}", map[string]any{"ID": strings.Join(g.ids, ", ")}))
		rid.SizeName = theme.SizeNameCaptionText
		rid.Wrapping = fyne.TextWrapBreak
		box.Add(container.NewBorder(nil, nil, nil, widget.NewButtonWithIcon(T("Copy"), theme.ContentCopyIcon(), func() { w.copyText(ids) }), rid))
	}
	return box
}

// errorCard shows one error: the explanation first, then the facts.
func errorCard(w *mainWindow, e uploader.TaskError, _ bool) fyne.CanvasObject {
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
			widget.NewButtonWithIcon(T("Copy"), theme.ContentCopyIcon(), func() { w.copyText(e.RequestID) }), rid))
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
	for _, g := range earlierErrors(s) {
		what := firstSentence(Explain(g.last))
		if g.count > 1 {
			what = T("{{.What}} ({{.Count}} times)", map[string]any{"What": what, "Count": g.count})
		}
		add(g.last.Time, T("Problem: {{.What}}", map[string]any{"What": what}))
	}
	if s.State.Final() {
		add(s.Finished, stateText(s.State))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

func joinLines(s []string) string { return strings.Join(s, "\n") }

// showDetails opens the details panel of one task.
func showDetails(w *mainWindow, s uploader.Snapshot) {
	d := dialog.NewCustom(T("Details"), T("Close"), detailsContent(w, s), w.win)
	d.Resize(fyne.NewSize(720, 560))
	w.dialogs.present(d)
}

// copyText puts plain text on the clipboard. Only values the user can
// see go there: paths, keys, URLs, IDs — never a secret.
func (w *mainWindow) copyText(s string) {
	w.app.Clipboard().SetContent(s)
}

// noteText is the task's engine remark in words. It is the one place the
// window reads Snapshot.Note: when the engine's note becomes a typed
// Note{Code, Args}, only this function changes (to the session layer's
// wording of it).
func noteText(s uploader.Snapshot) string { return session.NoteText(s.Note) }
