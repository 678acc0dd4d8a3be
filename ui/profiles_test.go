package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cosdrop/auth"
)

// The SecretKey typed into the editor goes to the secret store and never
// into the profile file; the file still records the profile.
func TestProfileEditorNeverWritesSecretToConfig(t *testing.T) {
	test.NewTempApp(t)
	dir := t.TempDir()
	profiles := auth.NewProfiles(dir)
	store := auth.NewSessionStore()
	e := newProfileEditor(profiles, store, nil)
	const secret = "s3cr3tKeyValue0123456789abcdefXYZ"
	test.Type(e.name, "Team photos")
	e.mode.SetSelected(modeNames()[0])
	test.Type(e.bucket, "photos-1250000000")
	test.Type(e.region, "ap-shanghai")
	test.Type(e.secretID, "AKIDexample1234567890")
	test.Type(e.secretKey, secret)
	if err := e.validate(); err != nil {
		t.Fatalf("valid form rejected: %v", err)
	}
	p := e.profile()
	if err := e.store(context.Background(), p, e.secretsToStore(p)); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Fatal("no profile file written")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), secret) {
			t.Fatalf("%s contains the SecretKey", f)
		}
		if !strings.Contains(string(b), "AKIDexample1234567890") {
			t.Errorf("%s lacks the profile", f)
		}
	}
	got, err := store.Get(context.Background(), auth.SecretKeyAccount("Team photos"))
	if err != nil || got != secret {
		t.Fatalf("secret store has %q, %v", got, err)
	}
}

// Inline validation names the problem as the user types, and blocks saving.
func TestProfileEditorValidatesInline(t *testing.T) {
	test.NewTempApp(t)
	e := newProfileEditor(auth.NewProfiles(t.TempDir()), auth.NewSessionStore(), nil)
	e.save, e.test = newTipButtonForTest(), newTipButtonForTest()
	test.Type(e.name, "x")
	test.Type(e.bucket, "NotABucket")
	if !e.problem.Visible() || !strings.Contains(e.problem.Text, "bucket") {
		t.Fatalf("problem label %q (visible %v)", e.problem.Text, e.problem.Visible())
	}
	if !e.save.Disabled() {
		t.Error("save enabled with an invalid bucket")
	}
	e.mode.SetSelected(modeNames()[1]) // STS: SecretId fields disabled, URL enabled
	if !e.secretKey.Disabled() || e.credURL.Disabled() {
		t.Error("STS mode should disable the SecretKey field and enable the credential URL")
	}
}

// A profile file dropped on the window is imported, not uploaded.
func TestDroppedProfileFileIsNotUploaded(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	w.async = func(f func()) { f() }
	path := filepath.Join(t.TempDir(), "team"+profileExt)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	p := auth.Profile{Name: "Team", Mode: auth.ModeSTS, Bucket: "team-1250000000", Region: "ap-beijing",
		CredentialURL: "https://sts.example.com/cosdrop"}
	if err := auth.ExportProfile(f, p); err != nil {
		t.Fatal(err)
	}
	f.Close()
	w.onDropped(fyneZero, urisOf(path))
	w.ctl.flush()
	if len(e.calls) != 0 {
		t.Fatalf("engine calls %v for a profile drop", e.calls)
	}
	var editor fyne.Window
	for _, win := range w.app.Driver().AllWindows() {
		if win.Title() == "CosDrop profile" {
			editor = win
		}
	}
	if editor == nil {
		t.Fatal("the profile editor did not open for the dropped file")
	}
	editor.Close()
}
