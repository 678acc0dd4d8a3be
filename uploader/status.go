package uploader

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ReadJournal returns every task recorded in stateDir's journal, without
// starting an engine (for `cosdrop status` when no CosDrop runs on it).
// It fails with *BusyJournalError when a process holds the journal open
// (ask that process instead: the session layer's status socket). A
// damaged journal never panics: the tasks that can be read are returned
// with a *DamagedJournalError.
func ReadJournal(stateDir string) ([]Snapshot, error) {
	db, p, err := openReadOnly(stateDir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var out []Snapshot
	var bad []string
	err = guard(p, func() error {
		return db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketTasks)
			if b == nil {
				return nil
			}
			return b.ForEach(func(k, v []byte) error {
				r := new(record)
				if err := decodeRecord(v, r); err != nil {
					bad = append(bad, fmt.Sprintf("task %x: %v", k, err))
					return nil
				}
				t := &task{rec: *r}
				out = append(out, t.snapshotLocked())
				return nil
			})
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
func openReadOnly(stateDir string) (*bolt.DB, string, error) {
	p := filepath.Join(stateDir, JournalFile)
	if _, err := os.Stat(p); err != nil {
		return nil, p, &NoJournalError{Dir: stateDir}
	}
	db, err := safeOpen(p, &bolt.Options{ReadOnly: true, Timeout: time.Second}, false)
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, p, &BusyJournalError{Dir: stateDir}
	}
	return db, p, err
}
