//go:build !windows

package session

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cosdrop/uploader"
)

// Issue 20, finding 15: a journal.db that is a named pipe made `cosdrop
// status` hang for ever; a folder or /dev/zero gave raw Go errors. Each
// is refused at once, in plain words naming the file and what it is.
func TestJournalThatIsNotAFile(t *testing.T) {
	reloadForTest()
	for name, create := range map[string]func(p string) error{
		"named pipe": func(p string) error { return syscall.Mkfifo(p, 0o600) },
		"folder":     func(p string) error { return os.Mkdir(p, 0o700) },
		"device":     func(p string) error { return os.Symlink("/dev/zero", p) },
	} {
		dir := t.TempDir()
		p := filepath.Join(dir, uploader.JournalFile)
		if err := create(p); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			done <- Status(dir, func(int) {}, func(uploader.Snapshot) error { return nil })
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(30 * time.Second): // a bound for a hang, not a timing claim
			t.Fatalf("%s: status still waiting after 30 s", name)
		}
		got := ErrText(err)
		if err == nil || !strings.Contains(got, p) || !strings.Contains(got, "not a regular file") {
			t.Errorf("%s: %v worded %q; want plain words naming %s", name, err, got, p)
		}
	}
}
