package profile

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"cosdrop/auth"
)

// lockedStore is a keyring that is locked: every call fails, and reads
// are counted.
type lockedStore struct{ reads atomic.Int64 }

var errLocked = &auth.KeyringError{Op: "read", Cause: errors.New("failed to unlock correct collection '/org/freedesktop/secrets/collection/login'")}

func (s *lockedStore) Get(context.Context, string) (string, error) {
	s.reads.Add(1)
	return "", errLocked
}
func (s *lockedStore) Set(context.Context, string, string) error { return errLocked }
func (s *lockedStore) Delete(context.Context, string) error      { return errLocked }

// TestOpenPermanentFromEnvironment: the headless way for permanent keys.
func TestOpenPermanentFromEnvironment(t *testing.T) {
	ctx := context.Background()
	p := permProfile()
	locked := &lockedStore{}
	t.Setenv(EnvSecretKey, "EnvSecretKeyValue0123456789")
	t.Setenv(EnvSecretID, "")
	prov, _, err := Open(ctx, p, locked, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := prov.Credentials(ctx); c.SecretID != p.SecretID || c.SecretKey != "EnvSecretKeyValue0123456789" {
		t.Fatalf("credentials %+v", c)
	}
	if locked.reads.Load() != 0 {
		t.Fatal("keyring read although the key is in the environment")
	}
	t.Setenv(EnvSecretID, "AKIDsomeoneelse0001")
	var pe *Error
	if _, _, err := Open(ctx, p, locked, nil); !errors.As(err, &pe) || pe.Code != auth.CodeEnvKeyMismatch {
		t.Fatalf("mismatched SecretId: %v", err)
	}
	t.Setenv(EnvSecretID, p.SecretID)
	if _, _, err := Open(ctx, p, locked, nil); err != nil {
		t.Fatalf("matching SecretId: %v", err)
	}
	t.Setenv(EnvSecretKey, "")
	if _, _, err := Open(ctx, p, locked, nil); !errors.Is(err, auth.ErrKeyringUnavailable) {
		t.Fatalf("no environment, keyring locked: %v", err)
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	store := auth.NewSessionStore()
	p := permProfile()
	if _, _, err := Open(ctx, p, store, nil); !errors.Is(err, auth.ErrNotFound) || !strings.Contains(err.Error(), "cosdrop login --profile office") {
		t.Fatalf("Open without key: %v", err)
	}
	store.Set(ctx, auth.SecretKeyAccount(p.Name), "SECRETKEYEXAMPLE")
	prov, sign, err := Open(ctx, p, store, nil)
	if err != nil || sign != nil {
		t.Fatal(err)
	}
	c, _ := prov.Credentials(ctx)
	if c.SecretID != p.SecretID || c.SecretKey != "SECRETKEYEXAMPLE" || c.SessionToken != "" {
		t.Fatalf("creds %+v", c)
	}
	prov, sign, err = Open(ctx, stsProfile(), store, nil)
	if _, ok := prov.(*auth.STS); !ok || sign != nil || err != nil {
		t.Fatalf("sts: %T %v %v", prov, sign, err)
	}
	prov, sign, err = Open(ctx, Profile{Name: "s", Mode: ModeServerSigned, CredentialURL: "https://sign.example.com"}, store, nil)
	if prov != nil || sign == nil || err != nil {
		t.Fatalf("server-signed: %v %v %v", prov, sign, err)
	}
}
