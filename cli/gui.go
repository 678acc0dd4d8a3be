package cli

import (
	"fmt"
	"os"

	"cosdrop/session"
)

// runGUI opens the window. When a CosDrop window already runs for this
// user, the paths go to it instead (single instance) and this process
// exits at once. The CLI-only build (go build -tags nogui), given no
// Window, says plainly that it has none.
func runGUI(paths []string) int {
	if handedOff(paths) {
		return 0
	}
	if window == nil {
		fmt.Fprintln(os.Stderr, tr("This cosdrop was built without its window (the CLI-only build). Use a command, e.g. 'cosdrop upload --profile P FILES', or run 'cosdrop help'."))
		return 2
	}
	return window(paths, false)
}

// registerBackground adds the command start at login runs ("cosdrop
// --background"): the app starts in the system tray without its window
// (the window shows when the desktop has no tray). A CosDrop already
// running is left as it is.
func registerBackground(name string) {
	register(name, "Start in the system tray without opening the window (start at login uses it)", func(args []string) int {
		fs := newFlagSet(name, "[paths...]")
		if code, ok := parseFlags(fs, args); !ok {
			return code
		}
		if windowRunning() {
			return 0
		}
		return window(fs.Args(), true)
	})
}

// windowRunning reports whether a CosDrop window answers for this user
// (without handing it anything, so it stays in the tray).
func windowRunning() bool { return session.WindowRunning(session.DefaultDataDir()) }
