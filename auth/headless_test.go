package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// helperEnv selects a helper mode of the test binary (see TestMain).
const helperEnv = "COSDROP_AUTH_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "keyring-no-bus" {
		// A fresh process, so go-keyring uses the real Secret Service
		// provider (no MockInit): exactly what a cosdrop run does.
		runUserDir = func() string { return os.Getenv("COSDROP_TEST_RUN_USER_DIR") }
		_, err := NewKeyring().Get(context.Background(), SecretKeyAccount("headless"))
		fmt.Printf("no-bus:%v keyring-unavailable:%v\n", errors.Is(err, ErrNoSessionBus), errors.Is(err, ErrKeyringUnavailable))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKeyringNoBusNeverLaunches (issue 11): with no session bus, a keyring
// call says "no keyring" at once and never runs dbus-launch (which would
// leave a dbus-daemon behind). A fake dbus-launch first on PATH records
// any call.
func TestKeyringNoBusNeverLaunches(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("D-Bus and dbus-launch exist on Linux only: Windows's keyring is Credential Manager, which needs no bus (TestWinCredRoundTrip)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	marker := filepath.Join(dir, "dbus-launch-was-called")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho called > '" + marker + "'\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=keyring-no-bus", "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR="+filepath.Join(dir, "runtime"), "COSDROP_TEST_RUN_USER_DIR="+filepath.Join(dir, "run-user"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a keyring call ran dbus-launch")
	}
	if !strings.Contains(string(out), "no-bus:true keyring-unavailable:true") {
		t.Fatalf("keyring call without a bus: %s", out)
	}
}

// recordingStore counts reads and answers like a locked keyring (err) or
// with fixed secrets.
type recordingStore struct {
	reads   atomic.Int64
	err     error
	secrets map[string]string
}

func (s *recordingStore) Get(_ context.Context, account string) (string, error) {
	s.reads.Add(1)
	if s.err != nil {
		return "", s.err
	}
	if v, ok := s.secrets[account]; ok {
		return v, nil
	}
	return "", ErrNotFound
}
func (s *recordingStore) Set(context.Context, string, string) error { return s.err }
func (s *recordingStore) Delete(context.Context, string) error      { return s.err }

var lockedKeyring = &KeyringError{Op: "read", Cause: errors.New("failed to unlock correct collection '/org/freedesktop/secrets/collection/login'")}

// TestOpenNoKeyringWithoutToken: STS and
// server-signed clients whose servers need no login token never read the
// keyring, so a locked one is no error; a server that needs a token gets
// it read once, and a locked keyring then says so.
func TestOpenNoKeyringWithoutToken(t *testing.T) {
	ctx := context.Background()
	open := newSTSServer(t, time.Hour)
	cos := newSampleCOS(t)
	signer := newSampleSigner(t, cos)
	locked := &recordingStore{err: lockedKeyring}

	prov := NewSTSFromStore(open.URL, locked, LoginTokenAccount("sts"), nil)
	if _, err := prov.Credentials(ctx); err != nil {
		t.Fatalf("STS without token, keyring locked: %v", err)
	}
	sign := NewSignServerFromStore(SignConfig{Base: signer.URL}, locked, LoginTokenAccount("signed"), nil)
	if _, err := sign.Sign(ctx, "a.jpg", 10); err != nil {
		t.Fatalf("server-signed without token, keyring locked: %v", err)
	}
	if n := locked.reads.Load(); n != 0 {
		t.Fatalf("keyring read %d times for profiles without a login token", n)
	}

	guarded := newSTSServer(t, time.Hour)
	guarded.token = "LOGIN-TOKEN-abc123"
	open2 := func(store SecretStore) *STS {
		return NewSTSFromStore(guarded.URL, store, LoginTokenAccount("guarded"), nil)
	}
	store := &recordingStore{secrets: map[string]string{LoginTokenAccount("guarded"): "LOGIN-TOKEN-abc123"}}
	prov = open2(store)
	if _, err := prov.Credentials(ctx); err != nil {
		t.Fatalf("token read on demand: %v", err)
	}
	if _, err := prov.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n := store.reads.Load(); n != 1 {
		t.Errorf("login token read %d times, want once", n)
	}

	prov = open2(&recordingStore{})
	if _, err := prov.Credentials(ctx); !errors.Is(err, ErrNoLoginToken) || !errors.Is(err, ErrUnauthorized) {
		t.Errorf("server needs a token, none stored: %v", err)
	}
	prov = open2(&recordingStore{err: lockedKeyring})
	if _, err := prov.Credentials(ctx); !errors.Is(err, ErrKeyringUnavailable) || !errors.Is(err, ErrUnauthorized) {
		t.Errorf("server needs a token, keyring locked: %v", err)
	}
}
