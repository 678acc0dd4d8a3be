package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// fakeTr stands in for ui.T: it marks the template so a test can see that
// the translation went through it, and fills the placeholders.
func fakeTr(tmpl string, params map[string]any) string { return "«" + render(tmpl, params) + "»" }

// Probe results carry per-action status codes; a denied action keeps the
// server's words as an untranslated detail.
func TestProbeResultCodes(t *testing.T) {
	ok := result("HeadObject", nil)
	if ok.Message.Code != "probe-allowed-HeadObject" || ok.Plain != "can check uploaded files" {
		t.Errorf("allowed: %+v", ok)
	}
	denied := result("put-sign", errors.Join(ErrUnauthorized, errors.New("HTTP 401: bad token")))
	if denied.Status != Denied || denied.Message.Code != ProbeCode("put-sign", Denied) || !strings.Contains(denied.Detail, "bad token") {
		t.Errorf("denied: %+v", denied)
	}
	if got := denied.Localize(fakeTr); !strings.HasPrefix(got, "«the signing server refused") || !strings.HasSuffix(got, "bad token") {
		t.Errorf("denied localized: %q", got)
	}
	failed := result("PutObject", errors.New("dial tcp 127.0.0.1:1: connection refused"))
	if failed.Status != Failed || failed.Message.Code != CodeProbeFailed || failed.Plain != "PutObject did not work: dial tcp 127.0.0.1:1: connection refused" {
		t.Errorf("failed: %+v", failed)
	}
	for _, c := range Codes() {
		if strings.HasPrefix(string(c), "probe-") && c.Template() == string(c) {
			t.Errorf("%s has no English text", c)
		}
	}
}

// DeleteSecrets removes both of a profile's secrets and tolerates absent ones.
func TestDeleteSecrets(t *testing.T) {
	ctx := context.Background()
	s := NewSessionStore()
	_ = s.Set(ctx, SecretKeyAccount("a"), "k")
	_ = s.Set(ctx, LoginTokenAccount("a"), "t")
	_ = s.Set(ctx, SecretKeyAccount("b"), "other")
	n, err := DeleteSecrets(ctx, s, "a")
	if err != nil || n != 2 {
		t.Fatalf("removed %d, %v", n, err)
	}
	if _, err := s.Get(ctx, SecretKeyAccount("a")); !errors.Is(err, ErrNotFound) {
		t.Errorf("secret key still there: %v", err)
	}
	if v, _ := s.Get(ctx, SecretKeyAccount("b")); v != "other" {
		t.Error("another profile's secret was removed")
	}
	if n, err := DeleteSecrets(ctx, s, "a"); err != nil || n != 0 {
		t.Errorf("second delete: %d, %v", n, err)
	}
}
