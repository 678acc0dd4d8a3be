package session

import (
	"io"
	"os"

	"cosdrop/profile"
)

// maxProfileFile bounds what IsProfileFile reads: a profile file is a few
// KB, and auth refuses one over 64 KB.
const maxProfileFile = 64 << 10

// IsProfileFile reports whether the regular file at path is a CosDrop
// profile file by its content, whatever its name (profile.IsProfileExport).
// The window asks before uploading one that is dropped: an admin's
// marketing.json went to the bucket as an ordinary file.
func IsProfileFile(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxProfileFile {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxProfileFile+1))
	return err == nil && profile.IsProfileExport(b)
}
