//go:build !windows

package uploader

// fileInUse is false outside Windows: POSIX systems have no mandatory
// sharing modes, and advisory locks do not stop a read.
func fileInUse(error) bool { return false }
