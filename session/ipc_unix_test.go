//go:build !windows

package session

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"cosdrop/uploader"
)

// SECURITY.md: the IPC endpoints are owner-only. The status socket is 0600
// even in a state directory others may read, and the window socket sits
// in a 0700 directory and is 0600: another local user can neither read the
// task list (paths, keys) nor hand files to the window.
func TestIPCSocketsOwnerOnly(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	if err := os.MkdirAll(state, 0o755); err != nil { // a state dir a user made readable
		t.Fatal(err)
	}
	closeStatus, err := ServeStatus(state, noTasks{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeStatus()
	data := filepath.Join(t.TempDir(), "data")
	closeWindow, err := ListenWindow(data, func([]string) {})
	if err != nil {
		t.Fatal(err)
	}
	defer closeWindow()
	for _, c := range []struct {
		path    string
		dirOnly bool // also its directory must be owner-only
	}{{StatusSocket(state), false}, {WindowSocket(data), true}} {
		fi, err := os.Stat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v, want a socket only its owner may use (0600)", c.path, fi.Mode())
		}
		if c.dirOnly {
			di, err := os.Stat(filepath.Dir(c.path))
			if err != nil {
				t.Fatal(err)
			}
			if di.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s: mode %v, want 0700", filepath.Dir(c.path), di.Mode().Perm())
			}
		}
	}
	if _, ok := LiveStatus(state); !ok {
		t.Error("the owner cannot ask the status socket")
	}
}

// A socket file left by a process that died does not stop the next one.
func TestStaleSocketIsReplaced(t *testing.T) {
	dir := t.TempDir()
	l, err := net.Listen("unix", StatusSocket(dir))
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close() // the file stays, nobody answers
	stop, err := ServeStatus(dir, fakeSnaps{})
	if err != nil {
		t.Fatalf("serve over a stale socket: %v", err)
	}
	defer stop()
	if fi, err := os.Stat(StatusSocket(dir)); err != nil || fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("socket mode: %v %v", fi.Mode(), err)
	}
	if tasks, ok := LiveStatus(dir); !ok || len(tasks) != 1 {
		t.Errorf("live status over the replaced socket: %v %v", tasks, ok)
	}
	if l, err := Leftovers(dir); err != nil || len(l) != 1 || l[0].Code != uploader.CodeAbortDenied {
		t.Errorf("leftovers over the socket: %+v %v", l, err)
	}
}
