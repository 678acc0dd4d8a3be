// Command cosdrop uploads files to Tencent Cloud Object Storage (COS).
//
// With no arguments (or only file paths) it opens the desktop window; the
// subcommands give the same engine to scripts and support staff. This
// package is wiring only: the commands live in package cli, the window in
// package ui, which gui.go passes to the command line (the CLI-only build,
// -tags nogui, leaves gui.go out and so links without Fyne).
package main

import (
	"os"

	"cosdrop/auth"
	"cosdrop/cli"
)

// Set at link time by the Makefile (-ldflags "-X main.version=..."); "dev"
// marks a build made without it.
var (
	version = "dev"
	commit  = "dev"
)

// window and backgroundFlag are set by gui.go; nil and empty in the
// CLI-only build.
var (
	window         cli.Window
	backgroundFlag string
)

func main() {
	auth.NoBusAutolaunch() // no D-Bus daemon started by CosDrop may outlive it
	os.Exit(cli.Main(os.Args[1:], cli.Build{Version: version, Commit: commit, Window: window, BackgroundFlag: backgroundFlag}))
}
