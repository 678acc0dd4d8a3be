package main

import (
	"fmt"
	"os"

	"cosdrop/ui"
)

// tr translates a user-visible CLI string through the same catalogue as the
// window, so both speak the user's language.
func tr(s string) string { return ui.T(s) }

func runGUI(paths []string) int {
	if err := ui.Run(ui.Options{Version: version, Paths: paths}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
