//go:build !nogui

package main

import (
	"fmt"
	"os"

	"cosdrop/ui"
)

// The window, left out of the CLI-only build (-tags nogui): the only
// place the command line meets the Fyne side.
func init() {
	backgroundFlag = ui.BackgroundFlag
	window = func(paths []string, background bool) int {
		if err := ui.Run(ui.Options{Version: version, Paths: paths, Background: background}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	}
}
