//go:build !windows

package session

import (
	"io/fs"
	"syscall"
)

// fileOwner is the user id owning fi (from Lstat or Stat).
func fileOwner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
