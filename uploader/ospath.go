package uploader

import (
	"errors"
	"io/fs"
	"os"
)

// openLocal opens a local file to upload by its osPath name; an error names
// the path as the user knows it, never the \\?\ form.
func openLocal(path string) (*os.File, error) {
	f, err := os.Open(osPath(path))
	return f, plainPathError(err, path)
}

// statLocal is os.Stat by the osPath name (following links), its error
// naming path as the user knows it.
func statLocal(path string) (os.FileInfo, error) {
	fi, err := os.Stat(osPath(path))
	return fi, plainPathError(err, path)
}

func plainPathError(err error, path string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		pe.Path = path
	}
	return err
}
