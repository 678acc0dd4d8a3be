package auth

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
)

// wincredChild marks the child process of TestWinCredRoundTrip.
const wincredChild = "COSDROP_AUTH_WINCRED_CHILD"

// TestWinCredRoundTrip: the permanent key in the real Windows Credential
// Manager (go-keyring's wincred backend): set, read back, delete, then "not
// found". It runs in a child process because other tests install
// go-keyring's mock, which cannot be taken back in the same process.
func TestWinCredRoundTrip(t *testing.T) {
	if os.Getenv(wincredChild) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWinCredRoundTrip$", "-test.v")
		cmd.Env = append(os.Environ(), wincredChild+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	ctx := context.Background()
	k := NewKeyring()
	acct := SecretKeyAccount("wincred test " + t.Name())
	t.Cleanup(func() { k.Delete(ctx, acct) })
	if err := k.Set(ctx, acct, "WinCredSecretKey0123456789abcdef"); err != nil {
		t.Fatal(err)
	}
	if v, err := k.Get(ctx, acct); err != nil || v != "WinCredSecretKey0123456789abcdef" {
		t.Fatalf("Get: %q, %v", v, err)
	}
	if err := k.Delete(ctx, acct); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(ctx, acct); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
	}
}
