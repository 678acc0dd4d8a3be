// Package uploader is CosDrop's upload engine and queue model. It takes local
// paths and gets them into COS, verified by CRC64, across network failures,
// credential expiry and process restarts. It imports nothing from Fyne: the
// GUI and the CLI both drive it through Engine and read it through Snapshot
// values and the change feed.
package uploader

import "time"

// TaskID identifies a task for its whole life, across restarts.
type TaskID uint64

// BatchID groups the tasks created by one Add call (one drop, one command).
type BatchID uint64

// State is where a task is in its life.
type State string

// Task states. Done, Failed, Canceled and Skipped are final until a retry.
const (
	Queued     State = "queued"
	Uploading  State = "uploading"
	Paused     State = "paused"
	Completing State = "completing"
	Verifying  State = "verifying"
	Done       State = "done"
	Failed     State = "failed"
	Canceled   State = "canceled"
	Skipped    State = "skipped"
)

// Final reports whether s is an end state (only a retry moves it on).
func (s State) Final() bool {
	return s == Done || s == Failed || s == Canceled || s == Skipped
}

// TaskError is the last thing that went wrong with a task, in the form a
// support team needs: what COS said, and which request to ask Tencent about.
type TaskError struct {
	Op         string    // what the engine was doing: "upload part 3", "complete", "read file"
	Code       string    // COS error code (SignatureDoesNotMatch, ...) or an engine code (FileChanged, ...)
	HTTPStatus int       // 0 when no response arrived
	RequestID  string    // x-cos-request-id, when COS answered
	Message    string    // COS's message or the Go error text (never a secret); detail for support, not for the user
	Time       time.Time // when it happened
	// Party is who is at fault (COS, the credential server, the network,
	// the file, the journal), so the words at the edge can say whom to ask.
	Party Party `json:"party,omitempty"`
	// Args are the code's parameters (e.g. "kind" and "status" of a
	// credential server failure); the session layer words them.
	Args map[string]string `json:"args,omitempty"`
}

// Snapshot is an immutable copy of one task's state. The UI keeps these, never
// pointers into the engine.
type Snapshot struct {
	ID       TaskID
	Batch    BatchID
	Path     string // local file
	Key      string // destination object key
	Size     int64
	Acked    int64         // bytes the server acknowledged; never above Size
	Speed    float64       // smoothed bytes per second
	ETA      time.Duration // 0 when unknown
	State    State
	Attempts int
	LastErr  *TaskError
	Errors   []TaskError // every error, oldest first (the details panel's list)
	UploadID string      // multipart upload ID, empty for a simple PUT
	ETag     string
	CRC64    uint64 // of the local file once known; verified against COS
	// RequestIDs are the x-cos-request-id values of the requests that
	// created the object (PUT, or Initiate/Complete), for receipts.
	RequestIDs []string
	Note       Note // a remark as a code and parameters, e.g. that a paused simple upload restarts from zero
	// Verified: Done, and COS's object was checked against the file's
	// CRC64. A Done task that is not verified carries
	// NoteCompletedUnverified saying why.
	Verified bool
	// RequestedKey is the key the user asked for; Key differs from it when
	// the rename policy chose another name.
	RequestedKey string
	Created      time.Time
	Started      time.Time
	Finished     time.Time
	Version      uint64 // increases on every change; the change feed's cursor
}

// Totals summarises the queue for a status bar.
type Totals struct {
	Tasks, Queued, Active, Paused, Done, Failed, Canceled, Skipped int
	Bytes                                                          int64 // sum of sizes
	Acked                                                          int64 // sum of acknowledged bytes
	Speed                                                          float64
	ETA                                                            time.Duration
	Scanning                                                       int // folders still being walked
	Receipts                                                       int // receipts waiting to be written to the bucket (receipts.go)
}
