package uploader

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// JournalAccessError: the journal or its folder cannot be opened for
// writing (no permission, a read-only disk). It is not damage: setting the
// file aside would not help, making the folder writable (or choosing
// another) does.
type JournalAccessError struct {
	Dir string
	Err error
}

func (e *JournalAccessError) Error() string {
	return fmt.Sprintf("cannot write the journal in %s: %v", e.Dir, e.Err)
}

func (e *JournalAccessError) Unwrap() error { return e.Err }

// Reason is the system's word for the refusal, without the path
// ("permission denied", "read-only file system").
func (e *JournalAccessError) Reason() string {
	var pe *fs.PathError
	if errors.As(e.Err, &pe) {
		return pe.Err.Error()
	}
	return e.Err.Error()
}

// accessProblem reports a refusal by permissions or a read-only disk.
func accessProblem(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// CodeJournalGone: the journal file was removed or replaced while the
// engine ran, so nothing more can be saved to it (Party journal).
const CodeJournalGone = "JournalGone"

// JournalGoneError is a commit refused because the journal file the
// engine has open is no longer the one at its path: a write to a deleted
// file would look saved and be lost at exit.
type JournalGoneError struct{ Path string }

func (e *JournalGoneError) Error() string {
	return fmt.Sprintf("the journal %s was removed or replaced while CosDrop was running", e.Path)
}

// ident remembers which file the journal is, to notice it being removed
// or replaced (a stat per commit).
func (j *journal) identify(path string) {
	j.path = path
	j.ident, _ = os.Stat(path)
}

// check returns a *JournalGoneError when the journal's path no longer
// names the file the engine writes.
func (j *journal) check() error {
	if j.ident == nil {
		return nil
	}
	fi, err := os.Stat(j.path)
	if err != nil || !os.SameFile(fi, j.ident) {
		return &JournalGoneError{Path: j.path}
	}
	return nil
}

// NotAJournalError: the journal's path is not a regular file (a folder, a
// named pipe, a device). bbolt would wait for ever on a named pipe opened
// for reading and report a folder or /dev/zero in its own terms, so the
// path is checked before it is opened (issue 20, finding 15).
type NotAJournalError struct {
	Path string
	Kind string // folder, fifo, device, socket, other (KindText's words)
}

func (e *NotAJournalError) Error() string {
	return fmt.Sprintf("the journal %s is not a regular file (%s)", e.Path, e.Kind)
}

// checkJournalFile refuses a journal path that exists and is not a
// regular file (a link to one is followed, as bbolt would). A missing file
// is no error here: the callers create it or say there is none.
func checkJournalFile(p string) error {
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().IsRegular() {
		return nil
	}
	kind := specialKind(fi, false)
	if fi.IsDir() {
		kind = "folder"
	}
	return &NotAJournalError{Path: p, Kind: kind}
}
