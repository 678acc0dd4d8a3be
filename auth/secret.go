package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name every CosDrop secret is stored under.
const KeyringService = "cosdrop"

// DefaultKeyringTimeout bounds one keyring call. A Secret Service that is
// being started over D-Bus can block for about 120 s and go-keyring takes
// no context, so without this a click on "Upload" could hang for minutes.
const DefaultKeyringTimeout = 10 * time.Second

// ErrNotFound means the store answered and holds no such secret: the user
// has not logged in yet (or logged out).
var ErrNotFound = errors.New("no secret stored")

// ErrKeyringUnavailable is matched (errors.Is) by every store failure other
// than ErrNotFound. The concrete error is a *KeyringError with the cause and
// the fix.
var ErrKeyringUnavailable = errors.New("keyring unavailable")

// KeyringError is a failure to reach or use the OS keyring.
type KeyringError struct {
	Op    string // "read", "store", "delete"
	Cause error
}

// Error names the failed operation, its cause and how to fix it, in
// English for logs; Message is the same advice as a code to translate.
func (e *KeyringError) Error() string {
	return fmt.Sprintf("keyring unavailable (%s failed: %v). %s", e.Op, e.Cause, e.Message().String())
}

// Unwrap exposes both the sentinel and the cause.
func (e *KeyringError) Unwrap() []error { return []error{ErrKeyringUnavailable, e.Cause} }

// Message is the fix for the user, as a stable code (English in Error, for
// logs; the window and the CLI word the Kind themselves).
func (e *KeyringError) Message() Message { return msg(keyringFixCode(e.Kind())) }

// KeyringKind says why the keyring could not be used. It is the one
// classification of keyring failures: auth's English fix and the words
// session shows both switch on it.
type KeyringKind int

// The kinds of keyring failure.
const (
	// KeyringUnusable: no keyring service answers on this system (none
	// installed or running), or it failed for a reason not listed below.
	KeyringUnusable KeyringKind = iota
	// KeyringNoBus: no D-Bus session bus (a server, a cron job, an SSH
	// login), so no Secret Service can be reached.
	KeyringNoBus
	// KeyringTimeout: the keyring did not answer in time.
	KeyringTimeout
	// KeyringLocked: the keyring is locked.
	KeyringLocked
)

// Kind classifies the cause by go-keyring's error and its text (the
// Secret Service over D-Bus says "locked" or "unlock"; a hung service is
// cut off by Keyring's timeout, which says "did not answer").
func (e *KeyringError) Kind() KeyringKind {
	text := ""
	if e.Cause != nil {
		text = strings.ToLower(e.Cause.Error())
	}
	switch {
	case errors.Is(e.Cause, ErrNoSessionBus):
		return KeyringNoBus
	case errors.Is(e.Cause, context.DeadlineExceeded) || strings.Contains(text, "did not answer") || strings.Contains(text, "deadline"):
		return KeyringTimeout
	case strings.Contains(text, "unlock"), strings.Contains(text, "locked"):
		return KeyringLocked
	}
	return KeyringUnusable
}

// keyringFixCode is what the user can do about a kind of failure; for an
// unusable keyring that depends on the system.
func keyringFixCode(k KeyringKind) Code {
	switch k {
	case KeyringNoBus:
		return CodeKeyringNoBus
	case KeyringTimeout:
		return CodeKeyringTimeout
	case KeyringLocked:
		return CodeKeyringLocked
	}
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd":
		return CodeKeyringNoService
	case "darwin":
		return CodeKeyringKeychain
	case "windows":
		return CodeKeyringCredMan
	}
	return CodeKeyringNone
}

// SecretStore keeps secrets (SecretKey, login tokens) out of files. Account
// names come from SecretKeyAccount and LoginTokenAccount. Get returns
// ErrNotFound for a missing secret and an error matching
// ErrKeyringUnavailable when the store cannot be used. Implementations are
// safe for concurrent use.
type SecretStore interface {
	Get(ctx context.Context, account string) (string, error)
	Set(ctx context.Context, account, secret string) error
	Delete(ctx context.Context, account string) error
}

// SecretKeyAccount names the keyring item holding a profile's SecretKey.
func SecretKeyAccount(profile string) string { return "profile:" + profile + ":secret-key" }

// LoginTokenAccount names the keyring item holding a profile's login token
// for its credential server.
func LoginTokenAccount(profile string) string { return "profile:" + profile + ":login-token" }

// Keyring is the OS keyring (Secret Service, Keychain, Credential Manager)
// through go-keyring, service "cosdrop", each call bounded by Timeout.
type Keyring struct {
	Timeout time.Duration // 0 = DefaultKeyringTimeout
	// backend replaces go-keyring's package functions in tests (a keyring
	// that hangs); nil = the OS keyring.
	backend keyring.Keyring
}

func (k *Keyring) kr() keyring.Keyring {
	if k.backend != nil {
		return k.backend
	}
	return osKeyring{}
}

// osKeyring routes to go-keyring's package functions, which honour
// keyring.MockInit.
type osKeyring struct{}

func (osKeyring) Set(s, u, p string) error        { return keyring.Set(s, u, p) }
func (osKeyring) Get(s, u string) (string, error) { return keyring.Get(s, u) }
func (osKeyring) Delete(s, u string) error        { return keyring.Delete(s, u) }
func (osKeyring) DeleteAll(s string) error        { return keyring.DeleteAll(s) }

// NewKeyring returns the OS keyring store with the default timeout.
func NewKeyring() *Keyring { return &Keyring{} }

// Get implements SecretStore.
func (k *Keyring) Get(ctx context.Context, account string) (string, error) {
	var v string
	err := k.call(ctx, "read", func() error {
		var err error
		v, err = k.kr().Get(KeyringService, account)
		return err
	})
	if err != nil {
		return "", err
	}
	AddSecret(v)
	return v, nil
}

// Set implements SecretStore.
func (k *Keyring) Set(ctx context.Context, account, secret string) error {
	if secret == "" {
		return &Error{Message: msg(CodeEmptySecret)}
	}
	AddSecret(secret)
	return k.call(ctx, "store", func() error { return k.kr().Set(KeyringService, account, secret) })
}

// Delete implements SecretStore; deleting a missing secret is ErrNotFound.
func (k *Keyring) Delete(ctx context.Context, account string) error {
	return k.call(ctx, "delete", func() error { return k.kr().Delete(KeyringService, account) })
}

// call runs fn in its own goroutine so a hung keyring cannot block the
// caller past the timeout or its context. A timed-out call keeps running in
// the background until go-keyring returns; that goroutine only holds a
// D-Bus connection, and its result is dropped.
func (k *Keyring) call(ctx context.Context, op string, fn func() error) error {
	if k.backend == nil {
		if err := checkSessionBus(); err != nil {
			return &KeyringError{Op: op, Cause: err}
		}
	}
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	done := make(chan error, 1)
	go func() { done <- fn() }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-done:
		switch {
		case err == nil:
			return nil
		case errors.Is(err, keyring.ErrNotFound):
			return ErrNotFound
		case errors.Is(err, keyring.ErrSetDataTooBig):
			return fmt.Errorf("the secret is too large for the OS keyring: %w", err)
		}
		return &KeyringError{Op: op, Cause: err}
	case <-t.C:
		return &KeyringError{Op: op, Cause: fmt.Errorf("the keyring did not answer within %s", timeout)}
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SessionStore keeps secrets in memory only, for the current run; nothing
// is ever written anywhere. Tests use it as a keyring, and Layered reads
// it before the OS keyring.
type SessionStore struct {
	mu sync.Mutex
	m  map[string]string
}

// NewSessionStore returns an empty in-memory store.
func NewSessionStore() *SessionStore { return &SessionStore{m: map[string]string{}} }

// Get implements SecretStore.
func (s *SessionStore) Get(_ context.Context, account string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[account]
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// Set implements SecretStore.
func (s *SessionStore) Set(_ context.Context, account, secret string) error {
	if secret == "" {
		return &Error{Message: msg(CodeEmptySecret)}
	}
	AddSecret(secret)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[account] = secret
	return nil
}

// Delete implements SecretStore.
func (s *SessionStore) Delete(_ context.Context, account string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[account]; !ok {
		return ErrNotFound
	}
	delete(s.m, account)
	return nil
}

// Layered reads from Session first, then Keyring, and writes to Keyring:
// a secret put in Session by its owner (a test, a one-off login) shadows the
// stored one for this run.
type Layered struct {
	Keyring SecretStore
	Session *SessionStore
}

// NewLayered returns the default store: the OS keyring with an in-memory
// layer on top.
func NewLayered() *Layered {
	return &Layered{Keyring: NewKeyring(), Session: NewSessionStore()}
}

// Get implements SecretStore.
func (l *Layered) Get(ctx context.Context, account string) (string, error) {
	if v, err := l.Session.Get(ctx, account); err == nil {
		return v, nil
	}
	return l.Keyring.Get(ctx, account)
}

// Set implements SecretStore.
func (l *Layered) Set(ctx context.Context, account, secret string) error {
	return l.Keyring.Set(ctx, account, secret)
}

// Delete implements SecretStore: it removes the secret from both layers,
// and reports ErrNotFound only when neither held it.
func (l *Layered) Delete(ctx context.Context, account string) error {
	errS := l.Session.Delete(ctx, account)
	errK := l.Keyring.Delete(ctx, account)
	if errK == nil || (errors.Is(errK, ErrNotFound) && errS == nil) {
		return nil
	}
	return errK
}

// DeleteSecrets removes every secret stored for a profile (its SecretKey,
// its login token and its proxy password), as when the profile itself is
// removed or the user logs out. Absent secrets are fine; it reports how many it removed and
// stops at the first store failure.
func DeleteSecrets(ctx context.Context, store SecretStore, profile string) (removed int, err error) {
	for _, acct := range []string{SecretKeyAccount(profile), LoginTokenAccount(profile), ProxyAccount(profile)} {
		switch err := store.Delete(ctx, acct); {
		case err == nil:
			removed++
		case errors.Is(err, ErrNotFound):
		default:
			return removed, err
		}
	}
	return removed, nil
}
