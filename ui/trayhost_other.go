//go:build !(linux || freebsd || openbsd || netbsd)

package ui

import "context"

// trayHostPresent: Windows always has a notification area and macOS a
// menu bar.
func trayHostPresent(context.Context) (present, mayAppear bool) { return true, true }
