package uploader

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// record is the durable part of a task: everything a restart needs. It is
// stored in the journal's "tasks" bucket under the big-endian ID, encoded
// by encodeRecord (older journals hold it as JSON, which is still read).
type record struct {
	ID         TaskID      `json:"id"`
	Batch      BatchID     `json:"batch"`
	Path       string      `json:"path"`
	Key        string      `json:"key"`
	Size       int64       `json:"size"`
	MTime      int64       `json:"mtime"` // UnixNano; with Size, the file's fingerprint
	State      State       `json:"state"`
	Attempts   int         `json:"attempts,omitempty"`
	LastErr    *TaskError  `json:"last_error,omitempty"`
	Errors     []TaskError `json:"errors,omitempty"`
	UploadID   string      `json:"upload_id,omitempty"`
	PartSize   int64       `json:"part_size,omitempty"`
	Acked      int64       `json:"acked,omitempty"` // durable acknowledged bytes
	ETag       string      `json:"etag,omitempty"`
	CRC64      uint64      `json:"crc64,omitempty"`
	RequestIDs []string    `json:"request_ids,omitempty"`
	Note       string      `json:"note,omitempty"`
	Resolved   bool        `json:"resolved,omitempty"` // the conflict policy has been applied
	Created    stamp       `json:"created"`
	Started    stamp       `json:"started,omitzero"`
	Finished   stamp       `json:"finished,omitzero"`
}

// partRecord is one part COS acknowledged.
type partRecord struct {
	Number int    `json:"n"`
	Size   int64  `json:"size"`
	ETag   string `json:"etag"`
	CRC64  uint64 `json:"crc64"`
}

var (
	bucketTasks = []byte("tasks")
	bucketParts = []byte("parts")
	bucketMeta  = []byte("meta")
	metaBucket  = []byte("bucket_url")
)

// maxErrors bounds the error list each task keeps, so a flapping network
// cannot grow the journal without limit.
const maxErrors = 20

// journal is the engine's bbolt database. Every method commits (fsync)
// before it returns: the engine reports a change only after it is durable.
// Concurrent writers share transactions through group commit (see batch).
type journal struct {
	db *bolt.DB

	mu         sync.Mutex
	pending    []*journalOp // waiting for the next commit
	committing bool         // a commit goroutine is running
}

// journalOp is one writer's change waiting in a group commit.
type journalOp struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// batch runs fn in a durable transaction shared with whatever other writers
// arrive meanwhile, and returns once that transaction is committed. Unlike
// bolt's Batch it never waits for company: an idle journal commits at once,
// and while one commit is fsyncing, the writers that arrive queue for the
// next, so under load one fsync carries many tasks' changes (a folder of
// small files) and alone it costs no added latency. fn may run more than
// once, so it must only depend on its transaction.
func (j *journal) batch(fn func(*bolt.Tx) error) error {
	op := &journalOp{fn: fn, done: make(chan error, 1)}
	j.mu.Lock()
	j.pending = append(j.pending, op)
	if !j.committing {
		j.committing = true
		go j.commitLoop()
	}
	j.mu.Unlock()
	return <-op.done
}

func (j *journal) commitLoop() {
	for {
		j.mu.Lock()
		ops := j.pending
		j.pending = nil
		if len(ops) == 0 {
			j.committing = false
			j.mu.Unlock()
			return
		}
		j.mu.Unlock()
		err := j.db.Update(func(tx *bolt.Tx) error {
			for _, op := range ops {
				if err := op.fn(tx); err != nil {
					return errGroupFailed
				}
			}
			return nil
		})
		if err == errGroupFailed && len(ops) > 1 {
			// One writer's failure must not fail the others: each alone.
			for _, op := range ops {
				op.done <- j.db.Update(op.fn)
			}
			continue
		}
		if err == errGroupFailed {
			err = j.db.Update(ops[0].fn) // its own error, unwrapped
		}
		for _, op := range ops {
			op.done <- err
		}
	}
}

var errGroupFailed = errors.New("journal: a change in the group failed")

func (j *journal) close() error { return j.db.Close() }

func idKey(id TaskID) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], uint64(id))
	return k[:]
}

func partKey(id TaskID, n int) []byte {
	var k [12]byte
	binary.BigEndian.PutUint64(k[:8], uint64(id))
	binary.BigEndian.PutUint32(k[8:], uint32(n))
	return k[:]
}

func putRecord(tx *bolt.Tx, r *record) error {
	b, err := encodeRecord(r)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketTasks).Put(idKey(r.ID), b)
}

func deleteParts(tx *bolt.Tx, id TaskID) error {
	c := tx.Bucket(bucketParts).Cursor()
	prefix := idKey(id)
	for k, _ := c.Seek(prefix); len(k) == 12 && string(k[:8]) == string(prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

// saveTask writes one record; with dropParts it also forgets the task's
// parts in the same transaction (a finished, restarted or removed upload).
func (j *journal) saveTask(r *record, dropParts bool) error {
	// Encode here, in the writer's goroutine: the commit goroutine only
	// copies bytes into the tree.
	b, err := encodeRecord(r)
	if err != nil {
		return err
	}
	return j.batch(func(tx *bolt.Tx) error {
		if dropParts {
			if err := deleteParts(tx, r.ID); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketTasks).Put(idKey(r.ID), b)
	})
}

// saveTasks writes many new records in one transaction (a folder walk).
func (j *journal) saveTasks(rs []*record) error {
	return j.db.Update(func(tx *bolt.Tx) error {
		for _, r := range rs {
			if err := putRecord(tx, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// deleteTasks removes tasks and their parts.
func (j *journal) deleteTasks(ids []TaskID) error {
	return j.db.Update(func(tx *bolt.Tx) error {
		for _, id := range ids {
			if err := deleteParts(tx, id); err != nil {
				return err
			}
			if err := tx.Bucket(bucketTasks).Delete(idKey(id)); err != nil {
				return err
			}
		}
		return nil
	})
}

// savePart records one acknowledged part.
func (j *journal) savePart(id TaskID, p partRecord) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return j.batch(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketParts).Put(partKey(id, p.Number), b)
	})
}

// loadParts returns the acknowledged parts of a task by number.
func (j *journal) loadParts(id TaskID) (map[int]partRecord, error) {
	parts := map[int]partRecord{}
	err := j.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketParts).Cursor()
		prefix := idKey(id)
		for k, v := c.Seek(prefix); len(k) == 12 && string(k[:8]) == string(prefix); k, v = c.Next() {
			var p partRecord
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("journal part %x: %w", k, err)
			}
			parts[p.Number] = p
		}
		return nil
	})
	return parts, err
}

// loadTasks calls fn for every record in ID order.
func (j *journal) loadTasks(fn func(*record)) error {
	return j.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTasks).ForEach(func(k, v []byte) error {
			r := new(record)
			if err := decodeRecord(v, r); err != nil {
				return fmt.Errorf("journal task %x: %w", k, err)
			}
			fn(r)
			return nil
		})
	})
}
