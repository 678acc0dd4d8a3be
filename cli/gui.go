//go:build nogui

package cli

import (
	"fmt"
	"os"
)

// runGUI in the CLI-only build (go build -tags nogui): files given
// without a command go to a running CosDrop window if there is one;
// otherwise it says plainly that this build has no window.
func runGUI(paths []string) int {
	if handedOff(paths) {
		return 0
	}
	fmt.Fprintln(os.Stderr, tr("This cosdrop was built without its window (the CLI-only build). Use a command, e.g. 'cosdrop upload --profile P FILES', or run 'cosdrop help'."))
	return 2
}
