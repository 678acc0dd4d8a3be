//go:build !windows

package uploader

// osPath is the name to open or stat a local file by: the path itself
// outside Windows (see ospath_windows.go).
func osPath(path string) string { return path }

// isStream is false outside Windows: a colon is an ordinary character of
// a file name there (see ospath_windows.go).
func isStream(string) bool { return false }
