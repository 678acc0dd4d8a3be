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
// starting an engine (for `cosdrop status`). It fails when an upload holds
// the journal open.
func ReadJournal(stateDir string) ([]Snapshot, error) {
	p := filepath.Join(stateDir, "journal.db")
	if _, err := os.Stat(p); err != nil {
		return nil, fmt.Errorf("no journal in %s: %w", stateDir, err)
	}
	db, err := bolt.Open(p, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("an upload is running with the state directory %s; try again when it ends", stateDir)
	}
	if err != nil {
		return nil, fmt.Errorf("open journal %s: %w", p, err)
	}
	j := &journal{db: db}
	defer j.close()
	var out []Snapshot
	err = j.loadTasks(func(r *record) {
		t := &task{rec: *r}
		out = append(out, t.snapshotLocked())
	})
	return out, err
}
