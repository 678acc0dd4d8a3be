package uploader

import (
	"errors"
	"fmt"
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
	// Initiating marks an InitiateMultipartUpload sent (journaled before
	// it is) whose upload ID is not journaled yet (intent.go).
	Initiating *initMark `json:"initiating,omitempty"`
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

// maxErrors bounds the error list each task keeps, so a flapping network
// cannot grow the journal without limit.
const maxErrors = 20

var errNoRecord = errors.New("the journal has no record of this task")

// loadTasks calls fn for every record in ID order; a record that does not
// decode ends the load with an error naming it.
func (j *journal) loadTasks(fn func(*record)) error {
	return j.eachTask(func(r *record, bad error) error {
		if bad != nil {
			return fmt.Errorf("journal %w", bad)
		}
		fn(r)
		return nil
	})
}
