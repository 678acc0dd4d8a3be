package session

import (
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"cosdrop/uploader"
)

type noTasks struct{}

func (noTasks) Changes(uint64) ([]uploader.Snapshot, uint64) { return nil, 0 }

func (noTasks) Leftovers() ([]uploader.Leftover, error) { return nil, nil }

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
