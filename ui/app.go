// Package ui is CosDrop's desktop window. It is the only package that
// imports Fyne; it drives the uploader and auth packages through their
// public APIs and never holds engine locks.
//
// Threading: engine state reaches the window through one ticker goroutine
// (10 Hz) that reads Engine.Changes and posts at most one fyne.Do per tick;
// the Fyne goroutine makes the engine's control calls itself, as they are
// messages that never block. Widgets are touched only on the Fyne goroutine.
package ui

import (
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"cosdrop/assets"
	"cosdrop/auth"
	"cosdrop/profile"
)

// AppID is the stable application ID: it names the preferences folder and
// must match FyneApp.toml.
const AppID = "io.cosdrop.app"

// EventsEnv names a file the window appends one line to for every task
// that reaches an end state ("done\tID\tPATH\tKEY"). Tests outside the
// process (the real-window drop test) wait on it.
const EventsEnv = "COSDROP_TEST_EVENTS"

// Options configure the window at start-up.
type Options struct {
	// Version is shown in diagnostics.
	Version string
	// Paths are files or folders to add at once ("Open with CosDrop").
	Paths []string
	// DataDir holds journals and the Sandbox's objects; "" = the OS data
	// dir ($COSDROP_DATA_DIR, else uploader.DefaultStateDir()).
	DataDir string
	// EventsFile, when set, receives one line per finished task (see
	// EventsEnv, which sets it when empty).
	EventsFile string
	// Background starts in the system tray without showing the window
	// (start at login); with no tray the window shows (tray.go).
	Background bool
}

// Run opens the main window and blocks until the app quits.
func Run(opts Options) error {
	started := time.Now()
	a := app.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("cosdrop.png", assets.Icon))
	win := a.NewWindow(T("CosDrop"))
	w := newMainWindow(a, win, opts)
	if opts.DataDir == "" {
		opts.DataDir = defaultDataDir()
	}
	if opts.EventsFile == "" {
		opts.EventsFile = os.Getenv(EventsEnv)
	}
	if opts.EventsFile != "" {
		f, err := os.OpenFile(opts.EventsFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		w.feed.events = f
	}
	w.opener = &opener{
		dataDir:   opts.DataDir,
		profiles:  profile.NewProfiles(""),
		secrets:   auth.NewLayered(),
		ask:       w.askConflict,
		rateLimit: w.bw.rate.Load,
	}
	w.bw.refreshSchedule()                     // bandwidth.go: the first engine starts under the user's limit
	win.SetCloseIntercept(w.bg.closeRequested) // tray.go: keep running in the background or quit
	win.SetMaster()
	win.Resize(w.savedWindowSize())
	w.refreshProfiles()
	stopHandoffs := w.acceptHandoffs() // a second launch hands its files here
	defer stopHandoffs()
	w.start()
	w.bg.start() // tray.go: the tray icon, once a tray host answers
	if path := os.Getenv(ProbeEnv); path != "" {
		startProbe(path, started, func() int { return w.status.totals.Tasks }, w.stopTick)
	}
	w.bg.run() // tray.go: ShowAndRun, or run hidden in the tray (--background)
	return nil
}
