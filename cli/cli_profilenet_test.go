package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cosdrop/auth"
	"cosdrop/profile"
)

// `profile add` takes the proxy and the signing server's settings, as the
// window's profile editor does; `login --proxy-password` stores the
// proxy's password in the keyring, never in the profile file.
func TestCLIProfileAddProxyAndSigning(t *testing.T) {
	configDir := isolate(t)
	old, oldIn := secretStore, stdin
	store := auth.NewSessionStore()
	secretStore = store
	t.Cleanup(func() { secretStore, stdin = old, oldIn })

	r := runCLI(t, "profile", "add", "signed", "--mode", "server-signed", "--credential-url", "https://sign.example.com/cos",
		"--put-sign-url", "https://sign.example.com/p/put", "--post-policy-url", "https://sign.example.com/p/post",
		"--sign-method", "post", "--proxy", "http://dora@proxy.example.com:3128")
	if r.code != 0 {
		t.Fatalf("profile add: exit %d, stderr %q", r.code, r.stderr)
	}
	p, err := profile.NewProfiles(configDir).Get("signed")
	if err != nil {
		t.Fatal(err)
	}
	if p.PutSignURL != "https://sign.example.com/p/put" || p.PostPolicyURL != "https://sign.example.com/p/post" ||
		p.SignMethod != auth.SignPost || p.Proxy != "http://dora@proxy.example.com:3128" {
		t.Fatalf("stored %+v", p)
	}

	// The same validation words as the editor's.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--mode", "sts", "--bucket", "b-1250000000", "--region", "ap-guangzhou", "--credential-url", "https://sts.example.com",
			"--put-sign-url", "https://sign.example.com/put"}, "only used by server-signed profiles"},
		{[]string{"--mode", "server-signed", "--credential-url", "https://sign.example.com", "--sign-method", "patch"}, "sign-method"},
		{[]string{"--mode", "sts", "--bucket", "b-1250000000", "--region", "ap-guangzhou", "--credential-url", "https://sts.example.com",
			"--proxy", "http://eve:pw@proxy:1"}, "must not contain a password"},
	} {
		r := runCLI(t, append([]string{"profile", "add", "bad"}, c.args...)...)
		if r.code == 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, r.code, r.stderr, c.want)
		}
	}

	const pw = "pr0xy-Passw0rd-5150"
	stdin = strings.NewReader(pw + "\n")
	if r := runCLI(t, "login", "--profile", "signed", "--proxy-password"); r.code != 0 {
		t.Fatalf("login --proxy-password: exit %d, stderr %q", r.code, r.stderr)
	}
	if got, err := store.Get(context.Background(), auth.ProxyAccount("signed")); err != nil || got != pw {
		t.Fatalf("keyring holds %q, %v", got, err)
	}
	b, err := os.ReadFile(filepath.Join(configDir, "profiles.json"))
	if err != nil || strings.Contains(string(b), pw) {
		t.Fatalf("profiles.json (%v) holds the proxy password: %s", err, b)
	}

	// A proxy with no user needs no password.
	if r := runCLI(t, "profile", "add", "plain", "--mode", "sts", "--bucket", "b-1250000000", "--region", "ap-guangzhou",
		"--credential-url", "https://sts.example.com", "--proxy", "socks5://127.0.0.1:1080"); r.code != 0 {
		t.Fatalf("profile add plain: %q", r.stderr)
	}
	stdin = strings.NewReader("x\n")
	if r := runCLI(t, "login", "--profile", "plain", "--proxy-password"); r.code == 0 || !strings.Contains(r.stderr, "names no user") {
		t.Errorf("login --proxy-password on a proxy without a user: exit %d, %q", r.code, r.stderr)
	}
}
