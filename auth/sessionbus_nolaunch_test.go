package auth

import (
	"errors"
	"os"
	"runtime"
	"testing"
)

// NoBusAutolaunch, with no session bus anywhere, points godbus at an
// address it cannot dial (so nothing runs dbus-launch) and keeps the
// keyring's plain "no session bus" answer.
func TestNoBusAutolaunchDisablesTheBus(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("a D-Bus session bus is Linux and BSD only: checkSessionBus answers \"no bus needed\" on Windows and macOS, whose keyrings need none")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	old := runUserDir
	empty := t.TempDir()
	runUserDir = func() string { return empty }
	defer func() { runUserDir = old }()
	if NoBusAutolaunch() {
		t.Fatal("reported a session bus where there is none")
	}
	if got := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); got != busDisabled {
		t.Fatalf("DBUS_SESSION_BUS_ADDRESS = %q, want %q", got, busDisabled)
	}
	if err := checkSessionBus(); !errors.Is(err, ErrNoSessionBus) {
		t.Fatalf("keyring check after disabling: %v, want ErrNoSessionBus", err)
	}
}
