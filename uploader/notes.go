package uploader

import (
	"encoding/json"
	"strings"
)

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

// More note codes (added with the single-owner engine).
const (
	// NoteUploadKept: the task failed but keeps its multipart upload so
	// that Retry resumes it; Remove deletes its parts. args "upload_id".
	NoteUploadKept NoteCode = "upload_kept"
	// NoteAbortPending: deleting the parts of an ended multipart upload
	// failed; Retry or Remove tries again. args "upload_id", "code".
	NoteAbortPending NoteCode = "abort_pending"
	// NoteRestartedCRCMismatch: COS stored data that differs from the
	// file, so the object is not to be trusted; args "remote", "local".
	NoteRestartedCRCMismatch NoteCode = "crc_mismatch"
	// NoteSkippedUncompared: an object is already at the key and the file
	// was not uploaded (x-cos-forbid-overwrite), but it could not be
	// compared with the file because the credentials do not allow
	// HeadObject. args "key".
	NoteSkippedUncompared NoteCode = "skipped_uncompared"
	// NoteCompletedUnverified: the upload is done but not verified: the
	// answer to Complete was lost, COS no longer lists the upload (so it
	// completed) and the credentials do not allow HeadObject to check the
	// object's size and CRC64. args "upload_id", "reason" ("head_denied",
	// or ReasonStoppedDuringComplete).
	NoteCompletedUnverified NoteCode = "completed_unverified"
)

// ReasonStoppedDuringComplete is NoteCompletedUnverified's reason when
// CosDrop stopped while Complete was in flight and the next run found the
// upload gone, with neither HeadObject nor GetObject allowed (settle.go).
const ReasonStoppedDuringComplete = "stopped_during_complete"

// Notes of upload rules (issue 13).
const (
	// NoteExcluded: a file or folder inside a dropped folder was left out
	// by an exclude pattern of the profile's rules (or the default ones);
	// args "pattern", "rel".
	NoteExcluded NoteCode = "excluded"
	// NoteHeadersNotSent: the upload went through but some headers the
	// rules ask for could not be sent in this credential mode (the
	// signing server's signature covers them); args "headers" (names,
	// comma-separated).
	NoteHeadersNotSent NoteCode = "headers_not_sent"
)

// note builds a Note from a code and name/value pairs.
func note(code NoteCode, kv ...string) Note {
	n := Note{Code: code}
	if len(kv) > 1 {
		n.Args = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			n.Args[kv[i]] = kv[i+1]
		}
	}
	return n
}

// UnmarshalJSON reads a Note, and also the English sentence older journals
// stored in its place (mapped to its code where it is known, else dropped:
// the engine never shows prose it did not word).
func (n *Note) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*n = legacyNote(s)
		return nil
	}
	type plain Note
	return json.Unmarshal(b, (*plain)(n))
}

// legacyNote maps the sentences earlier versions journaled to codes.
func legacyNote(s string) Note {
	switch {
	case strings.HasPrefix(s, "Paused. A file this small"):
		return Note{Code: NoteSimpleRestart}
	case strings.HasPrefix(s, "Skipped: an identical"):
		return Note{Code: NoteSkippedIdentical}
	case strings.HasPrefix(s, "Renamed:"):
		return Note{Code: NoteRenamed}
	case strings.HasPrefix(s, "Canceled; the parts already sent were deleted"):
		return Note{Code: NoteCanceledAborted}
	case strings.HasPrefix(s, "Canceled, but COS refused"):
		return Note{Code: NoteCanceledAbortDenied}
	case strings.HasPrefix(s, "Canceled, but"):
		return Note{Code: NoteCanceledAbortFailed}
	}
	return Note{}
}
