package ui

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/auth"
	"cosdrop/profile"
	"cosdrop/session"
	"cosdrop/uploader"
)

// historyFilters are the history window's filter choices.
func historyFilters() []string {
	return []string{T("All finished"), T("Uploaded"), T("Failed"), T("Canceled or skipped")}
}

func historyMatch(f int, s uploader.State) bool {
	switch f {
	case 1:
		return s == uploader.Done
	case 2:
		return s == uploader.Failed
	case 3:
		return s == uploader.Canceled || s == uploader.Skipped
	}
	return s.Final()
}

// historyRows returns finished tasks, newest first, matching the filter.
func historyRows(all []uploader.Snapshot, f int, search string) []uploader.Snapshot {
	search = strings.ToLower(strings.TrimSpace(search))
	var out []uploader.Snapshot
	for i := len(all) - 1; i >= 0; i-- {
		s := all[i]
		if !historyMatch(f, s.State) {
			continue
		}
		if search != "" && !strings.Contains(searchText(s), search) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// history is the history window: the finished tasks of the open profile,
// with filters, the receipt export and "Copy diagnostics". At most one is
// refreshed at a time, the one opened last.
type history struct {
	w *mainWindow
	// reload refreshes the open history window (nil when closed) when
	// the queue's rows or the profile change.
	reload func()
}

// refresh reloads the open history window, if any.
func (h *history) refresh() {
	if h.reload != nil {
		h.reload()
	}
}

// showHistory opens the history window: finished tasks with filters, the
// CSV/JSON receipt export and "Copy diagnostics".
func (h *history) showHistory() {
	hw := h.w.app.NewWindow(T("CosDrop history"))
	var rows []uploader.Snapshot
	list := widget.NewList(func() int { return len(rows) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			s := rows[i]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%s  %s  →  %s  ·  %s  ·  %s",
				s.Finished.Local().Format("01-02 15:04"), filepath.Base(s.Path), s.Key, humanBytes(s.Size), historyState(s))) // undo.go: "Deleted from COS" after an undo
			c.Objects[1].(*widget.Icon).SetResource(fileIcon(s.Path))
		})
	list.OnSelected = func(i widget.ListItemID) {
		if i < len(rows) {
			showDetailsIn(h.w, rows[i], hw)
		}
		list.UnselectAll()
	}
	filter := newSafeSelect(hw, historyFilters(), nil)
	search := widget.NewEntry()
	search.SetPlaceHolder(T("Search name or key"))
	reload := func() {
		rows = historyRows(h.w.model.all(), max(0, filter.SelectedIndex()), search.Text)
		list.Refresh()
	}
	filter.OnChanged = func(string) { reload() }
	search.OnChanged = func(string) { reload() }
	filter.SetSelectedIndex(0)
	// Each profile keeps its own history: the selector says whose this is
	// and switches the window (and this list) to another profile's.
	profile := newSafeSelect(hw, append([]string(nil), h.w.bar.profile.Options...), nil)
	profile.SetSelected(profileLabel(h.w.currentName()))
	profile.OnChanged = func(string) {
		if i := profile.SelectedIndex(); i >= 0 && i < len(h.w.bar.names) && h.w.bar.names[i] != h.w.currentName() {
			h.w.switchTo(h.w.bar.names[i])
		}
	}
	h.reload = func() {
		profile.OnChanged, profile.Options = nil, append([]string(nil), h.w.bar.profile.Options...)
		profile.SetSelected(profileLabel(h.w.currentName()))
		profile.OnChanged = func(string) {
			if i := profile.SelectedIndex(); i >= 0 && i < len(h.w.bar.names) && h.w.bar.names[i] != h.w.currentName() {
				h.w.switchTo(h.w.bar.names[i])
			}
		}
		reload()
	}
	hw.SetOnClosed(func() { h.reload = nil })

	export := func(format string) func() {
		return func() { h.exportHistory(hw, format) }
	}
	buttons := container.NewHBox(
		widget.NewButtonWithIcon(T("Export CSV"), theme.DocumentSaveIcon(), export("csv")),
		widget.NewButtonWithIcon(T("Export JSON"), theme.DocumentSaveIcon(), export("json")),
		widget.NewButtonWithIcon(T("Copy diagnostics"), theme.ContentCopyIcon(), func() {
			h.w.copyText(h.diagnostics())
			dialog.ShowInformation(T("Copied"), T("Diagnostics are on the clipboard, without any secret. Paste them into your message to support."), hw)
		}),
	)
	top := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel(T("Profile:")), fixedWidth(200, profile), fixedWidth(170, filter)), nil, search)
	hw.SetContent(container.NewBorder(top, buttons, nil, nil, list))
	hw.Resize(fyne.NewSize(820, 520))
	hw.Show()
}

// exportHistory writes the engine's receipt (every finished task with its
// CRC64, ETag and request IDs) to a file the user picks.
func (h *history) exportHistory(parent fyne.Window, format string) {
	e := h.w.feed.engine()
	if e == nil {
		return
	}
	place := h.w.place()
	place.Words = h.w.receiptWords()
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, parent)
			return
		}
		if wc == nil {
			return
		}
		go func() {
			err := writeReceipt(wc, format, place, e.ExportHistory)
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			fyne.Do(func() {
				if err != nil {
					dialog.ShowError(fmt.Errorf("%s: %w", T("Could not export the history"), err), parent)
					return
				}
				dialog.ShowInformation(T("Exported"), T("The history was saved to {{.Path}}.", map[string]any{"Path": wc.URI().Path()}), parent)
			})
		}()
	}, parent)
	d.SetFileName("cosdrop-history-" + time.Now().Format("20060102-150405") + "." + format)
	d.SetFilter(storage.NewExtensionFileFilter([]string{"." + format}))
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}

// diagnostics is the text support asks for: version, OS, the profile
// without secrets, totals and the recent errors with request IDs. It goes
// through auth.Redact as a last line of defence.
func (h *history) diagnostics() string {
	var b strings.Builder
	fmt.Fprintf(&b, "CosDrop %s\nOS: %s/%s, %s\nLanguage: %s\nTime: %s\n", h.w.opts.Version, runtime.GOOS, runtime.GOARCH, runtime.Version(),
		lang.SystemLocale().String(), time.Now().Format(time.RFC3339))
	fmt.Fprintf(&b, "Data folder: %s\nSpeed limit: %d bytes/s\n", h.w.opener.dataDir, h.w.bw.rate.Load())
	if s := h.w.sess; s != nil {
		if s.sandbox {
			fmt.Fprintf(&b, "Profile: %s (local sandbox at %s)\nBucket: %s\nRegion: %s\n", s.name, s.bucketURL, session.SandboxBucket, session.SandboxRegion)
		} else {
			diagnoseProfile(&b, s.profile)
		}
	}
	t := h.w.status.totals
	fmt.Fprintf(&b, "Tasks: %d (queued %d, active %d, paused %d, done %d, failed %d, canceled %d, skipped %d)\n",
		t.Tasks, t.Queued, t.Active, t.Paused, t.Done, t.Failed, t.Canceled, t.Skipped)
	type errLine struct {
		at   time.Time
		line string
	}
	var errs []errLine
	for _, s := range h.w.model.all() {
		for _, e := range s.Errors {
			errs = append(errs, errLine{e.Time, fmt.Sprintf("%s  task %d %s  op=%q code=%s http=%d request-id=%s  %s",
				e.Time.UTC().Format(time.RFC3339), s.ID, s.Key, e.Op, e.Code, e.HTTPStatus, e.RequestID, e.Message)})
		}
	}
	if len(errs) > 0 {
		b.WriteString("Recent errors:\n")
		// newest last, at most 30
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].at.Before(errs[j].at) })
		if len(errs) > 30 {
			errs = errs[len(errs)-30:]
		}
		for _, e := range errs {
			b.WriteString("  " + e.line + "\n")
		}
	}
	return auth.Redact(b.String())
}

// diagnoseProfile writes the profile's lines of the diagnostics: only the
// fields its mode uses (an STS profile showed an empty "SecretId:" line,
// which read as a missing key), and none that is empty.
func diagnoseProfile(b *strings.Builder, p profile.Profile) {
	fmt.Fprintf(b, "Profile: %s\nMode: %s\nBucket: %s\nRegion: %s\n", p.Name, p.Mode, p.Bucket, p.Region)
	for _, f := range []struct{ name, value string }{
		{"Endpoint", p.Endpoint}, {"Prefix", p.Prefix}, {"On conflict", p.OnConflict},
		{"SecretId", maskID(p.SecretID)}, {"Credential URL", p.CredentialURL}, {"Proxy", p.Proxy},
		{"Link template", p.LinkTemplate},
	} {
		if f.value != "" {
			fmt.Fprintf(b, "%s: %s\n", f.name, f.value)
		}
	}
	fmt.Fprintf(b, "Files are public: %v\n", p.PublicRead)
}

// maskID keeps the start and end of a SecretId: enough for support to tell
// keys apart, not enough to be the whole identifier.
func maskID(id string) string {
	if len(id) <= 8 {
		return id
	}
	return id[:4] + "…" + id[len(id)-4:]
}

// showDetailsIn opens a task's details panel over another window.
func showDetailsIn(w *mainWindow, s uploader.Snapshot, parent fyne.Window) {
	d := dialog.NewCustom(T("Details"), T("Close"), detailsContent(w, s), parent)
	offerUndo(w, d, s, parent) // undo.go: "Delete from COS…" for an upload this machine made
	d.Resize(fyne.NewSize(720, 480))
	d.Show()
}
