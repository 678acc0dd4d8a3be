package uploader

import (
	"path/filepath"
	"runtime"
	"strings"
)

// SamePath reports whether a and b name the same place once made absolute
// and clean, case-insensitively on Windows, whose file systems ignore case.
// It backs up os.SameFile where that compares file IDs the system may not
// give for a folder listed by its parent (Wine gives none), so the state
// folder inside a dropped or watched folder is still recognised.
func SamePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 != nil || err2 != nil {
		return false
	}
	if runtime.GOOS == "windows" {
		return strings.EqualFold(aa, bb)
	}
	return aa == bb
}
