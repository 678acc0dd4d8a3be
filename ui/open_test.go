package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/profile"
	"cosdrop/session"
)

// Issue 12, finding 3: saving the active profile reopens it; the window's
// own engine must not lock the new one out ("in use by another CosDrop
// process") and the saved settings must apply.
func TestSaveActiveProfileApplies(t *testing.T) {
	const id, key = "AKIDuiopentest00001", "uiOpenTestSecretKey0123456789abc"
	srv := localcostest.Start(t, localcos.Config{SecretID: id, SecretKey: key})
	w := newTestWindow(t, nil)
	w.async = func(f func()) { f() }
	p := profile.Profile{Name: "office", Endpoint: srv.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModePermanent, SecretID: id}
	if err := w.opener.profiles.Put(p); err != nil {
		t.Fatal(err)
	}
	if err := w.opener.secrets.Set(context.Background(), auth.SecretKeyAccount(p.Name), key); err != nil {
		t.Fatal(err)
	}
	w.switchTo(p.Name)
	if w.sess == nil || w.sess.name != p.Name {
		t.Fatalf("profile not opened; notice %q", w.notice.text.Text)
	}
	first := w.sess
	p.Prefix = "saved/"
	if err := w.opener.profiles.Put(p); err != nil {
		t.Fatal(err)
	}
	w.switchTo(p.Name) // what Save does
	if w.notice.visible() {
		t.Fatalf("saving the active profile failed: %q", w.notice.text.Text)
	}
	if w.sess == first || w.sess.s.Config.Prefix != "saved/" {
		t.Fatalf("the saved settings were not applied (prefix %q)", w.sess.s.Config.Prefix)
	}
	t.Cleanup(func() { _ = w.sess.close() })
	f := writeFile(t, t.TempDir(), "a.txt", 10)
	w.add([]string{f})
	waitFor(t, w, "the upload", func() bool { return w.status.totals.Done == 1 })
}

// Single instance: files a second launch hands over (session.HandOff, as
// `cosdrop FILE` does while the window runs) are added to this window.
func TestHandoffAddsFilesToWindow(t *testing.T) {
	w := newTestWindow(t, sandboxSession(t))
	stop := w.acceptHandoffs()
	defer stop()
	f := writeFile(t, t.TempDir(), "handed.txt", 100)
	if !session.HandOff(w.opener.dataDir, []string{f}) {
		t.Fatal("the window did not take the files")
	}
	waitFor(t, w, "the handed-over file", func() bool { return w.status.totals.Done == 1 })
}

// Finding 10.12 in the window: a damaged Sandbox journal is refused in
// plain words, and setAside (for the notice's "Set aside" action) lets the
// Sandbox open again.
func TestSetAsideDamagedJournal(t *testing.T) {
	o := &opener{dataDir: t.TempDir(), rateLimit: func() int64 { return 0 }}
	s, err := o.openSandbox()
	if err != nil {
		t.Fatal(err)
	}
	dir := s.s.StateDir()
	_ = s.close()
	p := filepath.Join(dir, "journal.db")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := 2 * 4096; i < len(b); i++ {
		b[i] = 0
	}
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := o.openSandbox(); err == nil || !strings.Contains(errText(err), "is damaged") {
		t.Fatalf("damaged journal: %v", err)
	}
	if text, err := o.setAside(SandboxName); err != nil || !strings.Contains(text, "was moved to") {
		t.Fatalf("set aside: %q %v", text, err)
	}
	s2, err := o.openSandbox()
	if err != nil {
		t.Fatalf("open after set aside: %v", err)
	}
	_ = s2.close()
}
