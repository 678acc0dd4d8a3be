//go:build !nogui

package main

import (
	"fmt"
	"os"

	"cosdrop/ui"
)

// runGUI opens the window. When a CosDrop window already runs for this
// user, the paths go to it instead (single instance) and this process
// exits at once.
func runGUI(paths []string) int {
	if handedOff(paths) {
		return 0
	}
	if err := ui.Run(ui.Options{Version: version, Paths: paths}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
