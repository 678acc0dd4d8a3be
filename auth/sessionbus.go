package auth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ErrNoSessionBus is matched (errors.Is) by the KeyringError of a machine
// with no D-Bus session bus (a server, a cron job, an SSH login): there is
// no Secret Service to ask, so there is no keyring.
//
// CosDrop checks this itself before every keyring call, because
// go-keyring's D-Bus library otherwise runs dbus-launch, which starts a
// dbus-daemon (and sometimes a gnome-keyring-daemon) that outlives
// CosDrop: three uploads would leave three daemons behind.
var ErrNoSessionBus = errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set and $XDG_RUNTIME_DIR/bus does not exist)")

// runUserDir is where systemd puts the user's session bus when
// XDG_RUNTIME_DIR is not set; godbus looks there too. A variable for tests.
var runUserDir = func() string { return fmt.Sprintf("/run/user/%d", os.Getuid()) }

// checkSessionBus returns ErrNoSessionBus when a keyring call would have
// to start a session bus. On macOS and Windows the keyring needs no bus.
// When the bus socket exists only under $XDG_RUNTIME_DIR (where godbus
// does not look), it sets DBUS_SESSION_BUS_ADDRESS to it, so godbus uses
// it instead of launching another.
func checkSessionBus() error {
	switch runtime.GOOS {
	case "darwin", "windows", "ios", "android":
		return nil
	}
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a == busDisabled {
		return ErrNoSessionBus
	} else if a != "" && !strings.HasPrefix(a, "autolaunch:") {
		return nil
	}
	if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" {
		if bus := filepath.Join(rt, "bus"); isSocket(bus) {
			os.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+escapeBusPath(bus))
			return nil
		}
	}
	dir := runUserDir()
	if bus := filepath.Join(dir, "bus"); isSocket(bus) {
		os.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+escapeBusPath(bus))
		return nil
	}
	if b, err := os.ReadFile(filepath.Join(dir, "dbus-session")); err == nil {
		if a, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "DBUS_SESSION_BUS_ADDRESS="); ok && a != "" {
			os.Setenv("DBUS_SESSION_BUS_ADDRESS", a)
			return nil
		}
	}
	return ErrNoSessionBus
}

// busDisabled is the address NoBusAutolaunch sets: godbus knows no such
// transport, so it fails to connect instead of running dbus-launch.
const busDisabled = "disabled:"

// NoBusAutolaunch makes sure nothing in this process (go-keyring, and
// Fyne's notifications and portal calls, which use the same D-Bus
// library) starts a session bus: with none to find, godbus runs
// dbus-launch, whose dbus-daemon outlives CosDrop (the GUI tests left one
// per launch). It finds an existing bus as the keyring does, and otherwise
// points DBUS_SESSION_BUS_ADDRESS at an address that cannot connect. It
// reports whether a session bus exists. Call it before anything uses D-Bus.
func NoBusAutolaunch() bool {
	if err := checkSessionBus(); err != nil {
		if runtime.GOOS == "linux" || runtime.GOOS == "freebsd" || runtime.GOOS == "openbsd" || runtime.GOOS == "netbsd" {
			os.Setenv("DBUS_SESSION_BUS_ADDRESS", busDisabled)
		}
		return false
	}
	return true
}

func isSocket(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode()&os.ModeSocket != 0
}

// escapeBusPath escapes a path for a D-Bus address (the D-Bus
// specification: bytes outside [-0-9A-Za-z_/.\*] become %XX).
func escapeBusPath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || strings.IndexByte("-_/.\\*", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02x", c)
		}
	}
	return b.String()
}
