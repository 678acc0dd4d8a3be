package localcos

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// Blobs hold the data of completed multipart objects (see storage.go): one
// directory per Complete, seg-NNNNN files that are the upload's part files
// hard-linked, footer included. Complete therefore costs a few metadata
// operations instead of a second full write of the object.

// objectReader is a stored object's data: a plain object file, or the
// segments of a manifest's blob.
type objectReader interface {
	io.ReaderAt
	io.Closer
}

// blobState tracks a blob that open readers still use, so that replacing
// or deleting its object removes the files only after the last reader.
type blobState struct {
	readers int
	dead    bool // no object refers to it any more
}

func (st *store) blobDir(name string) string { return filepath.Join(st.root, "blobs", name) }

func segPath(dir string, i int) string { return filepath.Join(dir, fmt.Sprintf("seg-%05d", i)) }

// validBlobName keeps a manifest from pointing outside blobs/.
func validBlobName(name string) bool {
	if name == "" || len(name) > 200 {
		return false
	}
	for _, c := range name {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// dropBlobLocked is called when old stops being the visible object. It
// returns the blob directory to remove now, or "" if there is none or
// readers still use it (the last reader's Close removes it).
func (st *store) dropBlobLocked(old *objectMeta) string {
	if old == nil || old.Blob == "" {
		return ""
	}
	if b := st.blobs[old.Blob]; b != nil {
		b.dead = true
		return ""
	}
	return st.blobDir(old.Blob)
}

// removeBlob deletes a blob directory outside the store lock. A failure
// only leaves garbage that the next start collects.
func removeBlob(dir string) {
	if dir != "" {
		os.RemoveAll(dir)
	}
}

// collectBlobs removes blobs that no object refers to: a Complete that died
// before its manifest was published, or an overwrite that died before it
// removed the old data.
func (st *store) collectBlobs() {
	used := map[string]bool{}
	for _, m := range st.index {
		if m.Blob != "" {
			used[m.Blob] = true
		}
	}
	entries, _ := os.ReadDir(filepath.Join(st.root, "blobs"))
	for _, e := range entries {
		if !used[e.Name()] {
			os.RemoveAll(st.blobDir(e.Name()))
		}
	}
}

// openBlobLocked returns a reader over m's segments and registers it so the
// blob outlives a concurrent overwrite until Close.
func (st *store) openBlobLocked(m objectMeta) *blobReader {
	b := st.blobs[m.Blob]
	if b == nil {
		b = &blobState{}
		st.blobs[m.Blob] = b
	}
	b.readers++
	r := &blobReader{st: st, name: m.Blob, dir: st.blobDir(m.Blob), cur: -1, ends: make([]int64, len(m.Segments))}
	var end int64
	for i, n := range m.Segments {
		end += n
		r.ends[i] = end
	}
	return r
}

// blobReader reads across a blob's segments. It keeps one segment file open
// at a time: reads are sequential in practice (a GET streams a range).
type blobReader struct {
	st   *store
	name string
	dir  string
	ends []int64 // cumulative end offset of each segment

	mu     sync.Mutex
	cur    int
	f      *os.File
	closed bool
}

// ReadAt implements io.ReaderAt.
func (r *blobReader) ReadAt(p []byte, off int64) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, os.ErrClosed
	}
	total := int64(0)
	if len(r.ends) > 0 {
		total = r.ends[len(r.ends)-1]
	}
	if off < 0 {
		return 0, errors.New("localcos: negative offset")
	}
	read := 0
	for len(p) > 0 {
		if off >= total {
			return read, io.EOF
		}
		i := sort.Search(len(r.ends), func(i int) bool { return r.ends[i] > off })
		start := int64(0)
		if i > 0 {
			start = r.ends[i-1]
		}
		if i != r.cur {
			if r.f != nil {
				r.f.Close()
				r.f = nil
			}
			f, err := os.Open(segPath(r.dir, i))
			if err != nil {
				return read, fmt.Errorf("segment %d: %w", i, err)
			}
			r.f, r.cur = f, i
		}
		chunk := p[:min(int64(len(p)), r.ends[i]-off)]
		n, err := r.f.ReadAt(chunk, off-start)
		read += n
		off += int64(n)
		p = p[n:]
		if n < len(chunk) {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF // a segment shorter than its manifest says
			}
			return read, fmt.Errorf("segment %d: %w", i, err)
		}
	}
	return read, nil
}

// Close releases the blob; if its object was replaced meanwhile and this
// was the last reader, the blob is removed.
func (r *blobReader) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
	r.mu.Unlock()
	st := r.st
	st.mu.Lock()
	gone := ""
	if b := st.blobs[r.name]; b != nil {
		b.readers--
		if b.readers == 0 {
			delete(st.blobs, r.name)
			if b.dead {
				gone = r.dir
			}
		}
	}
	st.mu.Unlock()
	removeBlob(gone)
	return nil
}

// commitMultipart publishes the parts of upload id as the object m without
// copying them: the parts are hard-linked into a new blob, the blob is put
// in place, then the manifest is fsynced and renamed over the object (the
// commit point), and finally the upload is removed. A crash before the
// manifest's rename leaves the upload intact (Complete can be sent again)
// and an orphan blob that the next start removes; a crash after it leaves
// the object complete.
func (st *store) commitMultipart(id string, parts []partInfo, m objectMeta, noOverwrite bool) error {
	tmp, err := os.MkdirTemp(st.tmpDir(), "blob-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // no-op once renamed
	dir := st.uploadDir(id)
	m.Segments = make([]int64, len(parts))
	for i, p := range parts {
		if err := os.Link(partPath(dir, p.Number), segPath(tmp, i)); err != nil {
			return fmt.Errorf("part %d: %w", p.Number, err)
		}
		m.Segments[i] = p.Size
	}
	if err := syncDir(tmp); err != nil {
		return err
	}
	m.Blob = id + "-" + randomHex(8)
	if err := os.Rename(tmp, st.blobDir(m.Blob)); err != nil {
		return err
	}
	if err := syncDir(filepath.Join(st.root, "blobs")); err != nil {
		removeBlob(st.blobDir(m.Blob))
		return err
	}
	f, err := os.CreateTemp(st.tmpDir(), "manifest-*")
	if err != nil {
		removeBlob(st.blobDir(m.Blob))
		return err
	}
	if err := st.commitObject(&received{f: f}, m, noOverwrite); err != nil {
		removeBlob(st.blobDir(m.Blob))
		return err
	}
	return st.removeUpload(id)
}
