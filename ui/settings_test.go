package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/auth"
	"cosdrop/profile"
)

// rateEngine records the limits the window applies.
type rateEngine struct {
	*scriptEngine
	mu    sync.Mutex
	rates []int64
}

func (e *rateEngine) SetRateLimit(bps int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rates = append(e.rates, bps)
}

func (e *rateEngine) last(t *testing.T, w *mainWindow) int64 {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.rates) == 0 {
		t.Fatal("no limit applied")
	}
	return e.rates[len(e.rates)-1]
}

// fixClock sets the window's timetable clock for one test.
func fixClock(t *testing.T, at time.Time) *time.Time {
	now := at
	saved := bandwidthNow
	bandwidthNow = func() time.Time { return now }
	t.Cleanup(func() { bandwidthNow = saved })
	return &now
}

// monday0730 is a Monday morning in UTC; the tests never read the wall clock.
var monday0730 = time.Date(2026, 11, 30, 7, 30, 0, 0, time.UTC)

func settingsWindow(t *testing.T) (*mainWindow, *rateEngine) {
	t.Helper()
	e := &rateEngine{scriptEngine: newScriptEngine()}
	w := newTestWindow(t, scriptSession(e))
	return w, e
}

func findInDialog[T fyne.CanvasObject](t *testing.T, w *mainWindow, match func(T) bool) T {
	t.Helper()
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog open")
	}
	for _, o := range test.LaidOutObjects(top) {
		if v, ok := o.(T); ok && match(v) {
			return v
		}
	}
	var zero T
	t.Fatalf("no such %T in the dialog:\n%s", zero, overlayText(w))
	return zero
}

func checkNamed(t *testing.T, w *mainWindow, prefix string) *widget.Check {
	return findInDialog(t, w, func(c *widget.Check) bool { return strings.HasPrefix(c.Text, prefix) })
}

// Issue 21, finding 6: Ctrl+, opens Settings, with start at login, keep
// running (disabled, saying why, where no tray shows), the speed limit and
// auto-copy; the toolbar's settings button opens the same screen.
func TestSettingsScreen(t *testing.T) {
	fixClock(t, monday0730)
	w, _ := settingsWindow(t)
	pressShortcut(w.win.Canvas(), &desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault})
	text := overlayText(w)
	for _, want := range []string{"Settings", "Speed limit", "Not available on this desktop", "Now: no limit"} {
		if !strings.Contains(text, want) {
			t.Errorf("Settings lack %q:\n%s", want, text)
		}
	}
	login := checkNamed(t, w, "Start CosDrop when I log in")
	if len(w.bg.loginChecks) == 0 || w.bg.loginChecks[len(w.bg.loginChecks)-1] != login {
		t.Error("the login box is not the tray's start-at-login switch")
	}
	if keep := checkNamed(t, w, "Keep running in the background"); !keep.Disabled() {
		t.Error("keep running is offered where no tray can bring the window back")
	}
	auto := checkNamed(t, w, "Copy links automatically")
	test.Tap(auto)
	if !w.app.Preferences().Bool(prefAutoCopyLinks) {
		t.Error("auto-copy did not stick")
	}
	findButton(t, w, "Edit profile…")
	w.win.Canvas().Unfocus()
	press(w, fyne.KeyEscape)
	if w.dialogs.open() {
		t.Fatal("Escape left Settings open")
	}
}

// With a tray, keep running is offered and, chosen, closing with work left
// hides the window without asking.
func TestSettingsKeepRunningWithTray(t *testing.T) {
	w, _ := settingsWindow(t)
	w.bg.installed = true
	w.showAppSettings()
	keep := checkNamed(t, w, "Keep running in the background")
	if keep.Disabled() || strings.Contains(overlayText(w), "Not available") {
		t.Fatal("keep running disabled although a tray is up")
	}
	test.Tap(keep)
	if !w.app.Preferences().Bool(prefKeepRunning) {
		t.Fatal("keep running did not stick")
	}
}

// A timetable typed in Settings is checked, applied at once and shown in
// the status bar with its next change; a bad one is refused in words and
// the limit stays.
func TestSettingsSpeedTimetable(t *testing.T) {
	fixClock(t, monday0730)
	w, e := settingsWindow(t)
	w.showAppSettings()
	entry := findInDialog(t, w, func(*widget.Entry) bool { return true })
	entry.SetText("office 2MiB/s")
	test.Tap(findButton(t, w, "Apply"))
	if !strings.Contains(overlayText(w), `"office 2MiB/s"`) || w.bw.userSchedule() != "" {
		t.Fatalf("a bad timetable was taken:\n%s", overlayText(w))
	}
	entry.SetText("mon-fri 08:00-19:00   2MiB/s; otherwise unlimited")
	entry.OnSubmitted(entry.Text)
	if got := w.bw.userSchedule(); got != "mon-fri 08:00-19:00 2MiB/s; otherwise unlimited" {
		t.Fatalf("stored %q", got)
	}
	if got := e.last(t, w); got != 0 {
		t.Errorf("07:30 limit %d, want none", got)
	}
	if got := w.status.limit.Text; got != "No limit until 08:00" || !w.status.limit.Visible() {
		t.Errorf("status bar %q", got)
	}
	if !strings.Contains(overlayText(w), "Now: No limit until 08:00") {
		t.Errorf("Settings do not say what is in force:\n%s", overlayText(w))
	}
	if w.bar.limit.SelectedIndex() != len(limitChoices()) {
		t.Errorf("toolbar shows %q for a timetable", w.bar.limit.Selected)
	}
}

// The limit changes at the timetable's boundary, as the ticker finds it,
// and the status bar names the next change.
func TestTimetableBoundaryAppliesLive(t *testing.T) {
	now := fixClock(t, monday0730)
	w, e := settingsWindow(t)
	if err := w.bw.setUserSchedule("mon-fri 08:00-19:00 2MiB/s; otherwise unlimited"); err != nil {
		t.Fatal(err)
	}
	if _, changed := w.bw.followBandwidth(*now, false); changed {
		t.Error("a tick with nothing new reported a change")
	}
	*now = now.Add(30 * time.Minute) // 08:00
	text, changed := w.bw.followBandwidth(*now, false)
	if !changed || text != "Limit 2.0 MiB/s until 19:00" && text != "Limit 2 MiB/s until 19:00" {
		t.Errorf("at 08:00: %q %v", text, changed)
	}
	if got := e.last(t, w); got != 2<<20 {
		t.Errorf("at 08:00 the engine's limit is %d, want 2MiB/s", got)
	}
	*now = time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC) // Friday evening
	text, _ = w.bw.followBandwidth(*now, false)
	if got := e.last(t, w); got != 0 || text != "No limit until Monday 08:00" {
		t.Errorf("Friday 19:00: limit %d, status %q", got, text)
	}
}

// Without a limit of the user's, the profile's timetable applies and says
// so; the user's own choice in the toolbar wins over it.
func TestProfileTimetableAndToolbar(t *testing.T) {
	fixClock(t, monday0730.Add(time.Hour)) // 08:30
	e := &rateEngine{scriptEngine: newScriptEngine()}
	s := scriptSession(e)
	s.profile.BandwidthSchedule = "mon-fri 08:00-19:00 2MiB/s"
	w := newTestWindow(t, s)
	if got := e.last(t, w); got != 2<<20 {
		t.Fatalf("profile's timetable not applied: %d", got)
	}
	if got := w.status.limit.Text; !strings.Contains(got, "(the profile's timetable)") {
		t.Errorf("status bar %q does not name the profile", got)
	}
	w.bar.limit.SetSelectedIndex(2) // Limit: 10 MiB/s
	if got := e.last(t, w); got != 10<<20 || w.bw.userSchedule() != "10MiB/s" {
		t.Errorf("toolbar choice: engine %d, stored %q", got, w.bw.userSchedule())
	}
	if w.status.limit.Text != "Limit 10 MiB/s" && w.status.limit.Text != "Limit 10.0 MiB/s" {
		t.Errorf("status bar %q", w.status.limit.Text)
	}
	if err := w.bw.setUserSchedule(""); err != nil || e.last(t, w) != 2<<20 {
		t.Error("clearing the user's limit did not hand it back to the profile")
	}
}

// An older version's stored number is still the user's limit.
func TestOldRatePreferenceKept(t *testing.T) {
	fixClock(t, monday0730)
	w, e := settingsWindow(t)
	w.app.Preferences().SetInt(prefRate, 5<<20)
	w.bw.refreshSchedule()
	if got := e.last(t, w); got != 5<<20 || w.bar.limit.SelectedIndex() != 3 {
		t.Errorf("limit %d, toolbar %q", got, w.bar.limit.Selected)
	}
}

// The profile editor carries the admin's timetable, refuses a bad one in
// words, and keeps it in the profile it saves.
func TestProfileEditorTimetable(t *testing.T) {
	setLocale("en")
	p := &profile.Profile{Name: "Office", Mode: profile.ModeSTS, Bucket: "b-1250000000", Region: "ap-guangzhou",
		CredentialURL: "https://sts.example.com/", BandwidthSchedule: "mon-fri 08:00-19:00 2MiB/s"}
	e := newProfileEditor(profile.NewProfiles(t.TempDir()), auth.NewSessionStore(), p)
	if e.schedule.Text != p.BandwidthSchedule {
		t.Fatalf("editor shows %q", e.schedule.Text)
	}
	e.schedule.SetText("office hours 2MiB/s")
	if e.problem.Text == "" || !strings.Contains(e.problem.Text, "office") {
		t.Errorf("bad timetable not refused: %q", e.problem.Text)
	}
	e.schedule.SetText("  weekdays   09:00-17:00 1MiB/s ")
	if got := e.profile().BandwidthSchedule; got != "weekdays 09:00-17:00 1MiB/s" || e.problem.Text != "" {
		t.Errorf("saved %q, problem %q", got, e.problem.Text)
	}
}
