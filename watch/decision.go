package watch

import (
	"time"

	"cosdrop/uploader"
)

// Code names what a watch decided about one file. Codes are stable once
// logged (support searches for them): add codes, never rename one. Words
// are chosen at the edge (session.WatchText), never stored.
type Code string

// Decision codes. Their Args are named in the comment.
const (
	// Waiting: the file was seen (new or changed) and waits until its
	// size and modification time stay unchanged for the settle window.
	Waiting Code = "waiting"
	// Temporary: a temporary name (a download or an editor's scratch
	// file); it waits to be renamed into place. Args "pattern".
	Temporary Code = "temporary"
	// Excluded: an exclude rule matched; never uploaded. Args "pattern".
	Excluded Code = "excluded"
	// StillOpen: settled, but a program still has the file open for
	// writing (Linux); it waits until the file is closed.
	StillOpen Code = "still_open"
	// Gone: the file disappeared before it settled.
	Gone Code = "gone"
	// Uploaded: uploaded, and COS's copy checked against the file's
	// CRC64. Args "crc64", "etag", "request_ids".
	Uploaded Code = "uploaded"
	// UploadedUnverified: uploaded, but COS's copy could not be checked
	// (the credentials may not read it). Args "note".
	UploadedUnverified Code = "uploaded_unverified"
	// Identical: COS already holds an identical object (size and CRC64)
	// at the key, so nothing was sent.
	Identical Code = "identical"
	// Exists: an object is at the key and could not be compared (no
	// HeadObject permission); the file was not sent over it.
	Exists Code = "exists"
	// Unchanged: the journal shows this file, with this size and
	// modification time, already finished; nothing was sent.
	Unchanged Code = "unchanged"
	// Failed: the upload failed; Error says why (code, party, request ID).
	// The watch tries again at its next rescan.
	Failed Code = "failed"
	// EventsLost: the file-system event queue overflowed (or failed), so
	// events were lost; every folder was scanned again at once. Path is
	// empty. Args "error".
	EventsLost Code = "events_lost"
	// FolderError: a watched folder (or one inside it) could not be read
	// or watched; the periodic rescan tries again. Args "error".
	FolderError Code = "folder_error"
	// LinkOutside: a symbolic link (or a Windows junction) that leads
	// outside the watched folder; never uploaded, so whoever may write
	// into a shared folder cannot make it upload another file this user
	// can read. Args "target" (where the link leads).
	LinkOutside Code = "link_outside"
	// FolderGone: the watched folder itself was deleted or moved away.
	// Recorded once; the rescan watches it again if it comes back.
	FolderGone Code = "folder_gone"
	// StateFolder: the watch's own state folder (its journal and this
	// log) lies inside the watched folder; it is left out.
	StateFolder Code = "state_folder"
)

// Decision is one recorded reason about one file a watch saw: a line of
// the decision log and of `cosdrop watch --json`.
type Decision struct {
	Time   time.Time `json:"time"`
	Code   Code      `json:"code"`
	Folder string    `json:"folder"` // the watched folder
	Path   string    `json:"path"`
	Key    string    `json:"key,omitempty"`
	Size   int64     `json:"size,omitempty"`
	// MTime is the file's modification time when decided.
	MTime time.Time         `json:"mtime,omitzero"`
	Args  map[string]string `json:"args,omitempty"`
	// Error is the failed upload's error as the engine recorded it.
	Error *uploader.TaskError `json:"error,omitempty"`
}
