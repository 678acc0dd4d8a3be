package ui

import (
	"context"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cosdrop/session"
)

// tickEvery is the UI's refresh period: 10 Hz is smooth for progress bars
// and cheap for 100,000 tasks.
const tickEvery = 100 * time.Millisecond

// mainWindow wires the list, toolbar and status bar to one session.
// Every field is owned by the Fyne goroutine except the feed (the ticker
// goroutine's, under its own lock) and the model (its own lock).
type mainWindow struct {
	app    fyne.App
	win    fyne.Window
	opts   Options
	opener *opener

	// The parts a reader looks for, each owning its state.
	model   *queueModel // the window's copy of the queue (model.go)
	list    *list       // the queue's rows, selection and row actions (list.go, queueview.go, row.go)
	feed    *feed       // the engine's changes into the model (feed.go)
	bar     *toolbar    // toolbar.go
	status  *statusBar  // statusbar.go
	banner  *fyne.Container
	notice  *notice     // a message above the list (an error opening a profile, resumed uploads); the user can dismiss it
	dialogs *dialogs    // open dialogs over the main window, newest last (dialogs.go)
	links   *links      // copying and sharing links (links.go)
	history *history    // the history window (history.go)
	bw      *bandwidth  // the speed limit in force and its timetable (bandwidth.go)
	bg      *background // the system tray and background mode (tray.go)
	watches watchRunner // the active profile's watch folders (watch.go)

	// The window's own state.
	sess     *openedProfile
	asking   bool     // a proposed watch folder's question is open (watch.go)
	pending  []string // paths given before the first session opened
	conflict conflictMemory
	quitting bool
	stopTick chan struct{}
	// async runs blocking work (file and keyring I/O, opening profiles)
	// off the Fyne goroutine; tests make it synchronous.
	async func(f func())
	// later runs a function on the Fyne goroutine after a delay; tests
	// run it when they choose.
	later func(time.Duration, func())
	// pasted are the drops a paste made (paste.go): their links are copied.
	pasted pasteBatches
}

func newMainWindow(a fyne.App, win fyne.Window, opts Options) *mainWindow {
	w := &mainWindow{app: a, win: win, opts: opts, model: newQueueModel(),
		async: func(f func()) { go f() }, later: later}
	w.feed = &feed{model: w.model}
	w.dialogs = &dialogs{win: win}
	w.links = &links{w: w}
	w.history = &history{w: w}
	w.bw = &bandwidth{w: w}
	hint := widget.NewLabelWithStyle(T("Drop files or folders here to upload them"), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	w.list = newList(w, container.NewCenter(hint))
	w.list.queue.list.onKey = w.typedKey
	w.bar = newToolbar(w)
	w.status = newStatusBar(w)
	w.notice = newNotice()
	w.banner = sandboxBanner(w)
	w.banner.Hide()
	top := container.NewVBox(w.banner, w.bar.content, w.notice.content)
	win.SetContent(withTips(win, container.NewBorder(top, w.status.content, nil, nil, w.list.queue.content)))
	win.SetOnDropped(w.onDropped)
	w.addShortcuts()
	w.bg = newBackground(w)          // tray.go
	w.bg.Watching = w.watches.active // watch.go
	return w
}

// start opens the last-used profile (the Sandbox on a first run) and the
// ticker. It returns at once; the session arrives through fyne.Do.
func (w *mainWindow) start() {
	w.open(w.opts.Paths)
	w.stopTick = make(chan struct{})
	go w.runTicker(w.stopTick)
	go w.watchProfiles(w.stopTick) // profilewatch.go
	w.switchTo(w.app.Preferences().StringWithFallback(prefProfile, SandboxName))
}

const prefProfile = "profile"

// switchTo opens a profile off the Fyne goroutine and swaps it in.
func (w *mainWindow) switchTo(name string) {
	w.status.setBusy(T("Opening profile {{.Name}}…", map[string]any{"Name": name}))
	w.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
		defer cancel()
		s, err := w.opener.open(ctx, name)
		fyne.Do(func() {
			w.status.setBusy("")
			if err != nil {
				w.showNotice(T("Could not open profile {{.Name}}: {{.Err}}", map[string]any{"Name": name, "Err": errText(err)}))
				if session.IsDamaged(err) {
					w.offerSetAside(name)
				}
				w.bar.showProfile(w.currentName())
				if w.sess == nil && name != SandboxName {
					w.switchTo(SandboxName)
				}
				return
			}
			if w.quitting {
				go s.close()
				return
			}
			w.useSession(s)
		})
	})
}

func (w *mainWindow) currentName() string {
	if w.sess == nil {
		return ""
	}
	return w.sess.name
}

// useSession makes s the window's session and closes the previous one in
// the background (closing pauses its uploads and persists them).
func (w *mainWindow) useSession(s *openedProfile) {
	old := w.sess
	w.sess = s
	w.feed.use(s.engine)
	w.hideNotice()
	if s.sandbox {
		w.banner.Show()
	} else {
		w.banner.Hide()
	}
	w.bar.showProfile(s.name)
	w.app.Preferences().SetString(prefProfile, s.name)
	w.feed.testEvent("session", s.name) // real-window tests wait for the profile to be in use
	if old != nil {
		go func() { w.watches.release(old); _ = old.close() }() // the watch uses the session's credentials
	}
	w.followWatch(s)
	w.bw.refreshSchedule() // bandwidth.go: the profile may carry a timetable
	if len(w.pending) > 0 {
		w.add(w.pending)
		w.pending = nil
	}
	w.checkLeftovers(s) // leftovers.go
}

// call runs f with the current engine, if a session is open, on the
// caller's goroutine. The engine's control calls (Add, Pause,
// SetRateLimit...) never block (Engine), so the Fyne goroutine makes them
// itself, in the order the user acted.
func (w *mainWindow) call(f func(e Engine)) {
	if e := w.feed.engine(); e != nil {
		f(e)
	}
}

// add queues local paths; folders are walked by the engine, not here.
func (w *mainWindow) add(paths []string) {
	if len(paths) == 0 {
		return
	}
	if w.feed.engine() == nil {
		w.pending = append(w.pending, paths...)
		return
	}
	paths = append([]string(nil), paths...)
	w.list.queue.expectDrop()
	w.call(func(e Engine) { e.Add(paths...) })
}

// onDropped adds dropped files and folders (see open).
func (w *mainWindow) onDropped(_ fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u != nil && u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	w.open(paths)
}

// runTicker is the one place engine state flows into the window: each
// tick reads the change feed off the Fyne goroutine and posts at most one
// fyne.Do, skipped while the previous one has not run yet.
func (w *mainWindow) runTicker(stop chan struct{}) {
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		w.feed.poll()
		if text, changed := w.bw.followBandwidth(bandwidthNow(), false); changed {
			fyne.Do(func() { w.status.setLimit(text) })
		}
		w.feed.post(w.apply)
	}
}

// tick is one synchronous poll-and-apply; tests call it from the test
// goroutine instead of running the ticker.
func (w *mainWindow) tick() {
	w.feed.poll()
	w.apply(w.model.take())
}

// apply runs on the Fyne goroutine.
func (w *mainWindow) apply(u update) {
	w.list.queue.apply(u)
	w.status.set(u.totals)
	w.bg.update(u.totals) // tray.go: the tray's status line
	w.notify(u)
	w.links.autoCopyLinks(u.finished)
	if u.view != nil {
		w.history.refresh()
	}
	if u.resumed > 0 {
		w.showInfo(N("CosDrop carries on with {{.Count}} uploads that were unfinished when it last closed. Paused ones stay paused.", u.resumed))
	}
}

// showNotice shows a problem above the list until dismissed or replaced.
func (w *mainWindow) showNotice(msg string) {
	w.notice.show(msg, widget.DangerImportance)
	w.feed.testEvent("notice", msg)
}

// showInfo shows news (not a problem) above the list until dismissed.
func (w *mainWindow) showInfo(msg string) { w.notice.show(msg, widget.MediumImportance) }

func (w *mainWindow) hideNotice() { w.notice.hide() }

// quit pauses and persists (Engine.Close) off the Fyne goroutine, then quits.
func (w *mainWindow) quit() {
	if w.quitting {
		return
	}
	w.quitting = true
	watchQuit(os.Stderr, quitStuck) // quitwatch.go
	w.status.setBusy(T("Pausing uploads…"))
	w.saveWindowSize()
	sess := w.sess
	if w.stopTick != nil {
		close(w.stopTick)
	}
	go func() {
		w.watches.stop()
		if sess != nil {
			_ = sess.close()
		}
		w.feed.closeEvents() // after a poll that may still be writing them
		fyne.Do(w.app.Quit)
	}()
}
