package uploader

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"

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
	Note       Note        `json:"note,omitzero"`
	Resolved   bool        `json:"resolved,omitempty"` // writes may replace an object at Key (see conflict.go)
	// Requested is the key the user asked for when a conflict renamed the
	// task ("" when Key is it): with the path, the task's identity.
	Requested string `json:"requested_key,omitempty"`
	// Unverified: done, but COS's copy could not be checked (a Complete
	// whose answer was lost, when HeadObject is not allowed).
	Unverified bool `json:"unverified,omitempty"`
	// CompleteSent is the upload whose CompleteMultipartUpload was sent
	// (journaled before it is): a later run settles it before sending
	// anything again (settle.go). It names the upload, so a new upload
	// never inherits the mark.
	CompleteSent string `json:"complete_sent,omitempty"`
	// RelAt is where, in Path, the file's path relative to the dropped
	// folder starts (rel, what upload rules match); 0 in records written
	// before rules existed, read as the file's name.
	RelAt    int   `json:"rel_at,omitempty"`
	Created  stamp `json:"created"`
	Started  stamp `json:"started,omitzero"`
	Finished stamp `json:"finished,omitzero"`
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

// journal is the engine's bbolt database. Only the engine loop writes it,
// one transaction per loop step (see Engine.commit), so a step's changes
// share one fsync; workers and ReadJournal only read.
type journal struct {
	db    *bolt.DB
	path  string      // the file, to notice it removed or replaced (journalaccess.go)
	ident os.FileInfo // what the file was when opened
}

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
