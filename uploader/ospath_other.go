//go:build !windows

package uploader

// osPath is the name to open or stat a local file by: the path itself
// outside Windows (see ospath_windows.go).
func osPath(path string) string { return path }
