package uploader

import (
	"path/filepath"
	"strings"
)

// isStream reports a path naming an alternate data stream of an NTFS file
// ("report.txt:hidden", "report.txt::$DATA"): a colon after the volume
// name, which no Windows file or folder name may hold.
// https://learn.microsoft.com/en-us/windows/win32/fileio/file-streams
func isStream(path string) bool {
	return strings.Contains(path[len(filepath.VolumeName(path)):], ":")
}

// osPath is the name to open or stat a local file by. On Windows an
// absolute path gets the \\?\ form (\\?\UNC\server\share\... for a network
// share), which hands the name to the file system as it is: without it
// Win32 opens "CON", "NUL" or "aux.txt" in any folder as a device and drops
// a trailing dot or space, so a file with such a name (copied from a Linux
// share or an archive) could not be read, or worse, the device would be.
// It also lifts the 260-character limit. The path shown and journaled stays
// the ordinary one.
// https://learn.microsoft.com/en-us/windows/win32/fileio/naming-a-file#win32-file-namespaces
func osPath(path string) string {
	switch {
	case strings.HasPrefix(path, `\\?\`), strings.HasPrefix(path, `\\.\`), !filepath.IsAbs(path):
		return path
	case strings.HasPrefix(path, `\\`):
		return `\\?\UNC\` + filepath.Clean(path)[2:]
	default:
		return `\\?\` + filepath.Clean(path)
	}
}
