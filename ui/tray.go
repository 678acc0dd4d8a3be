package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"cosdrop/assets"
	"cosdrop/autostart"
	"cosdrop/uploader"
)

// The system tray and background mode. CosDrop puts an icon in the tray
// (Fyne's StatusNotifierItem on Linux, the notification area on Windows,
// the menu bar on macOS) with the queue's status, Pause all / Resume all,
// Show window, Start at login and Quit. Closing the window with work left
// asks whether to keep running in the background; choosing it hides the
// window, and the tray brings it back. Where no tray shows icons (a
// desktop without a StatusNotifier host, e.g. plain Xvfb or some tiling
// window managers), the window never hides: closing it asks "Pause and
// quit?" as before and says why it cannot stay in the background.

// trayHost is the part of desktop.App the tray uses (tests record it).
type trayHost interface {
	SetSystemTrayMenu(*fyne.Menu)
	SetSystemTrayIcon(fyne.Resource)
}

// loginStarter is *autostart.Starter as the window uses it.
type loginStarter interface {
	Enable() error
	Disable() error
	IsEnabled() (bool, error)
}

// trayRefreshEvery bounds how often the tray menu is rebuilt: Fyne rebuilds
// the whole native menu on each change.
const trayRefreshEvery = time.Second

// trayWaitAtLogin is how long a start at login waits for the desktop's
// tray to appear (panels often start after the autostart entries) before
// showing the window instead.
const trayWaitAtLogin = 30 * time.Second

// background is the window's life in the tray. Every field is owned by the
// Fyne goroutine.
type background struct {
	w     *mainWindow
	host  trayHost                                            // nil: this driver has no tray
	probe func(ctx context.Context) (present, mayAppear bool) // a tray host shows icons now, or may later
	wait  time.Duration                                       // how long a start at login waits for a tray
	login loginStarter                                        // nil: start at login unavailable

	// Watching, when set (by the watch folders), reports how many watch
	// folders are running: work that keeps CosDrop alive in the tray.
	Watching func() int

	installed bool           // the tray icon is up
	hidden    bool           // the window is hidden in the tray
	told      bool           // the "still running" notification was sent
	question  *closeQuestion // the close question, while it is open (closeask.go)

	menu                                           *fyne.Menu
	status, show, pause, resume, loginOn, quitItem *fyne.MenuItem
	shown                                          string // the status line the tray shows
	lastRefresh                                    time.Time
	now                                            func() time.Time // the clock of the once-a-second refresh; tests hold it
	refreshLater                                   bool             // a refresh is scheduled
	loginChecks                                    []*widget.Check
	loginBusy                                      bool
	loginState                                     bool // start at login is on
}

// newBackground sets up (but does not show) the tray for w.
func newBackground(w *mainWindow) *background {
	b := &background{w: w, probe: trayHostPresent, wait: trayWaitAtLogin, now: time.Now}
	if d, ok := w.app.(desktop.App); ok {
		b.host = d
	}
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		b.login = autostart.New(autostart.App{ID: AppID, Name: loginName, Exe: exe, Args: []string{BackgroundFlag},
			Comment: "Upload files to Tencent Cloud COS"})
	}
	return b
}

// loginName names the start-at-login entry (the Windows Run value the
// uninstaller in packaging/windows/cosdrop.nsi removes as ${APPNAME}).
const loginName = "CosDrop"

// BackgroundFlag starts the app in the tray without showing the window
// (what start at login runs).
const BackgroundFlag = "--background"

// start puts the icon up when this desktop has, or may get, a tray: it
// must run before the app's event loop starts (Fyne starts its tray only
// then), so it is called from Run. With a session bus but no tray host
// yet, the icon is still set up: Fyne's tray registers as soon as a panel
// appears. A start at login waits a while for the tray to show; with none,
// it shows the window rather than run invisibly.
func (b *background) start() {
	present, mayAppear := false, false
	if b.host != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		present, mayAppear = b.probe(ctx)
		cancel()
		if present || mayAppear {
			b.install()
		}
	}
	background, installed := b.w.opts.Background, b.installed
	b.w.async(func() {
		b.refreshLogin()
		if !background {
			return
		}
		shown := present || installed && b.waitForHost(b.wait)
		fyne.Do(func() {
			if !shown && !b.w.quitting {
				b.showWindow()
			}
		})
	})
}

// waitForHost probes for a tray host until one answers or wait passes.
func (b *background) waitForHost(wait time.Duration) bool {
	deadline := time.Now().Add(wait)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		ok, mayAppear := b.probe(ctx)
		cancel()
		if ok || !mayAppear || time.Now().After(deadline) {
			return ok
		}
		time.Sleep(500 * time.Millisecond) // a bounded wait for the panel, not a test
	}
}

// run shows the window and runs the app; a start at login (--background)
// runs it without showing the window: the tray, once up, shows it.
func (b *background) run() {
	if !b.w.opts.Background {
		b.w.win.ShowAndRun()
		return
	}
	b.hidden = true
	b.w.app.Run()
}

// install puts the icon and menu in the tray.
func (b *background) install() {
	if b.installed || b.host == nil {
		return
	}
	b.status = fyne.NewMenuItem("", nil)
	b.status.Disabled = true
	b.show = fyne.NewMenuItem(T("Show window"), b.showWindow)
	paste := fyne.NewMenuItem(T("Upload clipboard"), b.w.pasteClipboard)
	b.pause = fyne.NewMenuItem(T("Pause all"), func() {
		b.w.call(func(e Engine) { e.PauseAll() })
		go b.w.watches.setPaused(true) // watch.go: its own engine, off the Fyne goroutine
	})
	b.resume = fyne.NewMenuItem(T("Resume all"), func() {
		b.w.call(func(e Engine) { e.ResumeAll() })
		go b.w.watches.setPaused(false)
	})
	b.loginOn = fyne.NewMenuItem(T("Start at login"), func() { b.setLogin(!b.loginState) })
	b.loginOn.Disabled = b.login == nil
	b.quitItem = fyne.NewMenuItem(T("Quit"), b.w.quit)
	b.quitItem.IsQuit = true
	b.menu = fyne.NewMenu("CosDrop", b.status, fyne.NewMenuItemSeparator(), b.show, paste, b.pause, b.resume,
		fyne.NewMenuItemSeparator(), b.loginOn, fyne.NewMenuItemSeparator(), b.quitItem)
	b.installed = true
	b.host.SetSystemTrayIcon(fyne.NewStaticResource("cosdrop.png", assets.Icon))
	b.fill(b.w.status.totals)
	b.host.SetSystemTrayMenu(b.menu)
	b.lastRefresh = b.now()
}

// fill sets the menu's items from t; it reports whether anything changed.
func (b *background) fill(t uploader.Totals) bool {
	text := trayStatus(t, b.watching())
	pauseOff, resumeOff := t.Active+t.Queued == 0, t.Paused == 0
	changed := text != b.shown || b.pause.Disabled != pauseOff || b.resume.Disabled != resumeOff || b.loginOn.Checked != b.loginState
	b.shown, b.status.Label = text, text
	b.pause.Disabled, b.resume.Disabled = pauseOff, resumeOff
	b.loginOn.Checked = b.loginState
	return changed
}

// update is the tray's part of the window's once-per-tick apply: it
// rebuilds the native menu when the status changed, at most once a
// second, and once more later so the last change is never left out.
func (b *background) update(t uploader.Totals) {
	b.refreshQuestion()
	if !b.installed {
		return
	}
	wait := trayRefreshEvery - b.now().Sub(b.lastRefresh)
	if wait > 0 {
		if !b.refreshLater {
			b.refreshLater = true
			b.w.later(wait, func() {
				b.refreshLater, b.lastRefresh = false, time.Time{} // a second has passed
				b.update(b.w.status.totals)
			})
		}
		return
	}
	if b.fill(t) {
		b.host.SetSystemTrayMenu(b.menu)
		b.lastRefresh = b.now()
	}
}

func (b *background) watching() int {
	if b.Watching == nil {
		return 0
	}
	return b.Watching()
}

// trayStatus is the tray's status line: "3 uploading, 45%", what failed or
// waits, and the watch folders running.
func trayStatus(t uploader.Totals, watching int) string {
	var text string
	switch left := t.Active + t.Queued; {
	case left > 0:
		pct := 0
		if t.Bytes > 0 {
			pct = int(t.Acked * 100 / t.Bytes)
		}
		text = T("{{.Count}} uploading, {{.Percent}}%", map[string]any{"Count": left, "Percent": pct})
	case t.Paused > 0:
		text = T("{{.Count}} paused", map[string]any{"Count": t.Paused})
	case t.Tasks > 0:
		text = T("All uploads finished")
	default:
		text = T("Nothing to upload")
	}
	if t.Failed > 0 {
		text += " · " + T("{{.Count}} failed", map[string]any{"Count": t.Failed})
	}
	if watching > 0 {
		text += " · " + N("watching {{.Count}} folders", watching)
	}
	return text
}

// showWindow brings the window back from the tray.
func (b *background) showWindow() {
	b.hidden = false
	b.w.win.Show()
	b.w.win.RequestFocus()
}

// workLeft reports what closing the window would stop: uploads running or
// queued, and watch folders.
func (b *background) workLeft() (uploads, watching int) {
	t := b.w.status.totals
	return t.Active + t.Queued, b.watching()
}

// closeRequested is the window's close button. With nothing left to do it
// quits. With work left it asks: keep running in the background (when a
// tray shows the icon now, so it can bring the window back) or pause and
// quit.
func (b *background) closeRequested() {
	uploads, watching := b.workLeft()
	if uploads+watching == 0 {
		b.w.quit()
		return
	}
	if !b.installed {
		b.askNoTray(uploads, watching)
		return
	}
	b.w.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		present, _ := b.probe(ctx)
		cancel()
		fyne.Do(func() {
			if present && b.w.app.Preferences().Bool(prefKeepRunning) {
				b.hide() // settings.go: the user chose not to be asked
				return
			}
			if present {
				b.askBackground(uploads, watching)
			} else {
				b.askNoTray(uploads, watching)
			}
		})
	})
}

// hide puts the window away; the tray brings it back. The first time, a
// notification says CosDrop is still running.
func (b *background) hide() {
	if !b.installed {
		return // never hide a window nothing can bring back
	}
	b.hidden = true
	b.w.win.Hide()
	if !b.told {
		b.told = true
		b.w.app.SendNotification(fyne.NewNotification(T("CosDrop is still running"),
			T("It carries on in the system tray. Click its icon to open the window.")))
	}
}

// Start at login.

// refreshLogin reads whether start at login is on (off the Fyne
// goroutine: it reads a file or the registry) and, when on, points the
// entry at this program again (an update may have moved it).
func (b *background) refreshLogin() {
	if b.login == nil {
		return
	}
	on, err := b.login.IsEnabled()
	if err == nil && on {
		err = b.login.Enable()
	}
	fyne.Do(func() {
		b.loginState = on && err == nil
		b.syncLogin()
	})
}

// setLogin turns start at login on or off, off the Fyne goroutine.
func (b *background) setLogin(on bool) {
	if b.login == nil || b.loginBusy {
		return
	}
	b.loginBusy = true
	b.w.async(func() {
		var err error
		if on {
			err = b.login.Enable()
		} else {
			err = b.login.Disable()
		}
		now, _ := b.login.IsEnabled()
		fyne.Do(func() {
			b.loginBusy = false
			b.loginState = now
			b.syncLogin()
			if err != nil {
				b.w.dialogs.showError(errors.New(T("Could not change start at login: {{.Err}}", map[string]any{"Err": err.Error()})))
			}
		})
	})
}

// syncLogin shows loginState in the tray and in every open checkbox.
func (b *background) syncLogin() {
	for _, c := range b.loginChecks {
		if c.Checked != b.loginState {
			saved := c.OnChanged
			c.OnChanged = nil
			c.SetChecked(b.loginState)
			c.OnChanged = saved
		}
	}
	if b.installed {
		b.update(b.w.status.totals)
	}
}

// loginCheck is the "Start CosDrop at login" box of the settings window;
// it applies at once (the setting is the computer's, not the profile's).
func (b *background) loginCheck() fyne.CanvasObject {
	c := widget.NewCheck(T("Start CosDrop when I log in (in the system tray)"), nil)
	c.SetChecked(b.loginState)
	c.OnChanged = func(on bool) { b.setLogin(on) }
	if b.login == nil {
		c.Disable()
	}
	b.loginChecks = append(b.loginChecks, c)
	return container.NewVBox(widget.NewSeparator(), c)
}
