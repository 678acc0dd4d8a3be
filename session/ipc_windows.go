package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/windows"
)

// The Windows transport. AF_UNIX exists on Windows 10 1803 and later, but
// not under Wine, and named pipes through go-winio hung in Accept under
// Wine; loopback TCP works on both. The endpoint listens on 127.0.0.1
// only, never on a network interface, and writes its
// address and key (ipcauth.go) to an endpoint file next to the journal or
// in the data directory (%LOCALAPPDATA%\cosdrop). The file is created with
// a protected DACL granting only the user's SID (ownerOnlyAttributes) and
// is held open for the endpoint's life, without delete sharing and with
// FILE_FLAG_DELETE_ON_CLOSE
// (https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew):
// Windows removes it when the process ends, even when killed, and while it
// runs no second window can delete it, which makes it the single-instance
// lock too. A client trusts the file only when the user owns it and no one
// else may read or change it (endpointFileProblem). A --state-dir on a
// volume that keeps no ACLs (FAT or exFAT) cannot give that proof, so
// `cosdrop status` there gets no live answer (untested: no such volume
// here).
const statusName, windowName = "status.ipc", "window.ipc"

// maxEndpointFile bounds what a client reads of an endpoint file.
const maxEndpointFile = 4 << 10

// errUntrustedEndpoint: an endpoint file someone else could have written
// or read; the client neither connects nor sends anything.
var errUntrustedEndpoint = errors.New("untrusted endpoint file")

// socketPath: a file path has no unix socket's length limit, so the
// endpoint file always lives in the folder itself.
func socketPath(dir, name string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return filepath.Join(abs, name)
}

// openEndpoint listens on loopback and claims the endpoint file at path.
func openEndpoint(path string) (*listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	info, key := newEndpointInfo(l.Addr())
	content, _ := json.Marshal(info)
	h, err := claimEndpointFile(path, content)
	if err != nil {
		l.Close()
		return nil, err
	}
	return &listener{l: l,
		admit:  func(c net.Conn) bool { return serverAdmit(c, key) },
		remove: func() { _ = windows.CloseHandle(h) }, // FILE_FLAG_DELETE_ON_CLOSE
	}, nil
}

// claimEndpointFile creates the endpoint file at path, owner-only, writes
// content and returns the handle that keeps it. A file already there that
// can be deleted was left by a CosDrop that died (or is not CosDrop's): it
// is replaced. One that cannot be deleted for a sharing violation is held
// by a running CosDrop.
func claimEndpointFile(path string, content []byte) (windows.Handle, error) {
	busy := fmt.Errorf("another CosDrop already listens on %s", path)
	for range 2 {
		h, err := createOwnerOnly(path, windows.GENERIC_WRITE|windows.DELETE, windows.FILE_SHARE_READ, windows.FILE_FLAG_DELETE_ON_CLOSE)
		if err == nil {
			var n uint32
			if err = windows.WriteFile(h, content, &n, nil); err != nil {
				windows.CloseHandle(h)
				return 0, fmt.Errorf("write %s: %w", path, err)
			}
			return h, nil
		}
		if !errors.Is(err, windows.ERROR_FILE_EXISTS) {
			return 0, fmt.Errorf("create %s: %w", path, err)
		}
		if err := os.Remove(path); errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
			return 0, busy
		} else if err != nil {
			return 0, err
		}
	}
	return 0, busy
}

// createOwnerOnly creates a new file at path whose owner and only DACL
// entry are the user (CREATE_NEW: fails when it exists).
func createOwnerOnly(path string, access, share, flags uint32) (windows.Handle, error) {
	sa, err := ownerOnlyAttributes()
	if err != nil {
		return 0, err
	}
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return 0, err
	}
	return windows.CreateFile(p, access, share, sa, windows.CREATE_NEW, windows.FILE_ATTRIBUTE_NORMAL|flags, 0)
}

// dialEndpoint reads the endpoint file at path (refusing one it cannot
// trust), connects and runs the handshake.
func dialEndpoint(path string, timeout time.Duration) (net.Conn, error) {
	addr, key, err := readEndpointFile(path)
	if err != nil {
		return nil, err
	}
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(ipcTimeout))
	if err := clientProve(c, key); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// readEndpointFile opens the endpoint file, checks through that same
// handle that it may be trusted, and reads the address and key.
func readEndpointFile(path string) (addr string, key []byte, err error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return "", nil, err
	}
	// Sharing read, write and delete: the server holds it open for writing
	// with FILE_FLAG_DELETE_ON_CLOSE. FILE_FLAG_OPEN_REPARSE_POINT: a link
	// is opened itself, and refused, never followed.
	h, err := windows.CreateFile(p, windows.GENERIC_READ|windows.READ_CONTROL,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil,
		windows.OPEN_EXISTING, windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if err != nil {
		return "", nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(h), path)
	defer f.Close()
	if why := endpointFileProblem(h); why != "" {
		return "", nil, fmt.Errorf("%s: %w: %s", path, errUntrustedEndpoint, why)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxEndpointFile))
	if err != nil {
		return "", nil, err
	}
	ap, key, err := parseEndpointInfo(b)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	return ap.String(), key, nil
}
