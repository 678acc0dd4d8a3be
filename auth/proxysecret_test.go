package auth

import (
	"context"
	"errors"
	"testing"
)

// SECURITY.md: removing a profile removes every secret of it, the proxy
// password too (it was left behind in the keyring).
func TestDeleteSecretsRemovesProxyPassword(t *testing.T) {
	ctx := context.Background()
	s := NewSessionStore()
	_ = s.Set(ctx, SecretKeyAccount("a"), "k")
	_ = s.Set(ctx, ProxyAccount("a"), "proxy-pw")
	_ = s.Set(ctx, ProxyAccount("b"), "other")
	n, err := DeleteSecrets(ctx, s, "a")
	if err != nil || n != 2 {
		t.Fatalf("removed %d, %v; want the key and the proxy password", n, err)
	}
	if _, err := s.Get(ctx, ProxyAccount("a")); !errors.Is(err, ErrNotFound) {
		t.Errorf("the proxy password is still stored: %v", err)
	}
	if v, _ := s.Get(ctx, ProxyAccount("b")); v != "other" {
		t.Error("another profile's proxy password was removed")
	}
}
