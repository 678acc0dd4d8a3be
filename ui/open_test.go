package ui

import (
	"context"
	"testing"

	"cosdrop/auth"
	"cosdrop/localcos"
	cosession "cosdrop/session"
)

// Issue 12, finding 3: saving the active profile reopens it; the window's
// own engine must not lock the new one out ("in use by another CosDrop
// process") and the saved settings must apply.
func TestSaveActiveProfileApplies(t *testing.T) {
	const id, key = "AKIDuiopentest00001", "uiOpenTestSecretKey0123456789abc"
	srv, err := localcos.Start(localcos.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), SecretID: id, SecretKey: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	w := newTestWindow(t, nil)
	w.async = func(f func()) { f() }
	p := auth.Profile{Name: "office", Endpoint: srv.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: auth.ModePermanent, SecretID: id}
	if err := w.opener.profiles.Put(p); err != nil {
		t.Fatal(err)
	}
	if err := w.opener.secrets.Set(context.Background(), auth.SecretKeyAccount(p.Name), key); err != nil {
		t.Fatal(err)
	}
	w.switchTo(p.Name)
	if w.sess == nil || w.sess.name != p.Name {
		t.Fatalf("profile not opened; notice %q", w.notice.Text)
	}
	first := w.sess
	p.Prefix = "saved/"
	if err := w.opener.profiles.Put(p); err != nil {
		t.Fatal(err)
	}
	w.switchTo(p.Name) // what Save does
	if w.notice.Visible() {
		t.Fatalf("saving the active profile failed: %q", w.notice.Text)
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
	if !cosession.HandOff(w.opener.dataDir, []string{f}) {
		t.Fatal("the window did not take the files")
	}
	waitFor(t, w, "the handed-over file", func() bool { return w.status.totals.Done == 1 })
}
