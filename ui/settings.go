package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// The Settings screen (issue 21, finding 6): the app-wide settings in
// one place, reachable from the toolbar's settings button and Ctrl/Cmd+,.
// Start at login was only in the tray's menu before, so a desktop without
// a tray (stock GNOME) could not set it at all.

// prefKeepRunning: closing the window with work left hides it in the tray
// without asking (only where a tray shows the icon; see tray.go).
const prefKeepRunning = "keep-running-when-closed"

// showAppSettings opens the Settings screen over the window. Each setting
// applies at once, as the tray's menu does; the speed limit on Apply (or
// Enter), since half-typed text is not yet a timetable.
func (w *mainWindow) showAppSettings() {
	prefs := w.app.Preferences()
	keep := widget.NewCheck(T("Keep running in the background when the window is closed"), func(on bool) {
		prefs.SetBool(prefKeepRunning, on)
	})
	keep.SetChecked(prefs.Bool(prefKeepRunning))
	keepWhy := widget.NewLabel(T("Closing the window hides it in the system tray; the tray icon brings it back."))
	keepWhy.Wrapping = fyne.TextWrapWord
	if !w.bg.installed {
		keep.Disable()
		keepWhy.SetText(T("Not available on this desktop: it shows no system tray, so a hidden window could not be brought back. Leave the window open (or minimise it) to keep uploading."))
	}
	autoCopy := widget.NewCheck(T("Copy links automatically when a drop finishes"), func(on bool) {
		prefs.SetBool(prefAutoCopyLinks, on)
	})
	autoCopy.SetChecked(prefs.Bool(prefAutoCopyLinks))
	edit := widget.NewButton(T("Edit profile…"), w.showSettings) // profiles.go: the active profile's editor
	content := container.NewVBox(
		widget.NewLabelWithStyle(T("When I log in and close the window"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		w.bg.loginCheck(), // tray.go: the same switch as the tray's "Start at login"
		keep, keepWhy,
		widget.NewSeparator(),
		w.speedSettings(),
		widget.NewSeparator(),
		widget.NewLabelWithStyle(T("Links"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		autoCopy,
		widget.NewSeparator(),
		container.NewHBox(edit))
	d := dialog.NewCustom(T("Settings"), T("Close"), container.NewVScroll(content), w.win)
	d.Resize(fyne.NewSize(620, 560))
	w.dialogs.present(d)
}

// speedSettings is the speed limit part of Settings: the user's limit or
// timetable, the profile's timetable when it has one, and the limit in
// force now.
func (w *mainWindow) speedSettings() fyne.CanvasObject {
	entry := widget.NewEntry()
	entry.SetText(w.bw.userSchedule())
	entry.SetPlaceHolder(T("e.g. mon-fri 08:00-19:00 2MiB/s; otherwise unlimited"))
	help := widget.NewLabel(T("A fixed limit (2MiB/s, 500KB/s) or a timetable: entries separated by \";\", each with optional days (mon-fri, sat-sun, weekdays, weekends), an optional time window (08:00-19:00) and a rate; \"otherwise\" gives the rate at other times. The first entry that fits applies. Empty: the profile's timetable, if it has one, else no limit."))
	help.Wrapping = fyne.TextWrapWord
	problem := widget.NewLabel("")
	problem.Wrapping = fyne.TextWrapWord
	problem.Importance = widget.DangerImportance
	problem.Hide()
	now := widget.NewLabel(w.limitNowText())
	now.Wrapping = fyne.TextWrapWord
	apply := func() {
		if err := w.bw.setUserSchedule(entry.Text); err != nil {
			problem.SetText(errText(err))
			problem.Show()
			return
		}
		problem.Hide()
		now.SetText(w.limitNowText())
	}
	entry.OnSubmitted = func(string) { apply() }
	box := container.NewVBox(
		widget.NewLabelWithStyle(T("Speed limit"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, widget.NewButton(T("Apply"), apply), entry),
		problem, help)
	if w.sess != nil && w.sess.profile.BandwidthSchedule != "" {
		box.Add(widget.NewLabel(T("The profile {{.Name}} sets the timetable: {{.Schedule}}",
			map[string]any{"Name": w.sess.name, "Schedule": w.sess.profile.BandwidthSchedule})))
	}
	box.Add(now)
	return box
}

// limitNowText says which limit is in force now, for Settings.
func (w *mainWindow) limitNowText() string {
	s, fromProfile := w.bw.effectiveSchedule()
	if text := limitText(s, fromProfile, bandwidthNow()); text != "" {
		return T("Now: {{.Limit}}", map[string]any{"Limit": text})
	}
	return T("Now: no limit")
}
