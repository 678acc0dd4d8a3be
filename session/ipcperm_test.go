package session

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"cosdrop/uploader"
)

type noTasks struct{}

func (noTasks) Changes(uint64) ([]uploader.Snapshot, uint64) { return nil, 0 }

func (noTasks) Leftovers() ([]uploader.Leftover, error) { return nil, nil }

// SECURITY.md: the IPC endpoints are owner-only. The status socket is 0600
// even in a state directory others may read, and the window socket sits
// in a 0700 directory and is 0600: another local user can neither read the
// task list (paths, keys) nor hand files to the window.
func TestIPCSocketsOwnerOnly(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("this test checks Unix permission bits; Windows sockets rely on the profile directory's ACL, which no test checks yet")
	}
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

// A journal that cannot be opened for writing is worded with its folder
// and the system's reason, for a read-only disk (EROFS) as for a refused
// permission; never as damage.
func TestJournalAccessWords(t *testing.T) {
	for _, errno := range []error{syscall.EROFS, syscall.EACCES} {
		err := error(&uploader.JournalAccessError{Dir: "/srv/state", Err: &fs.PathError{Op: "open", Path: "/srv/state/journal.db", Err: errno}})
		got := ErrText(fmt.Errorf("open engine: %w", err))
		if !strings.Contains(got, "/srv/state") || !strings.Contains(got, errno.Error()) || strings.Contains(strings.ToLower(got), "damaged") {
			t.Errorf("%v worded as %q", errno, got)
		}
	}
}
