package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/auth"
	"cosdrop/profile"
	"cosdrop/uploader"
)

// TestMain pins the language to English so markup masters do not depend
// on the machine's locale (lang reads it when translations are added).
func TestMain(m *testing.M) {
	setLocale("en_US.UTF-8")
	os.Exit(m.Run())
}

func setLocale(l string) {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		os.Setenv(k, l)
	}
	if err := addTranslations(); err != nil {
		panic(err)
	}
}

// newBenchWindow is newTestWindow for benchmarks.
func newBenchWindow(b *testing.B, e Engine) *mainWindow {
	a := test.NewTempApp(b)
	win := a.NewWindow("CosDrop")
	b.Cleanup(win.Close)
	w := newMainWindow(a, win, Options{})
	win.Resize(fyne.NewSize(1000, 600))
	w.useSession(scriptSession(e))
	return w
}

// newTestWindow builds the main window on the test driver with s as its
// session; the ticker is not started: tests call tick themselves.
func newTestWindow(t *testing.T, s *openedProfile) *mainWindow {
	t.Helper()
	a := test.NewTempApp(t)
	win := a.NewWindow("CosDrop")
	t.Cleanup(win.Close)
	w := newMainWindow(a, win, Options{Version: "test"})
	// Delayed work (a "Link copied" that clears itself, the watch dialog's
	// refresh) never runs by itself: a timer's fyne.Do would run on the
	// timer's goroutine under the test driver and race the test. Tests that
	// need it replace later and run it when they choose.
	w.later = func(time.Duration, func()) {}
	dir := t.TempDir()
	w.opener = &opener{dataDir: dir, profiles: profile.NewProfiles(filepath.Join(dir, "config")),
		secrets: auth.NewSessionStore(), ask: w.askConflict, rateLimit: w.bw.rate.Load}
	win.Resize(fyne.NewSize(1000, 600))
	if s != nil {
		w.useSession(s)
	}
	return w
}

// sandboxSession starts the real engine against an in-process localcos.
func sandboxSession(t *testing.T) *openedProfile {
	t.Helper()
	o := &opener{dataDir: t.TempDir(), rateLimit: func() int64 { return 0 }}
	s, err := o.openSandbox()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.close() })
	return s
}

// waitBound is how long a wait in this package's tests lets a condition
// take before calling the test stuck. It only ends a stuck test: under
// -race beside other work (a second `make test`, a build) an upload through
// the real engine can take far longer than alone, and must not fail.
const waitBound = 2 * time.Minute

// eventually polls cond until it holds, failing the test after waitBound.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", waitBound, what)
		}
		time.Sleep(10 * time.Millisecond) // poll interval, bounded by the deadline
	}
}

// waitFor ticks the window until cond holds, failing after waitBound.
func waitFor(t *testing.T, w *mainWindow, what string, cond func() bool) {
	t.Helper()
	eventually(t, what, func() bool {
		if cond() {
			return true
		}
		w.tick()
		return false
	})
}

// writeFile creates a file of n bytes under dir.
func writeFile(t *testing.T, dir, name string, n int) string {
	t.Helper()
	p := filepath.Join(dir, name)
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func scriptSession(e Engine) *openedProfile {
	return &openedProfile{name: SandboxName, sandbox: true, engine: e, bucketURL: "http://127.0.0.1:1", canPresign: false}
}

// stateOf reads a task's state from the engine itself, not the window.
func stateOf(e Engine, id uploader.TaskID) uploader.State {
	s, _ := e.Get(id)
	return s.State
}

var fyneZero = fyne.NewPos(0, 0)

func urisOf(paths ...string) []fyne.URI {
	out := make([]fyne.URI, len(paths))
	for i, p := range paths {
		out[i] = storage.NewFileURI(p)
	}
	return out
}

func newTipButtonForTest() *widget.Button { return widget.NewButton("x", nil) }
