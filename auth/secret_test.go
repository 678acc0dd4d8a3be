package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// mockBus makes the session-bus check pass for tests that use
// go-keyring's mock (which needs no bus).
func mockBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/cosdrop-mock-bus")
}

func TestKeyringMock(t *testing.T) {
	mockBus(t)
	keyring.MockInit()
	ctx := context.Background()
	k := NewKeyring()
	acct := SecretKeyAccount("office")
	if _, err := k.Get(ctx, acct); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Set: %v, want ErrNotFound", err)
	}
	if err := k.Set(ctx, acct, "SECRETKEYEXAMPLE"); err != nil {
		t.Fatal(err)
	}
	if v, err := k.Get(ctx, acct); err != nil || v != "SECRETKEYEXAMPLE" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	// Accounts are per profile and per kind.
	if _, err := k.Get(ctx, LoginTokenAccount("office")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("login token account shares the SecretKey: %v", err)
	}
	if err := k.Delete(ctx, acct); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ctx, acct); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v, want ErrNotFound", err)
	}
	if err := k.Set(ctx, acct, ""); err == nil {
		t.Fatal("empty secret stored")
	}
	if ErrNotFound.Error() != "no secret stored" {
		t.Fatalf("ErrNotFound text %q", ErrNotFound)
	}
}

// TestKeyringUnavailable is the no-keyring path: the causes seen on
// desktops and servers (no dbus-launch, a locked collection) come back as
// ErrKeyringUnavailable with the cause and a fix.
func TestKeyringUnavailable(t *testing.T) {
	mockBus(t)
	defer keyring.MockInit()
	for cause, fix := range map[string]string{
		`exec: "dbus-launch": executable file not found in $PATH`:    "Secret Service",
		`failed to unlock correct collection '/org/freedesktop/...'`: "unlock your keyring",
	} {
		if runtime.GOOS == "windows" && fix == "Secret Service" {
			fix = "Windows Credential Manager" // Windows has no Secret Service to name
		}
		keyring.MockInitWithError(errors.New(cause))
		_, err := NewKeyring().Get(context.Background(), SecretKeyAccount("p"))
		if !errors.Is(err, ErrKeyringUnavailable) {
			t.Fatalf("%s: %v does not match ErrKeyringUnavailable", cause, err)
		}
		if errors.Is(err, ErrNotFound) {
			t.Fatalf("%s: unavailable keyring reported as not found", cause)
		}
		msg := err.Error()
		for _, want := range []string{"keyring unavailable", cause, fix} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q lacks %q", msg, want)
			}
		}
		if strings.Contains(msg, "session only") {
			t.Errorf("message %q offers a session-only key, which nothing in CosDrop provides", msg)
		}
	}
}

// hangingKeyring never answers, like a Secret Service stuck starting.
type hangingKeyring struct{ release chan struct{} }

func (h hangingKeyring) Set(string, string, string) error { <-h.release; return nil }
func (h hangingKeyring) Get(string, string) (string, error) {
	<-h.release
	return "", nil
}
func (h hangingKeyring) Delete(string, string) error { <-h.release; return nil }
func (h hangingKeyring) DeleteAll(string) error      { <-h.release; return nil }

func TestKeyringTimeout(t *testing.T) {
	h := hangingKeyring{release: make(chan struct{})}
	defer close(h.release)
	k := &Keyring{Timeout: 50 * time.Millisecond, backend: h}
	_, err := k.Get(context.Background(), "x")
	if !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("hung keyring: %v", err)
	}
	// The caller's context wins when it is shorter.
	k.Timeout = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := k.Set(ctx, "x", "longsecret"); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
}

func TestSessionStore(t *testing.T) {
	ctx := context.Background()
	s := NewSessionStore()
	if _, err := s.Get(ctx, "a"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	s.Set(ctx, "a", "value-123")
	if v, _ := s.Get(ctx, "a"); v != "value-123" {
		t.Fatalf("Get = %q", v)
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "a"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
}

// TestLayered: with the keyring down, storing fails with the keyring's
// error (there is no silent in-memory fallback), while a secret held in the
// session layer is still read and deleted.
func TestLayered(t *testing.T) {
	mockBus(t)
	defer keyring.MockInit()
	keyring.MockInitWithError(errors.New(`exec: "dbus-launch": executable file not found in $PATH`))
	ctx := context.Background()
	l := NewLayered()
	acct := SecretKeyAccount("p")
	if err := l.Set(ctx, acct, "SECRETKEYEXAMPLE"); !errors.Is(err, ErrKeyringUnavailable) {
		t.Fatalf("Set with no keyring: %v", err)
	}
	if err := l.Session.Set(ctx, acct, "SECRETKEYEXAMPLE"); err != nil {
		t.Fatal(err)
	}
	if v, err := l.Get(ctx, acct); err != nil || v != "SECRETKEYEXAMPLE" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	l.Delete(ctx, acct) // the keyring's failure is reported; the session layer is emptied
	if _, err := l.Session.Get(ctx, acct); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after Delete: %v", err)
	}

	keyring.MockInit()
	l = NewLayered()
	if err := l.Set(ctx, acct, "FROMKEYRING1"); err != nil {
		t.Fatal(err)
	}
	if v, _ := l.Get(ctx, acct); v != "FROMKEYRING1" {
		t.Fatalf("Get from keyring = %q", v)
	}
	if err := l.Delete(ctx, acct); err != nil {
		t.Fatal(err)
	}
	if err := l.Delete(ctx, acct); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete of nothing: %v", err)
	}
}

// TestKeyringKind is the one classification of keyring failures; session
// words each kind, and Message gives auth's English fix for the same kind.
func TestKeyringKind(t *testing.T) {
	for _, c := range []struct {
		cause error
		want  KeyringKind
		code  Code
	}{
		{fmt.Errorf("no bus: %w", ErrNoSessionBus), KeyringNoBus, CodeKeyringNoBus},
		{context.DeadlineExceeded, KeyringTimeout, CodeKeyringTimeout},
		{errors.New("the keyring did not answer within 10s"), KeyringTimeout, CodeKeyringTimeout},
		{errors.New("failed to unlock correct collection '/org/freedesktop/secrets/collection/login'"), KeyringLocked, CodeKeyringLocked},
		{errors.New("Collection is Locked"), KeyringLocked, CodeKeyringLocked},
		{errors.New(`exec: "dbus-launch": executable file not found in $PATH`), KeyringUnusable, keyringFixCode(KeyringUnusable)},
	} {
		ke := &KeyringError{Op: "read", Cause: c.cause}
		if got := ke.Kind(); got != c.want {
			t.Errorf("%v: kind %d, want %d", c.cause, got, c.want)
		}
		if got := ke.Message().Code; got != c.code {
			t.Errorf("%v: fix %s, want %s", c.cause, got, c.code)
		}
	}
}
