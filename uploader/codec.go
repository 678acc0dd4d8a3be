package uploader

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
)

// The journal stores each record in a compact binary form rather than
// JSON: a done task's JSON (field names, RFC 3339 times, its key spelled
// out again after its path) took ~460 bytes, and bbolt's pages of it are
// mapped into the process, so every 100,000 tasks cost ~60 MiB of RSS.
// The binary form is ~45% of that. Records written as JSON by earlier
// versions (they start with '{') are still read.
//
// Layout after the version byte: uvarint/varint numbers and
// length-prefixed strings, in the order of encodeRecord. The key is stored
// as its length and a flag when it is the tail of the path (a folder's
// files keep their structure in the keys), and then shares its memory.
//
// Version 2 stores the Note as its code and parameters; version 1 records
// held an English sentence there, mapped by legacyNote when read.
// Version 3 adds the requested key (after the errors; "" when it is the
// key) and the Unverified bit in the flag byte.
//
// A record marked Initiating (intent.go) has flagInitiating set and the
// mark after RelAt: its key, then the count and IDs of the uploads open
// before. Readers before the mark ignore both the bit and the tail (they
// read nothing after RelAt), so such a record stays version 4 and a
// journal stays readable by them.
const (
	recordV1 = 1
	recordV2 = 2
	recordV3 = 3
	// recordV4 adds RelAt (after the requested key).
	recordV4 = 4
)

// Bits of the flag byte.
const (
	flagResolved   = 1
	flagUnverified = 2
	// flagCompleteSent: Complete was sent for the record's UploadID
	// (record.CompleteSent); older versions ignore the bit.
	flagCompleteSent = 4
	// flagInitiating: the record carries an initMark after RelAt.
	flagInitiating = 8
)

var errBadRecord = errors.New("truncated or unknown record")

func encodeRecord(r *record) ([]byte, error) {
	b := make([]byte, 0, 96+len(r.Path)+len(r.Key)+len(r.ETag)+len(r.UploadID)+len(r.Note.Code))
	b = append(b, recordV4)
	b = binary.AppendUvarint(b, uint64(r.ID))
	b = binary.AppendUvarint(b, uint64(r.Batch))
	b = appendString(b, r.Path)
	if strings.HasSuffix(r.Path, r.Key) {
		b = binary.AppendUvarint(b, uint64(len(r.Key))<<1|1)
	} else {
		b = binary.AppendUvarint(b, uint64(len(r.Key))<<1)
		b = append(b, r.Key...)
	}
	b = binary.AppendVarint(b, r.Size)
	b = binary.AppendVarint(b, r.MTime)
	b = appendString(b, string(r.State))
	b = binary.AppendVarint(b, int64(r.Attempts))
	b = appendString(b, r.UploadID)
	b = binary.AppendVarint(b, r.PartSize)
	b = binary.AppendVarint(b, r.Acked)
	b = appendString(b, r.ETag)
	b = binary.AppendUvarint(b, r.CRC64)
	b = binary.AppendUvarint(b, uint64(len(r.RequestIDs)))
	for _, id := range r.RequestIDs {
		b = appendString(b, id)
	}
	b = appendNote(b, r.Note)
	flag := byte(0)
	if r.Resolved {
		flag |= flagResolved
	}
	if r.Unverified {
		flag |= flagUnverified
	}
	if r.CompleteSent != "" && r.CompleteSent == r.UploadID {
		flag |= flagCompleteSent
	}
	if r.Initiating != nil {
		flag |= flagInitiating
	}
	b = append(b, flag)
	b = binary.AppendVarint(b, int64(r.Created))
	b = binary.AppendVarint(b, int64(r.Started))
	b = binary.AppendVarint(b, int64(r.Finished))
	// Errors are rare and have many fields: JSON, empty when none.
	var errs []byte
	if r.LastErr != nil || len(r.Errors) > 0 {
		var err error
		errs, err = json.Marshal(struct {
			Last *TaskError  `json:"l,omitempty"`
			List []TaskError `json:"e,omitempty"`
		}{r.LastErr, r.Errors})
		if err != nil {
			return nil, err
		}
	}
	b = appendString(b, string(errs))
	b = appendString(b, r.Requested)
	b = binary.AppendUvarint(b, uint64(r.RelAt))
	if m := r.Initiating; m != nil {
		b = appendString(b, m.Key)
		b = binary.AppendUvarint(b, uint64(len(m.Before)))
		for _, id := range m.Before {
			b = appendString(b, id)
		}
	}
	return b, nil
}

func decodeRecord(v []byte, r *record) error {
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, r); err != nil {
			return err
		}
		if r.RelAt < 0 || r.RelAt > len(r.Path) {
			r.RelAt = 0 // a damaged offset must not cut the path out of range
		}
		return nil
	}
	if len(v) == 0 || v[0] < recordV1 || v[0] > recordV4 {
		return errBadRecord
	}
	d := decoder{b: v[1:]}
	r.ID = TaskID(d.uvarint())
	r.Batch = BatchID(d.uvarint())
	r.Path = d.string()
	if kl := d.uvarint(); kl&1 == 1 {
		n := int(kl >> 1)
		if n > len(r.Path) {
			return errBadRecord
		}
		r.Key = r.Path[len(r.Path)-n:]
	} else {
		r.Key = string(d.bytes(int(kl >> 1)))
	}
	r.Size = d.varint()
	r.MTime = d.varint()
	r.State = State(d.string())
	r.Attempts = int(d.varint())
	r.UploadID = d.string()
	r.PartSize = d.varint()
	r.Acked = d.varint()
	r.ETag = d.string()
	r.CRC64 = d.uvarint()
	if n := d.uvarint(); n > 0 && n <= uint64(len(d.b)) {
		r.RequestIDs = make([]string, n)
		for i := range r.RequestIDs {
			r.RequestIDs[i] = d.string()
		}
	}
	if v[0] == recordV1 {
		r.Note = legacyNote(d.string())
	} else {
		r.Note = d.note()
	}
	flag := d.byte()
	r.Resolved, r.Unverified = flag&flagResolved != 0, flag&flagUnverified != 0
	if flag&flagCompleteSent != 0 {
		r.CompleteSent = r.UploadID
	}
	r.Created = stamp(d.varint())
	r.Started = stamp(d.varint())
	r.Finished = stamp(d.varint())
	errs := d.bytes(int(d.uvarint()))
	if v[0] >= recordV3 {
		r.Requested = d.string()
	}
	if v[0] >= recordV4 {
		if r.RelAt = int(d.uvarint()); r.RelAt > len(r.Path) {
			return errBadRecord
		}
	}
	r.Initiating = nil
	if flag&flagInitiating != 0 {
		r.Initiating = d.initMark()
	}
	if d.bad {
		return errBadRecord
	}
	if len(errs) > 0 {
		var x struct {
			Last *TaskError  `json:"l,omitempty"`
			List []TaskError `json:"e,omitempty"`
		}
		if err := json.Unmarshal(errs, &x); err != nil {
			return err
		}
		r.LastErr, r.Errors = x.Last, x.List
	}
	return nil
}

// initMark reads the tail of a record marked Initiating.
func (d *decoder) initMark() *initMark {
	m := &initMark{Key: d.string()}
	if n := d.uvarint(); n > 0 && n <= uint64(len(d.b)) {
		m.Before = make([]string, n)
		for i := range m.Before {
			m.Before[i] = d.string()
		}
	} else if n > 0 {
		d.bad = true
	}
	return m
}

// appendNote writes a Note: its code, the number of parameters, then
// name/value pairs in name order (so equal notes encode equally).
func appendNote(b []byte, n Note) []byte {
	b = appendString(b, string(n.Code))
	names := make([]string, 0, len(n.Args))
	for k := range n.Args {
		names = append(names, k)
	}
	slices.Sort(names)
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, k := range names {
		b = appendString(appendString(b, k), n.Args[k])
	}
	return b
}

func (d *decoder) note() Note {
	n := Note{Code: NoteCode(d.string())}
	if c := d.uvarint(); c > 0 && c <= uint64(len(d.b)) {
		n.Args = make(map[string]string, c)
		for range c {
			k := d.string()
			n.Args[k] = d.string()
		}
	}
	return n
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decoder reads the binary record; bad records a short or malformed input
// and makes every later read return zero.
type decoder struct {
	b   []byte
	bad bool
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.bad, d.b = true, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes(n int) []byte {
	if n < 0 || n > len(d.b) {
		d.bad, d.b = true, nil
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.bad, d.b = true, nil
		return ""
	}
	return string(d.bytes(int(n)))
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.bad = true
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

// stamp is a time in Unix nanoseconds, 0 when unset: 8 bytes in a record
// where a time.Time takes 24, for each of a task's three times. In JSON it
// is the RFC 3339 time, as records were first written.
type stamp int64

func stampOf(t time.Time) stamp {
	if t.IsZero() {
		return 0
	}
	return stamp(t.UnixNano())
}

func stampNow() stamp { return stampOf(time.Now()) }

// Time is s as a time.Time; the zero Time when unset.
func (s stamp) Time() time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(s))
}

// MarshalJSON writes s as an RFC 3339 time.
func (s stamp) MarshalJSON() ([]byte, error) { return json.Marshal(s.Time()) }

// UnmarshalJSON reads an RFC 3339 time.
func (s *stamp) UnmarshalJSON(b []byte) error {
	var t time.Time
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	*s = stampOf(t)
	return nil
}
