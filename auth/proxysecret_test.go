package auth

import (
	"context"
	"errors"
	"testing"
)

// Removing a profile (or logging out) removes its proxy password too: it
// was left behind in the keyring.
func TestDeleteSecretsRemovesProxyPassword(t *testing.T) {
	ctx := context.Background()
	s := NewSessionStore()
	_ = s.Set(ctx, ProxyAccount("a"), "pw")
	_ = s.Set(ctx, ProxyAccount("b"), "other")
	if n, err := DeleteSecrets(ctx, s, "a"); err != nil || n != 1 {
		t.Fatalf("removed %d, %v", n, err)
	}
	if _, err := s.Get(ctx, ProxyAccount("a")); !errors.Is(err, ErrNotFound) {
		t.Errorf("proxy password still there: %v", err)
	}
	if v, _ := s.Get(ctx, ProxyAccount("b")); v != "other" {
		t.Error("another profile's proxy password was removed")
	}
}
