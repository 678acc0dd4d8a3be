//go:build !windows

package uploader

// fileInUse is false outside Windows: POSIX systems have no mandatory
// sharing modes, and advisory locks do not stop a read.
func fileInUse(error) bool { return false }

// accessDenied is false outside Windows: a refused rename there is a
// permission, which trying again does not change.
func accessDenied(error) bool { return false }
