// Package receipt is the document CosDrop writes into the bucket when a drop
// ends, so a support team can read what happened on any machine from COS
// itself (`cosdrop receipts`, the window's Receipts view) with no server of
// its own. It holds the format only: the fields, the object name and the
// strict parser. It imports nothing of CosDrop's, so the engine that writes
// receipts and the readers that list them agree on one definition.
package receipt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Kind marks a CosDrop receipt; an object under the prefix without it is
// foreign, shown as such and never trusted.
const Kind = "cosdrop-receipt"

// Version is the format version this package writes. A reader refuses a
// newer major version rather than misreading it.
const Version = 1

// MaxSize bounds the bytes a reader accepts for one receipt: a drop of
// 100,000 files writes about 30 MB, and anything much larger is not ours.
const MaxSize = 64 << 20

// File states in a receipt: the final states of an upload task.
const (
	StateDone     = "done"
	StateFailed   = "failed"
	StateSkipped  = "skipped"
	StateCanceled = "canceled"
)

// Paths says how much of a local path a receipt may carry; the admin picks
// it in the profile (`receipts_paths`).
type Paths string

// The path policies: the whole local path, the file name only, or nothing
// (the object key alone).
const (
	PathsFull  Paths = "full"
	PathsNames Paths = "names"
	PathsNone  Paths = "none"
)

// Receipt is one drop: who sent it, from where, when, and what became of
// every file.
type Receipt struct {
	Kind    string `json:"kind"`
	Version int    `json:"version"`
	// ID is unique across machines: the machine's random tag and the drop's
	// number on it (a host name alone is not unique).
	ID      string    `json:"id"`
	Who     Who       `json:"who"`
	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended"`
	Profile string    `json:"profile,omitempty"`
	Bucket  string    `json:"bucket"`
	Region  string    `json:"region"`
	Paths   Paths     `json:"paths"`
	Counts  Counts    `json:"counts"`
	Files   []File    `json:"files"`
}

// Who names the sender: the label the admin set (receipts_who, --who), the
// operating-system user and the machine's name.
type Who struct {
	Label   string `json:"label,omitempty"`
	User    string `json:"user,omitempty"`
	Machine string `json:"machine,omitempty"`
}

// Counts sums the files by final state.
type Counts struct {
	Done     int `json:"done"`
	Failed   int `json:"failed"`
	Skipped  int `json:"skipped"`
	Canceled int `json:"canceled"`
}

// File is one file of the drop.
type File struct {
	Key  string `json:"key"`
	Path string `json:"path,omitempty"` // as the Paths policy allows
	Size int64  `json:"size"`
	// CRC64 is COS's x-cos-hash-crc64ecma of the object, as a decimal
	// string (the form COS sends), empty when not known.
	CRC64    string `json:"crc64,omitempty"`
	ETag     string `json:"etag,omitempty"`
	State    string `json:"state"`
	Verified bool   `json:"verified"`
	// Reason is the plain-word English reason a file failed or was skipped;
	// Code and Args let a reader word it again in its own language.
	Reason string            `json:"reason,omitempty"`
	Code   string            `json:"code,omitempty"`
	Args   map[string]string `json:"args,omitempty"`
	// Party is who was at fault, as the engine names it (uploader.Party):
	// cos, credential_server, network, file, journal, user, keyring.
	Party      string   `json:"party,omitempty"`
	RequestIDs []string `json:"request_ids,omitempty"`
}

// Failed reports whether any file of the drop failed.
func (r Receipt) Failed() bool { return r.Counts.Failed > 0 }

// Encode writes r as JSON, setting Kind and Version.
func Encode(r Receipt) ([]byte, error) {
	r.Kind, r.Version = Kind, Version
	if r.Files == nil {
		r.Files = []File{}
	}
	return json.MarshalIndent(r, "", " ")
}

// ErrForeign is returned for an object that is not a CosDrop receipt.
var ErrForeign = errors.New("not a CosDrop receipt")

// DamagedError is a CosDrop receipt that cannot be read: cut short, too
// large, or of a newer version.
type DamagedError struct{ Why string }

func (e *DamagedError) Error() string { return "damaged receipt: " + e.Why }

// Parse reads one receipt from at most MaxSize bytes of rd. It returns
// ErrForeign for JSON (or anything else) without CosDrop's kind, and a
// *DamagedError for a receipt it cannot trust.
func Parse(rd io.Reader) (Receipt, error) {
	b, err := io.ReadAll(io.LimitReader(rd, MaxSize+1))
	if err != nil {
		return Receipt{}, fmt.Errorf("read receipt: %w", err)
	}
	if len(b) > MaxSize {
		return Receipt{}, &DamagedError{Why: "larger than 64 MiB"}
	}
	var head struct {
		Kind    string `json:"kind"`
		Version int    `json:"version"`
	}
	if json.Unmarshal(b, &head) != nil || head.Kind != Kind {
		if bytes.Contains(b, []byte(`"`+Kind+`"`)) {
			return Receipt{}, &DamagedError{Why: "not valid JSON"}
		}
		return Receipt{}, ErrForeign
	}
	if head.Version < 1 || head.Version > Version {
		return Receipt{}, &DamagedError{Why: fmt.Sprintf("version %d is not one this CosDrop reads", head.Version)}
	}
	var r Receipt
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&r); err != nil {
		return Receipt{}, &DamagedError{Why: err.Error()}
	}
	if r.ID == "" || r.Ended.IsZero() {
		return Receipt{}, &DamagedError{Why: "no id or end time"}
	}
	return r, nil
}
