package uploader

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ReadJournal returns every task recorded in stateDir's journal, without
// starting an engine (for `cosdrop status` when no CosDrop runs on it).
// It fails with *BusyJournalError when a process holds the journal open
// (ask that process instead: the session layer's status socket). A
// damaged journal never panics: the tasks that can be read are returned
// with a *DamagedJournalError.
func ReadJournal(stateDir string) ([]Snapshot, error) {
	j, p, err := openReadOnly(stateDir)
	if err != nil {
		return nil, err
	}
	defer j.close()
	var out []Snapshot
	var bad []string
	err = guard(p, func() error {
		return j.eachTask(false, func(r *record, berr error) error {
			if berr != nil {
				bad = append(bad, berr.Error())
				return nil
			}
			t := &task{rec: *r}
			out = append(out, t.snapshotLocked())
			return nil
		})
	})
	if err == nil && len(bad) > 0 {
		err = &DamagedJournalError{Path: p, Reason: fmt.Sprintf("%d unreadable records (first: %s)", len(bad), bad[0])}
	}
	return out, err
}

// openReadOnly opens stateDir's journal for reading without starting an
// engine; it fails with *NoJournalError when there is none and with
// *BusyJournalError while a process holds it.
func openReadOnly(stateDir string) (*journal, string, error) {
	p := filepath.Join(stateDir, JournalFile)
	if _, err := os.Stat(p); err != nil {
		return nil, p, &NoJournalError{Dir: stateDir}
	}
	j, err := safeOpen(p, true, time.Second, false)
	if isBusy(err) {
		return nil, p, &BusyJournalError{Dir: stateDir}
	}
	return j, p, err
}
