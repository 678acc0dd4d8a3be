package main

import (
	"fmt"
	"os"
)

// notYet registers a subcommand whose implementation lands with a later
// issue; it still parses -h so the skeleton's usage is complete.
func notYet(name, summary, synopsis string) {
	register(name, summary, func(args []string) int {
		fs := newFlagSet(name, synopsis)
		if code, ok := parseFlags(fs, args); !ok {
			return code
		}
		fmt.Fprintf(os.Stderr, tr("cosdrop %s is not available in this build yet.")+"\n", name)
		return 1
	})
}
