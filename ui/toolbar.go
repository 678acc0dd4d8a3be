package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/profile"
)

// toolbar holds the queue-wide actions, the filter and search, the profile
// switcher and the bandwidth limit.
type toolbar struct {
	w       *mainWindow
	content fyne.CanvasObject
	filter  *safeSelect
	search  *shortcutEntry
	profile *safeSelect
	names   []string // profile names in switcher order; the switcher shows them translated
	limit   *safeSelect
	quiet   bool // set while the code, not the user, changes a select
}

// filterNames are the filter choices in toolbar order.
func filterNames() []string {
	return []string{T("All"), T("Active"), T("Failed"), T("Finished")}
}

// limitChoice is one bandwidth-limit option.
type limitChoice struct {
	label string
	bps   int64
}

func limitChoices() []limitChoice {
	return []limitChoice{
		{T("No speed limit"), 0},
		{T("Limit: 50 MiB/s"), 50 << 20},
		{T("Limit: 10 MiB/s"), 10 << 20},
		{T("Limit: 5 MiB/s"), 5 << 20},
		{T("Limit: 1 MiB/s"), 1 << 20},
		{T("Limit: 256 KiB/s"), 256 << 10},
	}
}

const prefRate = "rate-limit"

func newToolbar(w *mainWindow) *toolbar {
	b := &toolbar{w: w}
	addFiles := widget.NewButtonWithIcon(T("Add files"), theme.FileIcon(), w.addFilesDialog)
	addFolder := widget.NewButtonWithIcon(T("Add folder"), theme.FolderOpenIcon(), w.addFolderDialog)
	addFiles.Importance = widget.HighImportance
	pauseAll := newTipButton(theme.MediaPauseIcon(), T("Pause all"), func() { w.call(func(e Engine) { e.PauseAll() }) })
	resumeAll := newTipButton(theme.MediaPlayIcon(), T("Resume all"), func() { w.call(func(e Engine) { e.ResumeAll() }) })
	retry := newTipButton(theme.ViewRefreshIcon(), T("Retry failed"), func() { w.call(func(e Engine) { e.RetryFailed() }) })
	// A worded button: an icon alone read as "cancel" (it was an x).
	clearDone := widget.NewButtonWithIcon(T("Clear finished"), theme.DeleteIcon(), func() { w.call(func(e Engine) { e.ClearFinished() }) })
	clearDone.Importance = widget.LowImportance
	newProfile := newTipButton(theme.ContentAddIcon(), T("New profile…"), func() { w.showProfileEditor(nil, false) })
	history := newTipButton(theme.HistoryIcon(), T("History"), w.history.showHistory)
	receipts := newTipButton(theme.ListIcon(), T("Receipts: the drops of every machine"), w.showReceipts)                       // receiptsview.go
	copyLinks := newTipButton(theme.ContentCopyIcon(), T("Copy the links of the finished files shown"), w.links.copyShownLinks) // links.go
	watchFolders := newTipButton(theme.VisibilityIcon(), T("Watch folders"), w.showWatchFolders)
	settings := newTipButton(theme.SettingsIcon(), T("Settings (Ctrl+,)"), w.showAppSettings) // settings.go

	names := filterNames()
	b.filter = newSafeSelect(w.win, names, func(string) { b.applyFilter() })
	b.filter.SetSelectedIndex(0)
	b.search = newShortcutEntry(w.runShortcut)
	b.search.SetPlaceHolder(T("Search name or key"))
	b.search.OnChanged = func(string) { b.applyFilter() }

	b.names = []string{SandboxName}
	b.profile = newSafeSelect(w.win, []string{profileLabel(SandboxName)}, func(string) {
		i := b.profile.SelectedIndex()
		if b.quiet || i < 0 || i >= len(b.names) || b.names[i] == w.currentName() {
			return
		}
		w.switchTo(b.names[i])
	})
	b.profile.PlaceHolder = T("Profile")

	choices := limitChoices()
	labels := make([]string, 0, len(choices)+1)
	for _, c := range choices {
		labels = append(labels, c.label)
	}
	// The last choice stands for a limit the list does not hold (a
	// timetable, 3MiB/s; its words fit the select's 190 pixels): it shows while one is in force and opens
	// Settings, where it is written.
	labels = append(labels, T("Timetable or other…"))
	b.limit = newSafeSelect(w.win, labels, func(string) {
		i := b.limit.SelectedIndex()
		if b.quiet || i < 0 {
			return
		}
		if i == len(choices) {
			w.showAppSettings()
			return
		}
		w.setRateLimit(choices[i].bps)
	})
	b.quiet = true
	b.limit.SetSelectedIndex(0) // refreshSchedule shows the limit in force
	b.quiet = false

	row1 := container.NewBorder(nil, nil,
		container.NewHBox(addFiles, addFolder, widget.NewSeparator(), pauseAll, resumeAll, retry, clearDone),
		container.NewHBox(widget.NewLabel(T("Profile:")), fixedWidth(200, b.profile), newProfile, copyLinks, history, receipts, watchFolders, settings))
	row2 := container.NewBorder(nil, nil, fixedWidth(150, b.filter), fixedWidth(190, b.limit), b.search)
	b.content = container.NewVBox(row1, row2)
	return b
}

// applyFilter pushes the filter and search text to the model; the ticker
// rebuilds the row order off the Fyne goroutine.
func (b *toolbar) applyFilter() {
	if b.search == nil || b.filter == nil {
		return
	}
	b.w.model.setFilter(Filter(max(0, b.filter.SelectedIndex())), b.search.Text)
}

// setFilter selects a filter as if the user had picked it.
func (b *toolbar) setFilter(f Filter) { b.filter.SetSelectedIndex(int(f)) }

// showProfile shows name as the active profile without switching again.
func (b *toolbar) showProfile(name string) {
	b.quiet = true
	defer func() { b.quiet = false }()
	b.profile.SetSelected(profileLabel(name))
}

// setProfiles replaces the switcher's choices (Sandbox first).
func (b *toolbar) setProfiles(names []string) {
	b.quiet = true
	defer func() { b.quiet = false }()
	b.names = append([]string{SandboxName}, names...)
	opts := make([]string, len(b.names))
	for i, n := range b.names {
		opts[i] = profileLabel(n)
	}
	cur := b.profile.Selected
	b.profile.Options = opts
	b.profile.Refresh()
	b.profile.SetSelected(cur)
}

// setRateLimit makes a fixed limit the user's own (bandwidth.go), at once
// and for the next start; "No speed limit" is a choice too, and wins over
// the profile's timetable.
func (w *mainWindow) setRateLimit(bps int64) {
	_ = w.bw.setUserSchedule(profile.FormatRate(bps)) // a formatted rate always parses
}

// showSchedule shows the limit in force in the limit choice: the matching
// fixed limit, else the last choice ("Timetable or other limit…").
func (b *toolbar) showSchedule(s profile.BandwidthSchedule) {
	choices := limitChoices()
	i := len(choices)
	if lim, constant := s.Constant(); constant {
		for j, c := range choices {
			if c.bps == lim {
				i = j
			}
		}
	}
	b.quiet = true
	defer func() { b.quiet = false }()
	b.limit.SetSelectedIndex(i)
}

// fixedWidth gives o a fixed width at its natural height, so a select
// shows its whole choice instead of truncating to its minimum.
func fixedWidth(width float32, o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(width, o.MinSize().Height), o)
}

// profileLabel is how the switcher shows a profile: the built-in Sandbox
// in the user's language, other profiles by the name their admin gave.
func profileLabel(name string) string {
	if name == SandboxName {
		return T("Sandbox")
	}
	return name
}
