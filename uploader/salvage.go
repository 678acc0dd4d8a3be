package uploader

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
)

// Salvaging a journal bbolt cannot open at all. bbolt keeps two meta pages
// (pages 0 and 1: the root bucket's page, the freelist, the transaction
// id) and opens a file only when one of them is sound. Zero the first
// 8 KiB (power loss, a bad sector: issue 20) and both are gone, though
// every data page is intact. bbolt's own repair tooling (`bbolt surgery
// revert-meta-page`,
// https://github.com/etcd-io/bbolt/blob/v1.4.3/internal/surgeon/surgeon.go)
// copies one meta page over the other, so it needs one sound meta page,
// and it is internal to bbolt besides. Writing new meta pages would need the root
// page of the newest transaction, which nothing left in the file names.
//
// So the salvage reads the pages themselves. bbolt's file format is
// stable and documented by its source
// (https://github.com/etcd-io/bbolt/blob/v1.4.3/internal/common/page.go
// and inbucket.go): every page starts with its id, flags, element
// count and overflow count; a leaf page holds elements of 16 bytes (flags,
// position of the key relative to the element, key size, value size); a
// bucket small enough is stored inline in its parent's leaf value, after
// a 16-byte bucket header whose root is 0. Each key and value found is
// recognised by its form (a task's 8-byte key and a record that decodes; a
// part's 12-byte key and JSON naming the same part number; a leftover's
// JSON naming its own upload ID; the bucket URL), not by the tree, which
// cannot be followed without a root.
//
// Pages freed by earlier transactions still hold older versions of the
// same records, so a task may be found more than once: the version of the
// latest run (most attempts), finished before unfinished, most progress
// first, is kept. A task removed from the list may come back from a freed
// page; an unfinished one comes back paused, so nothing is sent before
// the user says so. Every part is checked against COS and the file again
// before it is trusted (resume), so an old part costs a resend at most.

// Page layout constants of bbolt's file format (page.go, linked above).
const (
	pageHeaderSize  = 16
	leafElementSize = 16
	leafPageFlag    = 0x02
	bucketLeafFlag  = 0x01
	bucketHeader    = 16
)

// rawSalvage reads task records, parts, the bucket URL and leftovers out of
// a bbolt file whose meta pages are unreadable.
func rawSalvage(p string) (tasks, parts, meta, left [][2][]byte) {
	data, err := os.ReadFile(p)
	if err != nil || len(data) < 2*4096 {
		return nil, nil, nil, nil
	}
	ps := guessPageSize(data)
	var s rawFinds
	s.tasks = map[string][]byte{}
	s.parts = map[string][]byte{}
	s.left = map[string][]byte{}
	for i := 2; (i+1)*ps <= len(data); i++ {
		pg := data[i*ps:]
		if binary.LittleEndian.Uint64(pg) != uint64(i) {
			continue
		}
		over := int(binary.LittleEndian.Uint32(pg[12:]))
		end := min(len(data), (i+1+over)*ps)
		s.leaf(data[i*ps:end], 0)
	}
	return sortedKV(s.tasks), sortedKV(s.parts), s.meta, sortedKV(s.left)
}

// guessPageSize is the page size under which most pages carry their own
// index as id (the meta pages that record it are gone).
func guessPageSize(data []byte) int {
	best, bestN := 4096, -1
	for _, ps := range []int{4096, 8192, 16384, 32768, 65536, os.Getpagesize()} {
		n := 0
		for i := 2; (i+1)*ps <= len(data); i++ {
			if binary.LittleEndian.Uint64(data[i*ps:]) == uint64(i) {
				n++
			}
		}
		if n > bestN {
			best, bestN = ps, n
		}
	}
	return best
}

// rawFinds are the records a raw salvage recognised, by key.
type rawFinds struct {
	tasks, parts, left map[string][]byte
	meta               [][2][]byte
}

// leaf reads the elements of a leaf page (or an inline bucket's page),
// guarding every offset: the page may be anything.
func (s *rawFinds) leaf(pg []byte, depth int) {
	if len(pg) < pageHeaderSize || depth > 2 {
		return
	}
	flags := binary.LittleEndian.Uint16(pg[8:])
	count := int(binary.LittleEndian.Uint16(pg[10:]))
	if flags&leafPageFlag == 0 || pageHeaderSize+count*leafElementSize > len(pg) {
		return
	}
	for j := range count {
		el := pageHeaderSize + j*leafElementSize
		eflags := binary.LittleEndian.Uint32(pg[el:])
		pos := int(binary.LittleEndian.Uint32(pg[el+4:]))
		ksize := int(binary.LittleEndian.Uint32(pg[el+8:]))
		vsize := int(binary.LittleEndian.Uint32(pg[el+12:]))
		ks := el + pos
		if pos < 0 || ksize < 0 || vsize < 0 || ks+ksize+vsize > len(pg) || ks+ksize+vsize < ks {
			return
		}
		k, v := pg[ks:ks+ksize], pg[ks+ksize:ks+ksize+vsize]
		if eflags&bucketLeafFlag != 0 {
			if len(v) > bucketHeader && binary.LittleEndian.Uint64(v) == 0 {
				s.leaf(v[bucketHeader:], depth+1) // an inline bucket
			}
			continue
		}
		s.element(k, v)
	}
}

// element keeps k and v if their form is one of the journal's records.
func (s *rawFinds) element(k, v []byte) {
	switch {
	case len(k) == 8:
		var r record
		if decodeRecord(v, &r) != nil || r.ID != TaskID(binary.BigEndian.Uint64(k)) {
			return
		}
		if old, ok := s.tasks[string(k)]; ok && !newerRecord(v, old) {
			return
		}
		s.tasks[string(k)] = bytes.Clone(v)
	case len(k) == 12:
		var p partRecord
		if json.Unmarshal(v, &p) != nil || p.Number != int(binary.BigEndian.Uint32(k[8:])) {
			return
		}
		if _, ok := s.parts[string(k)]; !ok {
			s.parts[string(k)] = bytes.Clone(v)
		}
	case string(k) == string(metaBucket):
		if len(s.meta) == 0 {
			s.meta = append(s.meta, [2][]byte{bytes.Clone(k), bytes.Clone(v)})
		}
	default:
		var l Leftover
		if json.Unmarshal(v, &l) == nil && l.UploadID == string(k) && l.UploadID != "" {
			s.left[string(k)] = bytes.Clone(v)
		}
	}
}

// newerRecord reports whether the encoded record a is a later version of
// the same task than b: a later run, then finished before unfinished,
// then more acknowledged bytes.
func newerRecord(a, b []byte) bool {
	var ra, rb record
	if decodeRecord(a, &ra) != nil || decodeRecord(b, &rb) != nil {
		return false
	}
	if ra.Attempts != rb.Attempts {
		return ra.Attempts > rb.Attempts
	}
	if fa, fb := ra.State.Final(), rb.State.Final(); fa != fb {
		return fa
	}
	return ra.Acked > rb.Acked
}

// pausedRecord re-encodes a salvaged record: an unfinished task waits,
// paused, for the user (it may be one the user had removed).
func pausedRecord(v []byte) []byte {
	var r record
	if decodeRecord(v, &r) != nil || r.State.Final() {
		return v
	}
	r.State = Paused
	if b, err := encodeRecord(&r); err == nil {
		return b
	}
	return v
}

func sortedKV(m map[string][]byte) [][2][]byte {
	out := make([][2][]byte, 0, len(m))
	for k, v := range m {
		out = append(out, [2][]byte{[]byte(k), v})
	}
	return out
}
