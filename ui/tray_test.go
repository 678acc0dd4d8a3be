package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/autostart"
	"cosdrop/uploader"
)

// fakeTray records what the window puts in the system tray.
type fakeTray struct {
	menus int
	menu  *fyne.Menu
	icon  fyne.Resource
}

func (f *fakeTray) SetSystemTrayMenu(m *fyne.Menu)    { f.menus++; f.menu = m }
func (f *fakeTray) SetSystemTrayIcon(r fyne.Resource) { f.icon = r }

func (f *fakeTray) item(t *testing.T, label string) *fyne.MenuItem {
	t.Helper()
	if f.menu == nil {
		t.Fatal("no tray menu")
	}
	for _, i := range f.menu.Items {
		if i.Label == label {
			return i
		}
	}
	t.Fatalf("no %q in the tray menu", label)
	return nil
}

// visWindow is the test driver's window plus the visibility it lacks.
type visWindow struct {
	fyne.Window
	hidden bool
	shows  int
}

func (v *visWindow) Hide() { v.hidden = true; v.Window.Hide() }
func (v *visWindow) Show() { v.hidden = false; v.shows++; v.Window.Show() }

// trayWindow is a test window whose tray host answers (hostUp) or not;
// later-calls are collected, to run when the test chooses.
type trayWindow struct {
	*mainWindow
	tray  *fakeTray
	vis   *visWindow
	later []func()
	cfg   string // XDG_CONFIG_HOME of start at login
	// hostUp: a tray host shows icons now (the probe's answer).
	hostUp bool
}

func newTrayWindow(t *testing.T, e Engine, hostUp bool, opts Options) *trayWindow {
	return newTrayWindowBus(t, e, hostUp, false, opts)
}

// newTrayWindowBus: hostUp, a tray host answers; bus, there is a session
// bus (a host may appear later).
func newTrayWindowBus(t *testing.T, e Engine, hostUp, bus bool, opts Options) *trayWindow {
	t.Helper()
	w := newTestWindow(t, scriptSession(e))
	tw := &trayWindow{mainWindow: w, tray: &fakeTray{}, cfg: t.TempDir(), hostUp: hostUp}
	w.opts = opts
	w.async = func(f func()) { f() }
	w.later = func(_ time.Duration, f func()) { tw.later = append(tw.later, f) }
	tw.vis = &visWindow{Window: w.win}
	w.win = tw.vis
	b := w.bg
	b.host = tw.tray
	b.probe = func(context.Context) (bool, bool) { return tw.hostUp, bus || tw.hostUp }
	b.wait = 0
	// A held clock: "within a second" is the fake later's, never the
	// machine's speed (a busy machine took over a second to tick once).
	held := time.Now()
	b.now = func() time.Time { return held }
	st := autostart.New(autostart.App{ID: AppID, Name: "CosDrop", Exe: "/opt/Cos Drop/cosdrop", Args: []string{BackgroundFlag}})
	st.Dirs = autostart.Dirs{ConfigHome: tw.cfg, Home: t.TempDir()}
	b.login = st
	return tw
}

func (tw *trayWindow) runLater() {
	fs := tw.later
	tw.later = nil
	for _, f := range fs {
		f()
	}
}

// The tray shows the queue's status, updated by the window's tick (never
// more than once a second, and the last change always arrives), with
// Pause all / Resume all acting on the engine.
func TestTrayStatusAndPauseAll(t *testing.T) {
	e := newScriptEngine()
	tw := newTrayWindow(t, e, true, Options{})
	tw.bg.start()
	if !tw.bg.installed || tw.tray.icon == nil || tw.tray.menus != 1 {
		t.Fatalf("tray not installed: %v icon %v menus %d", tw.bg.installed, tw.tray.icon != nil, tw.tray.menus)
	}
	if got := tw.tray.menu.Items[0].Label; got != "Nothing to upload" {
		t.Errorf("status %q", got)
	}
	e.Add("/d/a.txt", "/d/b.txt", "/d/c.txt")
	e.set(1, func(s *uploader.Snapshot) { s.State = uploader.Uploading; s.Acked = 500 })
	tw.tick()
	if tw.tray.menus != 1 {
		t.Errorf("the tray menu was rebuilt %d times within a second", tw.tray.menus)
	}
	tw.runLater()
	if got := tw.tray.item(t, "Pause all"); got.Disabled {
		t.Error("Pause all is disabled while uploading")
	}
	if got := tw.tray.menu.Items[0].Label; got != "3 uploading, 16%" {
		t.Errorf("status %q, want %q", got, "3 uploading, 16%")
	}
	tw.tray.item(t, "Pause all").Action()
	for id := uploader.TaskID(1); id <= 3; id++ {
		if st := stateOf(e, id); st != uploader.Paused {
			t.Errorf("task %d: %s after Pause all", id, st)
		}
	}
	tw.tick()
	tw.runLater()
	if got := tw.tray.menu.Items[0].Label; got != "3 paused" || tw.tray.item(t, "Pause all").Disabled != true {
		t.Errorf("status %q after Pause all", got)
	}
	tw.tray.item(t, "Resume all").Action()
	if st := stateOf(e, 2); st != uploader.Queued {
		t.Errorf("task 2: %s after Resume all", st)
	}
}

// Closing with uploads left asks; "Keep running in the background" hides
// the window, and the tray's "Show window" brings it back.
func TestCloseKeepsRunningInTray(t *testing.T) {
	e := newScriptEngine()
	tw := newTrayWindow(t, e, true, Options{})
	tw.bg.start()
	e.Add("/d/a.txt")
	tw.tick()
	tw.bg.closeRequested()
	if tw.quitting {
		t.Fatal("quit without asking")
	}
	test.Tap(findButton(t, tw.mainWindow, "Keep running in the background"))
	if !tw.vis.hidden || tw.quitting || !tw.bg.hidden {
		t.Fatalf("hidden %v quitting %v", tw.vis.hidden, tw.quitting)
	}
	tw.tray.item(t, "Show window").Action()
	if tw.vis.hidden {
		t.Fatal("Show window did not bring the window back")
	}
	// "Pause and quit" quits.
	tw.bg.closeRequested()
	test.Tap(findButton(t, tw.mainWindow, "Pause and quit"))
	if !tw.quitting {
		t.Fatal("Pause and quit did not quit")
	}
}

// Watch folders count as work left (the watch helper sets Watching).
func TestCloseWithWatchFoldersAsks(t *testing.T) {
	tw := newTrayWindow(t, newScriptEngine(), true, Options{})
	tw.bg.start()
	tw.bg.Watching = func() int { return 2 }
	tw.bg.closeRequested()
	if tw.quitting || !topDialogOpen(tw.mainWindow) {
		t.Fatal("closing with watch folders on did not ask")
	}
	findButton(t, tw.mainWindow, "Keep running in the background")
	tw.bg.Watching = nil
	tw.dialogs.closeTop()
	tw.bg.closeRequested()
	if !tw.quitting {
		t.Fatal("with nothing left, closing did not quit")
	}
}

// No tray host (plain Xvfb, some window managers): the window never hides
// into nothing. Closing offers only to pause and quit, and says why.
func TestNoTrayFallback(t *testing.T) {
	e := newScriptEngine()
	tw := newTrayWindow(t, e, false, Options{})
	tw.bg.start()
	if tw.bg.installed || tw.tray.menus != 0 {
		t.Fatal("a tray was installed with no host")
	}
	e.Add("/d/a.txt")
	tw.tick()
	tw.bg.closeRequested()
	top := tw.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog")
	}
	var text string
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			text += l.Text
		}
		if b, ok := o.(*widget.Button); ok && b.Text == "Keep running in the background" {
			t.Error("offered the background with no tray")
		}
	}
	if !strings.Contains(text, "this desktop shows no system tray") {
		t.Errorf("the dialog does not say why: %q", text)
	}
	tw.bg.hide()
	if tw.vis.hidden {
		t.Error("the window hid with no tray to bring it back")
	}
	test.Tap(findButton(t, tw.mainWindow, "Keep uploading"))
	if tw.quitting {
		t.Error("Keep uploading quit")
	}
}

// A session bus but no tray host yet (a panel that starts later): the icon
// is set up (Fyne registers it when the panel comes), but closing does not
// hide the window until a host shows it.
func TestTrayHostAppearsLater(t *testing.T) {
	e := newScriptEngine()
	tw := newTrayWindowBus(t, e, false, true, Options{})
	tw.bg.start()
	if !tw.bg.installed {
		t.Fatal("no tray icon set up with a session bus")
	}
	e.Add("/d/a.txt")
	tw.tick()
	tw.bg.closeRequested()
	for _, o := range test.LaidOutObjects(tw.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Keep running in the background" {
			t.Fatal("offered the background while no tray shows the icon")
		}
	}
	tw.dialogs.closeTop()
	tw.hostUp = true
	tw.bg.closeRequested()
	test.Tap(findButton(t, tw.mainWindow, "Keep running in the background"))
	if !tw.vis.hidden {
		t.Fatal("not hidden once the tray showed")
	}
}

// A start at login (--background) stays hidden when the tray is up and
// shows the window when there is none.
func TestBackgroundStart(t *testing.T) {
	for _, up := range []bool{true, false} {
		tw := newTrayWindowBus(t, newScriptEngine(), up, true, Options{Background: true})
		tw.bg.hidden, tw.vis.hidden = true, true // as run() leaves it
		tw.bg.start()
		if up && (tw.vis.hidden != true || tw.vis.shows != 0 || !tw.bg.installed) {
			t.Errorf("tray up: hidden %v shows %d installed %v", tw.vis.hidden, tw.vis.shows, tw.bg.installed)
		}
		if !up && tw.vis.hidden {
			t.Error("no tray: the window stayed hidden")
		}
	}
}

// Start at login, from the settings checkbox and the tray: an XDG entry
// running "cosdrop --background" appears and goes.
func TestStartAtLoginToggles(t *testing.T) {
	tw := newTrayWindow(t, newScriptEngine(), true, Options{})
	tw.bg.start()
	box := tw.bg.loginCheck().(*fyne.Container).Objects[1].(*widget.Check)
	if box.Checked {
		t.Fatal("start at login is on before anyone chose it")
	}
	entry := filepath.Join(tw.cfg, "autostart", "io.cosdrop.app.desktop")
	box.SetChecked(true)
	b, err := os.ReadFile(entry)
	if err != nil || !strings.Contains(string(b), "Exec=\"/opt/Cos Drop/cosdrop\" --background\n") {
		t.Fatalf("entry %q: %v", b, err)
	}
	tw.runLater()
	if item := tw.tray.item(t, "Start at login"); !item.Checked {
		t.Error("the tray's Start at login is not ticked")
	}
	tw.tray.item(t, "Start at login").Action()
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Errorf("the entry is still there: %v", err)
	}
	if box.Checked {
		t.Error("the settings box is still ticked")
	}
}

func TestTrayStatusText(t *testing.T) {
	cases := []struct {
		t     uploader.Totals
		watch int
		want  string
	}{
		{uploader.Totals{}, 0, "Nothing to upload"},
		{uploader.Totals{Tasks: 5, Active: 2, Queued: 1, Bytes: 200, Acked: 90, Failed: 1}, 0, "3 uploading, 45% · 1 failed"},
		{uploader.Totals{Tasks: 2, Done: 2}, 3, "All uploads finished · watching 3 folders"},
	}
	for _, c := range cases {
		if got := trayStatus(c.t, c.watch); got != c.want {
			t.Errorf("%+v: %q, want %q", c.t, got, c.want)
		}
	}
}

// Issue 21, finding 7: the close question follows the uploads while it is
// open (it counted uploads that had just finished), Enter chooses its
// highlighted answer, and when the last upload ends it closes itself and
// quits, as the user asked.
func TestCloseQuestionFollowsTheUploads(t *testing.T) {
	e := newScriptEngine()
	tw := newTrayWindow(t, e, false, Options{})
	tw.bg.start()
	e.Add("/d/a.txt", "/d/b.txt")
	e.set(1, func(s *uploader.Snapshot) { s.State = uploader.Uploading })
	e.set(2, func(s *uploader.Snapshot) { s.State = uploader.Uploading })
	tw.tick()
	tw.bg.closeRequested()
	q := tw.bg.question
	if q == nil || !strings.HasPrefix(q.label.Text, "2 uploads are still running.") {
		t.Fatalf("question %+v", q)
	}
	tw.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if topDialogOpen(tw.mainWindow) || tw.quitting {
		t.Fatal("Enter did not choose Keep uploading")
	}
	tw.bg.closeRequested()
	q = tw.bg.question
	e.set(1, func(s *uploader.Snapshot) { s.State, s.Verified = uploader.Done, true })
	tw.tick()
	if !strings.HasPrefix(q.label.Text, "1 upload is still running.") {
		t.Errorf("after one finished: %q", q.label.Text)
	}
	e.set(2, func(s *uploader.Snapshot) { s.State, s.Verified = uploader.Done, true })
	tw.tick()
	if !tw.quitting || topDialogOpen(tw.mainWindow) {
		t.Errorf("nothing left: quitting %v, question open %v", tw.quitting, topDialogOpen(tw.mainWindow))
	}
}
