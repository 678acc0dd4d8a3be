package uploader

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ReadJournal returns every task recorded in stateDir's journal, as
// EachTask walks them: all at once, for callers that want a list.
func ReadJournal(stateDir string) ([]Snapshot, error) {
	var out []Snapshot
	err := EachTask(stateDir, func(int) {}, func(s Snapshot) error {
		out = append(out, s)
		return nil
	})
	return out, err
}

// EachTask reads the tasks recorded in stateDir's journal without starting
// an engine (for `cosdrop status` when no CosDrop runs on it): it calls
// count once with the number of records, then fn with each task in ID
// order, one at a time, so a journal of any size is read in the memory of
// one task (the file itself is mapped, not copied). An error fn returns
// ends the walk and is returned. It fails with *BusyJournalError when a
// process holds the journal open (ask that process instead: the session
// layer's status socket). A damaged journal never panics: the tasks that
// can be read are walked, then a *DamagedJournalError says what could not.
func EachTask(stateDir string, count func(n int), fn func(Snapshot) error) error {
	j, p, err := openReadOnly(stateDir)
	if err != nil {
		return err
	}
	defer j.close()
	bad, first := 0, ""
	err = guard(p, func() error {
		n, err := j.taskCount()
		if err != nil {
			return err
		}
		count(n)
		return j.eachTask(func(r *record, berr error) error {
			if berr != nil {
				if bad++; bad == 1 {
					first = berr.Error()
				}
				return nil
			}
			return fn(snapshotOf(r, 0, nil))
		})
	})
	if err == nil && bad > 0 {
		err = &DamagedJournalError{Path: p, Reason: fmt.Sprintf("%d unreadable records (first: %s)", bad, first)}
	}
	return err
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
