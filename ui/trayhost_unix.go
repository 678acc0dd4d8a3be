//go:build linux || freebsd || openbsd || netbsd

package ui

import (
	"context"

	"github.com/godbus/dbus/v5"
)

// trayHostPresent reports whether a system tray shows icons on this
// desktop: a StatusNotifierWatcher owns its name on the session bus (what
// Fyne's tray registers with). mayAppear: there is a session bus, so a
// panel starting later (at login) may still bring one. With no session
// bus (auth.NoBusAutolaunch makes it undialable rather than start a
// daemon) there is none, and none will come.
func trayHostPresent(ctx context.Context) (present, mayAppear bool) {
	conn, err := dbus.SessionBus() // shared with Fyne's tray; never closed here
	if err != nil {
		return false, false
	}
	var has bool
	err = conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has, true
}
