//go:build !windows

package session

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The unix transport: a socket file, 0600, in the state or data directory,
// or in the user's private fallback folder when that path is too long.
const statusName, windowName = "status.sock", "window.sock"

func socketPath(dir, name string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	p := filepath.Join(abs, name)
	if len(p) <= 100 {
		return p
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(fallbackDir(), hex.EncodeToString(sum[:8])+"-"+name)
}

// fallbackDir holds the sockets whose own path is too long. Its name is
// predictable, so another local user could create it first and listen
// there (issue 20, finding 6): $XDG_RUNTIME_DIR, the user's own runtime
// folder (https://specifications.freedesktop.org/basedir-spec/latest/),
// is used where it exists; otherwise a folder in the shared temp dir that
// checkPrivateDir must find to be the user's own, 0700, and no link.
func fallbackDir() string {
	if run := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(run) {
		if fi, err := os.Lstat(run); err == nil && privateDirProblem(fi, os.Getuid(), 0o022) == "" {
			return filepath.Join(run, "cosdrop")
		}
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("cosdrop-%d", os.Getuid()))
}

// UnsafeSocketDirError: the folder for a local socket is not this user's
// private folder, so CosDrop neither listens nor connects there.
type UnsafeSocketDirError struct {
	Dir    string
	Reason string // privateDirProblem's words
}

func (e *UnsafeSocketDirError) Error() string {
	return T("CosDrop does not use the folder {{.Dir}} for its local socket: {{.Reason}}. Another user of this computer could take over its messages. Remove that folder, or set XDG_RUNTIME_DIR to your own private folder.",
		map[string]any{"Dir": e.Dir, "Reason": e.Reason})
}

// checkSocketDir makes sure the folder of socket path may be used: the
// fallback folder must be the user's own (create: make it first when
// missing); a socket next to the journal or in the data directory lives
// in a folder the user chose, and is itself 0600.
func checkSocketDir(path string, create bool) error {
	dir := filepath.Dir(path)
	if dir != fallbackDir() {
		if create {
			return os.MkdirAll(dir, 0o700)
		}
		return nil
	}
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) && create {
		if err = os.Mkdir(dir, 0o700); err == nil || errors.Is(err, fs.ErrExist) {
			fi, err = os.Lstat(dir) // whoever made it, it is checked as it is now
		}
	}
	if err != nil {
		return err
	}
	if why := privateDirProblem(fi, os.Getuid(), 0o077); why != "" {
		return &UnsafeSocketDirError{Dir: dir, Reason: why}
	}
	return nil
}

// privateDirProblem words why fi (from Lstat) is not a private folder of
// the user uid: a link, not a folder, another owner, or permission bits
// in forbidden set; "" when it is private. Where FileInfo carries no
// owner, only the link and folder checks apply.
func privateDirProblem(fi fs.FileInfo, uid int, forbidden fs.FileMode) string {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return T("it is a link")
	case !fi.IsDir():
		return T("it is not a folder")
	}
	owner, ok := fileOwner(fi)
	if !ok {
		return ""
	}
	if owner != uid {
		return T("it belongs to another user")
	}
	if perm := fi.Mode().Perm(); perm&forbidden != 0 {
		return T("others may use it (mode {{.Mode}}, not 0700)", map[string]any{"Mode": fmt.Sprintf("%04o", perm)})
	}
	return ""
}

// openEndpoint listens on a unix socket at path, owner-only. A socket file
// left by a process that died is removed; one that answers belongs to a
// live process, and openEndpoint fails. Only this user can connect, so
// every connection is admitted.
func openEndpoint(path string) (*listener, error) {
	if err := checkSocketDir(path, true); err != nil {
		return nil, err
	}
	if c, err := net.DialTimeout("unix", path, 200*time.Millisecond); err == nil {
		c.Close()
		return nil, fmt.Errorf("another CosDrop already listens on %s", path)
	}
	_ = os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	_ = os.Chmod(path, 0o600)
	return &listener{l: l, admit: func(net.Conn) bool { return true }, remove: func() { _ = os.Remove(path) }}, nil
}

// dialEndpoint connects to the unix socket at path, after checking its
// folder may be trusted.
func dialEndpoint(path string, timeout time.Duration) (net.Conn, error) {
	if err := checkSocketDir(path, false); err != nil {
		return nil, err
	}
	return net.DialTimeout("unix", path, timeout)
}
