//go:build !nogui

package main

import (
	"fmt"
	"net"
	"os"
	"time"

	"cosdrop/session"
	"cosdrop/ui"
)

// runGUI opens the window. When a CosDrop window already runs for this
// user, the paths go to it instead (single instance) and this process
// exits at once.
func runGUI(paths []string) int {
	if handedOff(paths) {
		return 0
	}
	return runWindow(ui.Options{Version: version, Paths: paths})
}

func runWindow(opts ui.Options) int {
	if err := ui.Run(opts); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func init() {
	// Start at login runs "cosdrop --background": the app starts in the
	// system tray without its window (the window shows when the desktop
	// has no tray). A CosDrop already running is left as it is.
	register(ui.BackgroundFlag, "Start in the system tray without opening the window (start at login uses it)", func(args []string) int {
		fs := newFlagSet(ui.BackgroundFlag, "[paths...]")
		if code, ok := parseFlags(fs, args); !ok {
			return code
		}
		if windowRunning() {
			return 0
		}
		return runWindow(ui.Options{Version: version, Paths: fs.Args(), Background: true})
	})
}

// windowRunning reports whether a CosDrop window answers on this user's
// window socket (without handing it anything, so it stays in the tray).
func windowRunning() bool {
	c, err := net.DialTimeout("unix", session.WindowSocket(session.DefaultDataDir()), time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}
