//go:build !windows

package clipboard

// readDroppedFiles: on X11 and macOS, files copied in a file manager are
// also offered as text (their paths or file:// URIs), which the caller
// reads as a list of paths.
func readDroppedFiles() ([]string, error) { return nil, nil }
