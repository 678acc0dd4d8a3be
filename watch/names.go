package watch

import (
	"path"
	"strings"
)

// TempPatterns are the names a file carries while an application is still
// producing it: browsers' partial downloads, editors' swap and lock files,
// Office's owner files, and "*.tmp" that many programs write before
// renaming into place. Such files are never uploaded under that name;
// their rename into place is (ShareX #7567 missed exactly that).
var TempPatterns = []string{"*.tmp", "~$*", "*.part", "*.crdownload", ".~lock*", "*.swp"}

// temporary returns the pattern of TempPatterns that the base name of rel
// matches (case-insensitively: Windows writes "X.TMP").
func temporary(rel string) (string, bool) {
	base := strings.ToLower(path.Base(rel))
	for _, p := range TempPatterns {
		if ok, _ := path.Match(p, base); ok {
			return p, true
		}
	}
	return "", false
}
