package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cosdrop/profile"
	"cosdrop/watch"
)

// TestWatchFoldersInWindow: a folder added in the watch dialog is watched
// by the running app (Sandbox: real engine, real localcos, real fsnotify):
// a file dropped into it reaches COS and the dialog shows the decision in
// words; removing the folder stops the watch; quitting stops it too.
func TestWatchFoldersInWindow(t *testing.T) {
	w := newTestWindow(t, nil)
	w.watches.settle = 100 * time.Millisecond
	s, err := w.opener.openSandbox()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.watches.stop(); _ = s.close() })
	w.useSession(s)

	dir := filepath.Join(t.TempDir(), "Screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	v := newWatchView(w, s)
	v.add(dir)
	if got := w.app.Preferences().StringList(prefSandboxWatch); !slices.Equal(got, []string{dir}) {
		t.Fatalf("Sandbox watch folders %q, want %q", got, []string{dir})
	}
	eventually(t, "the watch to start", func() bool { return len(w.watches.state(1).folders) == 1 })
	p := writeFile(t, dir, "shot.png", 5000)
	var up watch.Decision
	eventually(t, "the upload", func() bool {
		for _, d := range w.watches.state(50).recent {
			if d.Code == watch.Uploaded && d.Path == p {
				up = d
				return true
			}
		}
		return false
	})
	if up.Key != "Screenshots/shot.png" {
		t.Errorf("uploaded as %q, want Screenshots/shot.png", up.Key)
	}
	v.refresh()
	if !strings.Contains(v.status.Text, "Watching 1 folder.") {
		t.Errorf("status %q", v.status.Text)
	}
	if len(v.recent) == 0 || !strings.Contains(decisionLine(v.recent[0]), "uploaded and verified as Screenshots/shot.png") {
		t.Errorf("newest decision line %q", decisionLine(v.recent[0]))
	}

	// A request older than the one carried out (its goroutine ran late:
	// the session's own, with no folders yet) changes nothing. It used to
	// stop the watch just started, one run in five.
	if err := w.watches.follow(1, s, nil, w.opener.dataDir); err != nil || len(w.watches.state(1).folders) != 1 {
		t.Errorf("a stale request stopped the watch (%v)", err)
	}

	// Pause all (the tray): kept when the watch restarts; resumed, the
	// file that arrived meanwhile goes up. (The watch package's
	// TestPausedHandsNothingOver shows that nothing is sent while paused.)
	w.watches.setPaused(true)
	if err := w.watches.follow(w.watches.gen.Add(1), s, []string{dir}, w.opener.dataDir); err != nil {
		t.Fatal(err)
	}
	late := writeFile(t, dir, "late.png", 3000)
	decided := func(code watch.Code, p string) bool {
		for _, d := range w.watches.state(100).recent {
			if d.Code == code && d.Path == p {
				return true
			}
		}
		return false
	}
	eventually(t, "the paused watch to see the file", func() bool { return decided(watch.Waiting, late) })
	w.watches.setPaused(false)
	eventually(t, "the upload after resuming", func() bool { return decided(watch.Uploaded, late) })

	w.showWatchFolders()
	if len(w.dialogs.shown) != 1 {
		t.Errorf("%d dialogs open, want the watch dialog", len(w.dialogs.shown))
	}
	w.dialogs.closeTop()

	v.selected = 0
	v.save(nil)
	eventually(t, "the watch to stop", func() bool { st := w.watches.state(1); return len(st.folders) == 0 && st.err == nil })
	v.refresh()
	if !strings.Contains(v.status.Text, "add a folder") {
		t.Errorf("status after removing the folder: %q", v.status.Text)
	}
}

// TestWatchFoldersSavedInProfile: a profile's watch folders are saved in
// its profile file (validated), so `cosdrop watch --profile P` and
// exports carry them.
func TestWatchFoldersSavedInProfile(t *testing.T) {
	w := newTestWindow(t, nil)
	p := profile.Profile{Name: "office", Bucket: "examplebucket-1250000000", Region: "ap-guangzhou", Mode: profile.ModeSTS,
		CredentialURL: "https://sts.example.com/sts"}
	if err := w.opener.profiles.Put(p); err != nil {
		t.Fatal(err)
	}
	s := &openedProfile{name: "office", profile: p}
	dir := filepath.Join(t.TempDir(), "Scans")
	if err := w.saveWatchFolders(s, []string{dir}); err != nil {
		t.Fatal(err)
	}
	got, err := w.opener.profiles.Get("office")
	if err != nil || !slices.Equal(got.WatchFolders, []string{dir}) {
		t.Errorf("profile's watch folders %q (%v), want %q", got.WatchFolders, err, dir)
	}
	if err := w.saveWatchFolders(s, []string{"relative/dir"}); err == nil {
		t.Error("a relative watch folder was saved")
	}
}
