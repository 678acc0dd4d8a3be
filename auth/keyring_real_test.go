//go:build realkeyring

package auth

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// These run against the real Secret Service in .ci/keyring-test.sh (a
// private D-Bus session with gnome-keyring unlocked). They fail, rather
// than skip, when that environment is missing: a skipped keyring test
// proves nothing.

func requireSessionBus(t *testing.T) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("no D-Bus session: run this test through .ci/keyring-test.sh")
	}
}

func TestRealKeyringSetGetDelete(t *testing.T) {
	requireSessionBus(t)
	ctx := context.Background()
	k := NewKeyring()
	acct := SecretKeyAccount("realkeyring-" + time.Now().Format("150405.000"))
	secret := "RealKeyringSecret/+=0123456789"
	start := time.Now()
	if err := k.Set(ctx, acct, secret); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get(ctx, acct)
	if err != nil || got != secret {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if err := k.Delete(ctx, acct); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(ctx, acct); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := k.Delete(ctx, acct); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete of nothing: %v, want ErrNotFound", err)
	}
	t.Logf("set+get+delete+get+delete took %s", time.Since(start))
}

// TestRealKeyringUnavailable points go-keyring at a bus that does not
// exist, in a child process so this process's connection is untouched: the
// error must be "keyring unavailable" with the cause and the fix, and come
// back quickly.
func TestRealKeyringUnavailable(t *testing.T) {
	requireSessionBus(t)
	if os.Getenv("COSDROP_KEYRING_CHILD") == "1" {
		_, err := NewKeyring().Get(context.Background(), SecretKeyAccount("x"))
		if !errors.Is(err, ErrKeyringUnavailable) || errors.Is(err, ErrNotFound) {
			t.Fatalf("no bus: %v", err)
		}
		for _, want := range []string{"keyring unavailable", "Fix:"} {
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("message %q lacks %q", err, want)
			}
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestRealKeyringUnavailable$", "-test.v")
	cmd.Env = append(os.Environ(), "COSDROP_KEYRING_CHILD=1",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/cosdrop-test-bus")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestRealKeyringUnavailable") {
		t.Fatalf("child did not run the check:\n%s", out)
	}
	t.Logf("no-keyring path answered in %s", time.Since(start))
}
