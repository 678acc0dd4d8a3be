//go:build !windows

package localcos

import "os"

// syncDir makes a directory's entries (a rename or a new hard link) durable:
// on POSIX systems only an fsync of the directory itself does that.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
