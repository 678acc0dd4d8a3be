package uploader

import (
	"errors"

	"golang.org/x/sys/windows"
)

// fileInUse reports an open refused because another program's sharing
// mode denies it (ERROR_SHARING_VIOLATION) or a read refused by another
// program's byte-range lock (ERROR_LOCK_VIOLATION).
// https://learn.microsoft.com/en-us/windows/win32/fileio/creating-and-opening-files
// https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-lockfileex
func fileInUse(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}

// accessDenied reports ERROR_ACCESS_DENIED, which a rename gets while
// another program has the file open without FILE_SHARE_DELETE.
func accessDenied(err error) bool { return errors.Is(err, windows.ERROR_ACCESS_DENIED) }
