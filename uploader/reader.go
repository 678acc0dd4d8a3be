package uploader

import (
	"context"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"os"
	"sync"
)

var errBodyDone = errors.New("request body already finished")

// partReader streams one byte range of the file into a request: it counts
// bytes into the task's live progress per Read, computes the range's CRC64
// on the way, and waits on the global bandwidth limiter. Nothing is
// buffered beyond the caller's read buffer.
type partReader struct {
	ctx  context.Context
	e    *Engine
	rs   *runState
	sr   *io.SectionReader
	path string

	mu     sync.Mutex
	n      int64
	crc    uint64
	done   bool
	locErr error
}

func (e *Engine) newPartReader(ctx context.Context, rs *runState, f *os.File, off, n int64) *partReader {
	return &partReader{ctx: ctx, e: e, rs: rs, sr: io.NewSectionReader(f, off, n), path: f.Name()}
}

// Read implements io.Reader.
func (p *partReader) Read(b []byte) (int, error) {
	if p.e.limited.Load() {
		if burst := p.e.limiter.Burst(); len(b) > burst {
			b = b[:burst]
		}
		if err := p.e.limiter.WaitN(p.ctx, len(b)); err != nil && p.ctx.Err() != nil {
			return 0, err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		// The transport may still read after the call returned (its
		// writer runs in its own goroutine); those bytes are not ours.
		return 0, errBodyDone
	}
	n, err := p.sr.Read(b)
	if n > 0 {
		p.n += int64(n)
		p.crc = crc64.Update(p.crc, crcTable, b[:n])
	}
	if err != nil && err != io.EOF {
		p.locErr = &localError{code: readCode(err), err: fmt.Errorf("read %s: %w", p.path, err)}
		return n, p.locErr
	}
	return n, err
}

// finish stops reading and returns what was sent. Progress and speed are
// what COS acknowledged, reported with the part.
func (p *partReader) finish() (sent int64, crc uint64, locErr error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = true
	return p.n, p.crc, p.locErr
}

// fingerprint is what identifies "the same file": size and mtime.
func sameFile(fi os.FileInfo, r *record) bool {
	return fi.Size() == r.Size && fi.ModTime().UnixNano() == r.MTime
}

// checkFile fails with FileChanged when f no longer matches r.
func checkFile(f *os.File, r *record) error {
	fi, err := f.Stat()
	if err != nil {
		return &localError{code: CodeFileMissing, err: fmt.Errorf("stat %s: %w", r.Path, err)}
	}
	if !sameFile(fi, r) {
		return fileChanged()
	}
	// An open handle keeps a deleted or replaced file readable; check the path too.
	pi, err := statLocal(r.Path)
	if err != nil {
		return &localError{code: CodeFileMissing, err: fmt.Errorf("%s is gone: %w", r.Path, err)}
	}
	if !os.SameFile(fi, pi) {
		return fileChanged()
	}
	return nil
}
