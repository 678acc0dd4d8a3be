package localcos

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Objects and parts are stored one file each: the data, then a JSON footer
// with the metadata, then the footer's length and a magic string. Writing
// goes to a temporary file that is fsynced and renamed into place, so a crash
// never leaves a half object visible and a reader that opened the old file
// keeps a consistent snapshot while it is replaced.
//
// A completed multipart object is not copied (real COS does not rewrite the
// data at Complete either): its object file is a manifest, a footer with no
// data whose Blob names a directory under blobs/ holding the parts as
// segments, hard-linked from the upload. The manifest's rename is the commit
// point; blobs no manifest refers to are leftovers of a crash and are
// removed at start.

const footerMagic = "LCOSOBJ1"

var crcTable = crc64.MakeTable(crc64.ECMA)

// objectMeta is everything HEAD needs besides the bytes.
type objectMeta struct {
	Key          string              `json:"key"`
	Size         int64               `json:"size"`
	ETag         string              `json:"etag"` // quoted, as sent in the ETag header
	CRC64        uint64              `json:"crc64"`
	LastModified time.Time           `json:"lastModified"`
	ContentType  string              `json:"contentType,omitempty"`
	Headers      map[string]string   `json:"headers,omitempty"` // Cache-Control, Content-Disposition, ...
	Meta         map[string][]string `json:"meta,omitempty"`    // x-cos-meta-*, canonical names
	StorageClass string              `json:"storageClass,omitempty"`
	Parts        int                 `json:"parts,omitempty"` // >0 for a completed multipart upload
	// Blob and Segments make the file a manifest: the data is the
	// segments of blobs/<Blob>, in order, with these sizes.
	Blob     string  `json:"blob,omitempty"`
	Segments []int64 `json:"segments,omitempty"`
}

// store is one bucket's directory: objects/, uploads/ and tmp/.
type store struct {
	root string

	mu    sync.Mutex             // guards index, blobs and the rename that publishes an object
	index map[string]*objectMeta // key -> metadata of the visible object
	blobs map[string]*blobState  // blobs in use by readers or no longer referenced

	uploadMu    sync.Mutex
	uploadLocks map[string]*sync.Mutex
}

func openStore(root string) (*store, error) {
	st := &store{root: root, index: map[string]*objectMeta{}, blobs: map[string]*blobState{}, uploadLocks: map[string]*sync.Mutex{}}
	for _, d := range []string{"objects", "uploads", "tmp", "blobs"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return nil, err
		}
	}
	// Whatever is in tmp/ was being written when the last process died.
	entries, _ := os.ReadDir(st.tmpDir())
	for _, e := range entries {
		os.RemoveAll(filepath.Join(st.tmpDir(), e.Name()))
	}
	err := filepath.WalkDir(filepath.Join(root, "objects"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		m, err := readFooter(f)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		st.index[m.Key] = &m
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load objects: %w", err)
	}
	st.collectBlobs()
	return st, nil
}

func (st *store) tmpDir() string { return filepath.Join(st.root, "tmp") }

func (st *store) objectPath(key string) string {
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:])
	return filepath.Join(st.root, "objects", h[:2], h)
}

func (st *store) uploadDir(id string) string { return filepath.Join(st.root, "uploads", id) }

// lockUpload serialises state changes of one multipart upload.
func (st *store) lockUpload(id string) func() {
	st.uploadMu.Lock()
	m := st.uploadLocks[id]
	if m == nil {
		m = &sync.Mutex{}
		st.uploadLocks[id] = m
	}
	st.uploadMu.Unlock()
	m.Lock()
	return m.Unlock
}

// copyBufs recycles receive's copy buffers: a fresh 256 KiB per request is
// most of the garbage a stream of small PUTs makes.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// received is a body streamed to a temporary file with its hashes.
type received struct {
	f    *os.File
	size int64
	md5  []byte
	crc  uint64
}

// receive streams r into a new temporary file, hashing as it goes, so no
// object is ever held in memory. The caller must commit or discard it.
func (st *store) receive(r io.Reader) (*received, error) {
	f, err := os.CreateTemp(st.tmpDir(), "in-*")
	if err != nil {
		return nil, err
	}
	md := md5.New()
	crc := crc64.New(crcTable)
	buf := copyBufs.Get().(*[]byte)
	n, err := io.CopyBuffer(io.MultiWriter(f, md, crc), r, *buf)
	copyBufs.Put(buf)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &received{f: f, size: n, md5: md.Sum(nil), crc: crc.Sum64()}, nil
}

func (rc *received) discard() {
	if rc != nil && rc.f != nil {
		rc.f.Close()
		os.Remove(rc.f.Name())
		rc.f = nil
	}
}

func (rc *received) etag() string { return `"` + hex.EncodeToString(rc.md5) + `"` }

// seal appends the footer, syncs and closes the file: it is ready to rename.
func (rc *received) seal(m objectMeta) error {
	if err := writeFooter(rc.f, m); err != nil {
		return err
	}
	if err := rc.f.Sync(); err != nil {
		return err
	}
	return rc.f.Close()
}

// commitObject publishes a sealed file as the object m.Key. With
// noOverwrite (x-cos-forbid-overwrite: true) it fails with 409
// FileAlreadyExists when the key exists; the check and the rename happen
// under one lock, so of two racing writers exactly one wins.
func (st *store) commitObject(rc *received, m objectMeta, noOverwrite bool) error {
	defer rc.discard()
	if err := rc.seal(m); err != nil {
		return err
	}
	dst := st.objectPath(m.Key)
	st.mu.Lock()
	if noOverwrite && st.index[m.Key] != nil {
		st.mu.Unlock()
		return errFileExists
	}
	err := os.Rename(rc.f.Name(), dst)
	if errors.Is(err, fs.ErrNotExist) {
		// The first object of its fan-out directory (MkdirAll on every
		// commit costs as much as the rename).
		if err = os.MkdirAll(filepath.Dir(dst), 0o755); err == nil {
			err = os.Rename(rc.f.Name(), dst)
		}
	}
	if err != nil {
		st.mu.Unlock()
		return err
	}
	rc.f = nil
	old := st.index[m.Key]
	st.index[m.Key] = &m
	gone := st.dropBlobLocked(old)
	st.mu.Unlock()
	removeBlob(gone)
	return nil
}

// exists reports whether key is a visible object.
func (st *store) exists(key string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.index[key] != nil
}

func (st *store) deleteObject(key string) error {
	st.mu.Lock()
	err := os.Remove(st.objectPath(key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		st.mu.Unlock()
		return err
	}
	old := st.index[key]
	delete(st.index, key)
	gone := st.dropBlobLocked(old)
	st.mu.Unlock()
	removeBlob(gone)
	return nil
}

// openObject opens the stored object; the caller reads m.Size bytes from
// offset 0 and closes the reader. A missing object is fs.ErrNotExist.
// Opening takes the store lock so that a manifest's blob cannot be removed
// between reading the manifest and registering as its reader.
func (st *store) openObject(key string) (objectReader, objectMeta, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f, err := os.Open(st.objectPath(key))
	if err != nil {
		return nil, objectMeta{}, err
	}
	m, err := readFooter(f)
	if err != nil {
		f.Close()
		return nil, objectMeta{}, err
	}
	if m.Blob == "" {
		return f, m, nil
	}
	f.Close()
	return st.openBlobLocked(m), m, nil
}

// list returns the metadata of every object whose key starts with prefix,
// sorted by key (UTF-8 binary order, as COS indexes keys).
func (st *store) list(prefix string) []objectMeta {
	st.mu.Lock()
	out := make([]objectMeta, 0, len(st.index))
	for k, m := range st.index {
		if strings.HasPrefix(k, prefix) {
			out = append(out, *m)
		}
	}
	st.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func writeFooter(f *os.File, m objectMeta) error {
	js, err := json.Marshal(m)
	if err != nil {
		return err
	}
	var tail [8]byte
	binary.BigEndian.PutUint64(tail[:], uint64(len(js)))
	buf := append(js, tail[:]...)
	buf = append(buf, footerMagic...)
	_, err = f.Write(buf)
	return err
}

func readFooter(f *os.File) (objectMeta, error) {
	var m objectMeta
	fi, err := f.Stat()
	if err != nil {
		return m, err
	}
	end := fi.Size()
	if end < 16 {
		return m, errors.New("corrupt object file: too short")
	}
	var tail [16]byte
	if _, err := f.ReadAt(tail[:], end-16); err != nil {
		return m, err
	}
	if string(tail[8:]) != footerMagic {
		return m, errors.New("corrupt object file: bad magic")
	}
	n := int64(binary.BigEndian.Uint64(tail[:8]))
	if n <= 0 || n > end-16 || n > 1<<20 {
		return m, errors.New("corrupt object file: bad footer length")
	}
	js := make([]byte, n)
	if _, err := f.ReadAt(js, end-16-n); err != nil {
		return m, err
	}
	if err := json.Unmarshal(js, &m); err != nil {
		return m, fmt.Errorf("corrupt object file: %w", err)
	}
	if m.Blob != "" {
		var sum int64
		for _, n := range m.Segments {
			sum += n
		}
		if end-16-n != 0 || sum != m.Size || !validBlobName(m.Blob) {
			return m, errors.New("corrupt object manifest")
		}
		return m, nil
	}
	if m.Size != end-16-n {
		return m, errors.New("corrupt object file: size mismatch")
	}
	return m, nil
}
