// Package ui is CosDrop's desktop window. It is the only package that
// imports Fyne; it drives the uploader and auth packages through their
// public APIs and never holds engine locks.
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cosdrop/assets"
)

// AppID is the stable application ID: it names the preferences folder and
// must match FyneApp.toml.
const AppID = "io.cosdrop.app"

// Options configure the window at start-up.
type Options struct {
	// Version is shown in the about box and diagnostics.
	Version string
	// Paths are files or folders to add at once ("Open with CosDrop").
	Paths []string
}

// Run opens the main window and blocks until the app quits.
func Run(opts Options) error {
	a := app.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("cosdrop.png", assets.Icon))
	w := a.NewWindow(T("CosDrop"))
	w.SetContent(container.NewCenter(widget.NewLabel(T("Drop files here to upload them"))))
	w.Resize(fyne.NewSize(900, 600))
	w.ShowAndRun()
	return nil
}
