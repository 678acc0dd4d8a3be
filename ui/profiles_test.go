package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/auth"
	"cosdrop/profile"
)

// The SecretKey typed into the editor goes to the secret store and never
// into the profile file; the file still records the profile.
func TestProfileEditorNeverWritesSecretToConfig(t *testing.T) {
	test.NewTempApp(t)
	dir := t.TempDir()
	profiles := profile.NewProfiles(dir)
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
	e := newProfileEditor(profile.NewProfiles(t.TempDir()), auth.NewSessionStore(), nil)
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

// writeProfileFile writes an exported profile, as an admin hands it out.
func writeProfileFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "team"+profileExt)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	p := profile.Profile{Name: "Team", Mode: profile.ModeSTS, Bucket: "team-1250000000", Region: "ap-beijing",
		CredentialURL: "https://sts.example.com/cosdrop"}
	if err := profile.ExportProfile(f, p); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// closeProfileEditor closes the profile editor window, failing when none opened.
func closeProfileEditor(t *testing.T, w *mainWindow) {
	t.Helper()
	for _, win := range w.app.Driver().AllWindows() {
		if win.Title() == "CosDrop profile" {
			win.Close()
			return
		}
	}
	t.Fatal("the profile editor did not open for the profile file")
}

// A profile file dropped on the window is imported, not uploaded.
func TestDroppedProfileFileIsNotUploaded(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	w.async = func(f func()) { f() }
	w.onDropped(fyneZero, urisOf(writeProfileFile(t)))
	if len(e.calls) != 0 {
		t.Fatalf("engine calls %v for a profile drop", e.calls)
	}
	closeProfileEditor(t, w)
}

// Issue 21, finding 1: an admin's profile saved as marketing.json is
// recognised by its content when dropped: the window asks (Import is the
// default) instead of uploading it; "Upload as a file" uploads it, and an
// ordinary JSON file dropped beside it is uploaded without a question.
func TestDroppedProfileJSONAsks(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	w.async = func(f func()) { f() }
	dir := t.TempDir()
	profile := filepath.Join(dir, "marketing.json")
	if err := os.Rename(writeProfileFile(t), profile); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data.json")
	if err := os.WriteFile(data, []byte(`{"format":"csv","rows":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	w.open([]string{profile, data})
	if got := enginePaths(e); !slices.Equal(got, []string{data}) {
		t.Fatalf("engine got %v, want only data.json", got)
	}
	if !topDialogOpen(w) {
		t.Fatal("no question for the profile file")
	}
	w.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter: Import
	closeProfileEditor(t, w)
	w.open([]string{profile})
	test.Tap(dialogButton(t, w.win, "Upload as a file"))
	if got := enginePaths(e); !slices.Equal(got, []string{data, profile}) {
		t.Fatalf("engine got %v after Upload as a file", got)
	}
}

// A profile file the OS opens CosDrop with (a double-click on it) is
// imported too, while other launch paths are uploaded.
func TestLaunchPathsImportProfileFiles(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	w.async = func(f func()) { f() }
	photo := filepath.Join(t.TempDir(), "photo.jpg")
	w.open([]string{writeProfileFile(t), photo})
	if got := enginePaths(e); !slices.Equal(got, []string{photo}) {
		t.Fatalf("engine got %v, want only the photo", got)
	}
	closeProfileEditor(t, w)
}

// dialogButton finds a button by its text in a window's top dialog.
func dialogButton(t *testing.T, win fyne.Window, text string) *widget.Button {
	t.Helper()
	over := win.Canvas().Overlays().Top()
	if over == nil {
		t.Fatalf("no dialog open looking for %q", text)
	}
	for _, o := range test.LaidOutObjects(over) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("the dialog has no %q button", text)
	return nil
}

// "Delete profile" asks first; Cancel keeps everything, Delete removes the
// profile and its keyring items (and no other profile's), closes the
// editor and falls back to the Sandbox when the profile was active. A new
// or imported profile has no delete button.
func TestProfileEditorDeletes(t *testing.T) {
	w := newTestWindow(t, scriptSession(newScriptEngine()))
	w.async = func(f func()) { f() }
	ctx := context.Background()
	ps, store := w.opener.profiles, w.opener.secrets
	p := profile.Profile{Name: "Team", Mode: profile.ModePermanent, Bucket: "team-1250000000", Region: "ap-beijing", SecretID: "AKIDexample1234567890"}
	other := profile.Profile{Name: "Other", Mode: profile.ModeSTS, Bucket: "other-1250000000", Region: "ap-beijing", CredentialURL: "https://sts.example.com/x"}
	for _, x := range []profile.Profile{p, other} {
		if err := ps.Put(x); err != nil {
			t.Fatal(err)
		}
	}
	_ = store.Set(ctx, auth.SecretKeyAccount("Team"), "teamSecretKey")
	_ = store.Set(ctx, auth.LoginTokenAccount("Team"), "teamToken")
	_ = store.Set(ctx, auth.LoginTokenAccount("Other"), "otherToken")
	w.sess.name = "Team" // the profile being deleted is the active one

	if e := w.showProfileEditor(nil, false); e.del != nil {
		t.Error("a new profile offers Delete")
	} else {
		e.win.Close()
	}
	if e := w.showProfileEditor(&p, false); e.del != nil {
		t.Error("an imported, unsaved profile offers Delete")
	} else {
		e.win.Close()
	}

	e := w.showProfileEditor(&p, true)
	if e.del == nil {
		t.Fatal("a saved profile has no Delete button")
	}
	test.Tap(e.del)
	test.Tap(dialogButton(t, e.win, "Cancel"))
	if _, err := ps.Get("Team"); err != nil {
		t.Fatalf("Cancel deleted the profile: %v", err)
	}
	test.Tap(e.del)
	test.Tap(dialogButton(t, e.win, "Delete"))
	if _, err := ps.Get("Team"); !errors.Is(err, profile.ErrNoProfile) {
		t.Fatalf("profile still there: %v", err)
	}
	for _, acct := range []string{auth.SecretKeyAccount("Team"), auth.LoginTokenAccount("Team")} {
		if _, err := store.Get(ctx, acct); !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("%s still in the keyring: %v", acct, err)
		}
	}
	if v, _ := store.Get(ctx, auth.LoginTokenAccount("Other")); v != "otherToken" {
		t.Error("another profile's token was removed")
	}
	if _, err := ps.Get("Other"); err != nil {
		t.Errorf("another profile was removed: %v", err)
	}
	if windowTitled(w.app, "CosDrop profile") != nil {
		t.Error("the editor stayed open")
	}
	if w.sess == nil || w.sess.name != SandboxName || !w.sess.sandbox {
		t.Errorf("after deleting the active profile the window is on %q", w.currentName())
	}
	if w.sess != nil {
		t.Cleanup(func() { _ = w.sess.close() })
	}
}

// In Chinese, the editor's validation message and the probe's report come
// out translated, not as auth's English.
func TestProfileMessagesTranslated(t *testing.T) {
	test.NewTempApp(t)
	setLocale("zh_CN.UTF-8")
	defer setLocale("en_US.UTF-8")
	e := newProfileEditor(profile.NewProfiles(t.TempDir()), auth.NewSessionStore(), nil)
	test.Type(e.name, "x")
	test.Type(e.bucket, "NotABucket")
	if want := `存储桶 "NotABucket" 的格式不是`; !strings.Contains(e.problem.Text, want) {
		t.Errorf("problem %q, want it to contain %q", e.problem.Text, want)
	}
	e.bucket.SetText("ok-1250000000")
	e.region.SetText("ap-beijing")
	e.endpoint.SetText("ftp://cos")
	// No space between Chinese and a Latin word (cjkwrap.go).
	if want := `访问域名 "ftp://cos" 不是http(s) 地址`; e.problem.Text != want {
		t.Errorf("problem %q, want %q", e.problem.Text, want)
	}
	// A probe against a closed port: the action and note are in Chinese,
	// the network's own words follow untranslated.
	e.endpoint.SetText("http://127.0.0.1:1")
	e.secretID.SetText("AKIDexample1234567890")
	p := e.profile()
	got := e.probe(context.Background(), p, map[string]string{auth.SecretKeyAccount("x"): "k"})
	for _, want := range []string{"PutObject 未成功", "使用该配置无法连接COS"} {
		if !strings.Contains(got, want) {
			t.Errorf("probe report %q lacks %q", got, want)
		}
	}
}

// Issue 21, finding 7: a profile the command line adds while the window
// runs reaches the switcher without a restart.
func TestProfileAddedOutsideAppears(t *testing.T) {
	w := newTestWindow(t, scriptSession(newScriptEngine()))
	w.async = func(f func()) { f() }
	last := stampOf(w.opener.profiles.File())
	p := profile.Profile{Name: "Added by the CLI", Mode: profile.ModeSTS, Bucket: "b-1250000000", Region: "ap-guangzhou",
		CredentialURL: "https://sts.example.com/x"}
	if err := w.opener.profiles.Put(p); err != nil {
		t.Fatal(err)
	}
	w.profilesChanged(&last) // one look, as the watcher takes every 2 s
	if !slices.Contains(w.bar.names, p.Name) {
		t.Fatalf("switcher %v lacks %q", w.bar.names, p.Name)
	}
}
