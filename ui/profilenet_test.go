package ui

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"cosdrop/auth"
	"cosdrop/profile"
)

// Editing a server-signed profile with a proxy shows and keeps its proxy
// and signing-server settings. Before, the editor had no such fields and
// saving the profile silently dropped them.
func TestProfileEditorKeepsProxyAndSigningFields(t *testing.T) {
	test.NewTempApp(t)
	p := profile.Profile{Name: "Signed", Mode: profile.ModeServerSigned, CredentialURL: "https://sign.example.com/cos",
		PutSignURL: "https://sign.example.com/custom/put", PostPolicyURL: "https://sign.example.com/custom/post",
		SignMethod: auth.SignPost, Proxy: "http://alice@proxy.example.com:3128", OnConflict: "overwrite"}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	e := newProfileEditor(profile.NewProfiles(t.TempDir()), auth.NewSessionStore(), &p)
	if e.net.proxy.Text != p.Proxy || e.net.putSignURL.Text != p.PutSignURL || e.net.postPolicyURL.Text != p.PostPolicyURL ||
		e.net.signMethod.Selected != signMethodNames()[2] {
		t.Fatalf("fields: proxy %q put %q post %q method %q", e.net.proxy.Text, e.net.putSignURL.Text,
			e.net.postPolicyURL.Text, e.net.signMethod.Selected)
	}
	if e.net.putSignURL.Disabled() || e.net.proxyPassword.Disabled() {
		t.Error("a server-signed profile with a proxy user needs the signing and proxy password fields enabled")
	}
	if got := e.profile(); !reflect.DeepEqual(got, p) {
		t.Fatalf("saving would store\n%+v\nnot\n%+v", got, p)
	}
	// STS: the signing fields are off and not saved.
	e.mode.SetSelected(modeNames()[1])
	if !e.net.putSignURL.Disabled() || !e.net.signMethod.Disabled() {
		t.Error("signing fields enabled for an STS profile")
	}
	if got := e.profile(); got.PutSignURL != "" || got.PostPolicyURL != "" || got.SignMethod != "" || got.Proxy != p.Proxy {
		t.Errorf("STS profile from the form: %+v", got)
	}
}

// The new fields are checked as the user types, with auth's words.
func TestProfileEditorValidatesProxyAndSigning(t *testing.T) {
	test.NewTempApp(t)
	e := newProfileEditor(profile.NewProfiles(t.TempDir()), auth.NewSessionStore(), nil)
	e.save, e.test = newTipButtonForTest(), newTipButtonForTest()
	test.Type(e.name, "Team")
	e.mode.SetSelected(modeNames()[2])
	test.Type(e.credURL, "https://sign.example.com")
	if err := e.validate(); err != nil {
		t.Fatalf("valid server-signed form rejected: %v", err)
	}
	for _, c := range []struct {
		set   func(string)
		value string
		want  string
	}{
		{e.net.proxy.SetText, "http://bob:hunter2@proxy:8080", "must not contain a password"},
		{e.net.proxy.SetText, "ftp://proxy:21", "is not a proxy URL"},
		{e.net.putSignURL.SetText, "http://sign.example.com/put", "plain http"},
		{e.net.postPolicyURL.SetText, "not a url", "not an http(s) URL"},
	} {
		c.set(c.value)
		if err := e.validate(); err == nil || !e.problem.Visible() || !strings.Contains(e.problem.Text, c.want) {
			t.Errorf("%q: problem %q (visible %v), want %q", c.value, e.problem.Text, e.problem.Visible(), c.want)
		}
		if !e.save.Disabled() {
			t.Errorf("%q: Save enabled", c.value)
		}
		c.set("")
	}
	if err := e.validate(); err != nil {
		t.Fatalf("cleared form rejected: %v", err)
	}
	// A proxy without a user needs no password: the field is off.
	e.net.proxy.SetText("socks5://127.0.0.1:1080")
	if !e.net.proxyPassword.Disabled() {
		t.Error("proxy password enabled for a proxy without a user")
	}
}

// The proxy password goes to the keyring (the secret store), never into
// the profile file.
func TestProfileEditorStoresProxyPasswordInKeyring(t *testing.T) {
	test.NewTempApp(t)
	dir := t.TempDir()
	store := auth.NewSessionStore()
	e := newProfileEditor(profile.NewProfiles(dir), store, nil)
	const pw = "proxyPassw0rd-9f8e7d6c"
	test.Type(e.name, "Office")
	e.mode.SetSelected(modeNames()[1])
	test.Type(e.bucket, "photos-1250000000")
	test.Type(e.region, "ap-shanghai")
	test.Type(e.credURL, "https://sts.example.com/cosdrop")
	test.Type(e.net.proxy, "http://carol@proxy.example.com:3128")
	test.Type(e.net.proxyPassword, pw)
	if err := e.validate(); err != nil {
		t.Fatal(err)
	}
	p := e.profile()
	if err := e.store(context.Background(), p, e.secretsToStore(p)); err != nil {
		t.Fatal(err)
	}
	if got, err := store.Get(context.Background(), auth.ProxyAccount("Office")); err != nil || got != pw {
		t.Fatalf("keyring has %q, %v", got, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Fatal("no profile file")
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), pw) {
			t.Fatalf("%s holds the proxy password", f)
		}
		if !strings.Contains(string(b), "carol@proxy.example.com:3128") {
			t.Errorf("%s lacks the proxy", f)
		}
	}
}
