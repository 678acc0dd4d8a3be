package uploader

// The engine stores no prose: a task's remarks and errors are codes with
// parameters, and the session layer words them (English or Chinese) at the
// edge. A code is stable once journaled: rename none, only add.

// NoteCode names a remark about a task.
type NoteCode string

// Note is a remark about a task (why it restarted, what a conflict did), as
// a code and its parameters; the session layer words it.
type Note struct {
	Code NoteCode          `json:"code,omitempty"`
	Args map[string]string `json:"args,omitempty"`
}

// IsZero reports whether n says nothing.
func (n Note) IsZero() bool { return n.Code == "" }

// Note codes. Their parameters are named in the comment.
const (
	NoteNone NoteCode = ""
	// NoteSimpleRestart: a paused small file is sent again from the start
	// (it goes in one request).
	NoteSimpleRestart NoteCode = "simple_restart"
	// NoteSkippedIdentical: an identical object (size and CRC64) is at the key.
	NoteSkippedIdentical NoteCode = "skipped_identical"
	// NoteRenamed: the object was stored under another key; args "from", "to".
	NoteRenamed NoteCode = "renamed"
	// NoteCanceledAborted: canceled, and the parts sent were deleted from COS.
	NoteCanceledAborted NoteCode = "canceled_aborted"
	// NoteCanceledAbortDenied: canceled, COS refused to delete the parts;
	// args "upload_id".
	NoteCanceledAbortDenied NoteCode = "canceled_abort_denied"
	// NoteCanceledAbortFailed: canceled, deleting the parts failed; args
	// "upload_id", "reason".
	NoteCanceledAbortFailed NoteCode = "canceled_abort_failed"
	// NoteUploadForgotten: COS no longer knew the multipart upload, so the
	// file started again; args "upload_id".
	NoteUploadForgotten NoteCode = "upload_forgotten"
	// NoteResumedAfterRestart: the task was unfinished when CosDrop last
	// stopped and carries on from the parts COS acknowledged.
	NoteResumedAfterRestart NoteCode = "resumed_after_restart"
	// NoteRestartedFileChanged: the file changed since the parts were sent,
	// so the upload started again from zero.
	NoteRestartedFileChanged NoteCode = "restarted_file_changed"
)

// Party names who is at fault for an error, so the words at the edge can
// say whom to ask: COS, the organisation's credential (STS or signing)
// server, the network between, the local file, the journal on this
// computer, or the user's own choice.
type Party string

// Parties at fault.
const (
	PartyUnknown     Party = ""
	PartyCOS         Party = "cos"
	PartyCredentials Party = "credential_server"
	PartyNetwork     Party = "network"
	PartyFile        Party = "file"
	PartyJournal     Party = "journal"
	PartyUser        Party = "user"
	PartyKeyring     Party = "keyring"
)
