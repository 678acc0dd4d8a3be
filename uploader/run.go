package uploader

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// process runs one task to its end: done, skipped, or an error that
// settle turns into paused, canceled or failed.
func (e *Engine) process(ctx context.Context, t *task, rs *runState) error {
	r := e.record(t)
	fi, err := os.Stat(r.Path)
	if err != nil {
		return fmt.Errorf("read file: %w", &localError{code: CodeFileMissing, err: fmt.Errorf("cannot read %s: %w", r.Path, err)})
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("read file: %w", &localError{code: CodeFileMissing, err: fmt.Errorf("%s is not a regular file", r.Path)})
	}
	fresh := r.UploadID == ""
	if !fresh && !sameFile(fi, &r) {
		return fmt.Errorf("check file: %w", fileChanged())
	}
	resolved := e.cfg.OnConflict == Overwrite || e.cfg.Signer != nil
	if err := e.publish(t, func(r *record) {
		if resolved {
			r.Resolved = true
		}
		r.State = Uploading
		r.Attempts++
		r.Note = ""
		if r.Started == 0 {
			r.Started = stampNow()
		}
		if fresh {
			// Nothing is on the server yet: the upload starts from the
			// file as it is now.
			r.Size, r.MTime = fi.Size(), fi.ModTime().UnixNano()
		}
	}); err != nil {
		return err
	}
	r = e.record(t)
	e.setCommitted(rs, r.Acked)
	if e.cfg.Signer != nil {
		rs.simple = true
		return e.signedPut(ctx, t, rs)
	}
	if !r.Resolved && fresh {
		skip, err := e.resolveConflict(ctx, t)
		if err != nil {
			return err
		}
		if skip {
			return nil
		}
		r = e.record(t)
	}
	if r.UploadID == "" && r.Size <= partSizeFor(r.Size, e.cfg.PartSize) {
		rs.simple = true
		return e.putObject(ctx, t, rs)
	}
	return e.multipart(ctx, t, rs)
}

// setCommitted sets a run's acknowledged bytes without the sampler
// mistaking them for speed.
func (e *Engine) setCommitted(rs *runState, n int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rs.committed.Store(n)
	rs.lastAcked = rs.committed.Load() + rs.inflight.Load()
}

// partSizeFor is the multipart threshold and part size for a file.
func partSizeFor(size, configured int64) int64 { return choosePartSize(size, configured) }

// putObject sends a small file in one PUT and verifies its CRC64.
func (e *Engine) putObject(ctx context.Context, t *task, rs *runState) error {
	r := e.record(t)
	f, err := os.Open(r.Path)
	if err != nil {
		return fmt.Errorf("open file: %w", &localError{code: CodeFileMissing, err: err})
	}
	defer f.Close()
	var etag, reqID string
	var crc uint64
	note := func(err error) { e.noteError(t, "upload", err) }
	err = retrier{e: e, op: "upload"}.do(ctx, note, func(ctx context.Context) error {
		if err := e.gate.acquire(ctx); err != nil {
			return err
		}
		defer e.gate.release()
		if err := checkFile(f, &r); err != nil {
			return err
		}
		body := e.newPartReader(ctx, rs, f, 0, r.Size)
		opt := &cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentLength: r.Size}}
		var resp *cos.Response
		var err error
		if r.Size == 0 {
			resp, err = e.client.Object.Put(ctx, r.Key, strings.NewReader(""), nil)
		} else {
			resp, err = e.client.Object.Put(ctx, r.Key, body, opt)
		}
		sent, sum, locErr := body.finish()
		if locErr != nil {
			return locErr
		}
		if err != nil {
			return err
		}
		if sent != r.Size {
			return fileChanged()
		}
		if err := checkCRC(resp.Response, sum, "upload"); err != nil {
			return err
		}
		rs.committed.Store(r.Size)
		crc, etag, reqID = sum, resp.Header.Get("ETag"), resp.Header.Get("x-cos-request-id")
		return nil
	})
	if err != nil {
		return err
	}
	return e.finishSingle(t, f, &r, r.Key, etag, crc, reqID)
}

// finishSingle ends a one-request upload (simple PUT or server-signed PUT):
// the file must still be what was sent, then the task is done, durably,
// with the object's key, ETag, CRC64 and request ID.
func (e *Engine) finishSingle(t *task, f *os.File, sent *record, key, etag string, crc uint64, reqID string) error {
	if err := checkFile(f, sent); err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	return e.update(t, true, func(r *record) {
		r.State, r.Key, r.ETag, r.CRC64, r.Acked = Done, key, etag, crc, r.Size
		r.RequestIDs = append(r.RequestIDs, reqID)
		r.Finished, r.LastErr, r.Note = stampNow(), nil, ""
	})
}

// checkCRC compares COS's x-cos-hash-crc64ecma with the local CRC64. A
// mismatch or a missing header is never retried silently: it fails loudly.
func checkCRC(resp *http.Response, local uint64, op string) error {
	reqID := resp.Header.Get("x-cos-request-id")
	h := resp.Header.Get("x-cos-hash-crc64ecma")
	if h == "" {
		return &codedError{code: CodeNoCRC, requestID: reqID, status: resp.StatusCode,
			msg: op + ": COS did not return a CRC64, so the upload cannot be verified"}
	}
	remote, err := strconv.ParseUint(h, 10, 64)
	if err != nil || remote != local {
		return &codedError{code: CodeCRCMismatch, requestID: reqID, status: resp.StatusCode,
			msg: fmt.Sprintf("%s: COS stored different data: its CRC64 is %s, the file's is %d", op, h, local)}
	}
	return nil
}

// head returns the object's size and CRC64, or found=false on 404.
func (e *Engine) head(ctx context.Context, key string) (found bool, size int64, crc uint64, etag, reqID string, err error) {
	err = retrier{e: e, op: "head"}.do(ctx, nil, func(ctx context.Context) error {
		if err := e.gate.acquire(ctx); err != nil {
			return err
		}
		defer e.gate.release()
		resp, err := e.client.Object.Head(ctx, key, nil)
		if err != nil {
			if resp != nil && resp.StatusCode == http.StatusNotFound {
				found = false
				return nil
			}
			return err
		}
		found = true
		size, _ = strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
		crc, _ = strconv.ParseUint(resp.Header.Get("x-cos-hash-crc64ecma"), 10, 64)
		etag, reqID = resp.Header.Get("ETag"), resp.Header.Get("x-cos-request-id")
		return nil
	})
	return
}

// resolveConflict applies the conflict policy before the first byte is
// sent. skip reports that the task ended as Skipped.
func (e *Engine) resolveConflict(ctx context.Context, t *task) (skip bool, err error) {
	r := e.record(t)
	policy := e.cfg.OnConflict
	if policy == Overwrite {
		return false, e.update(t, false, func(r *record) { r.Resolved = true })
	}
	found, rsize, rcrc, _, _, err := e.head(ctx, r.Key)
	if err != nil {
		return false, err
	}
	if found && policy == Ask {
		policy, err = e.ask(ctx, r, Conflict{Task: r.ID, Path: r.Path, Key: r.Key, LocalSize: r.Size, RemoteSize: rsize, RemoteCRC64: rcrc})
		if err != nil {
			return false, err
		}
	}
	key := r.Key
	switch {
	case !found || policy == Overwrite:
	case policy == SkipIdentical:
		if rsize == r.Size && rcrc != 0 {
			local, err := fileCRC(r.Path)
			if err != nil {
				return false, fmt.Errorf("read file: %w", &localError{code: CodeFileMissing, err: err})
			}
			if local == rcrc {
				return true, e.update(t, true, func(r *record) {
					r.State, r.Resolved, r.CRC64, r.Acked, r.Finished = Skipped, true, local, 0, stampNow()
					r.Note = "Skipped: an identical object (same size and CRC64) is already at this key."
				})
			}
		}
	case policy == Rename:
		for n := 1; ; n++ {
			if n > 1000 {
				return false, fmt.Errorf("rename: no free name after %d tries", n)
			}
			key = renamedKey(r.Key, n)
			if err := checkKey(r.Path, key); err != nil {
				return false, fmt.Errorf("rename: %w", &localError{code: CodeInvalidKey, err: err})
			}
			f, _, _, _, _, err := e.head(ctx, key)
			if err != nil {
				return false, err
			}
			if !f {
				break
			}
		}
	}
	return false, e.update(t, false, func(r *record) {
		r.Resolved = true
		if key != r.Key {
			r.Note = "Renamed: an object already existed at " + r.Key + "."
			r.Key = key
		}
	})
}

// ask asks AskConflict once per batch and remembers the answer.
func (e *Engine) ask(ctx context.Context, r record, c Conflict) (ConflictPolicy, error) {
	e.mu.Lock()
	b := e.batchLocked(r.Batch)
	e.mu.Unlock()
	b.askMu.Lock()
	defer b.askMu.Unlock()
	if b.decision == "" && b.askErr == nil {
		if e.cfg.AskConflict == nil {
			b.decision = Rename // nobody to ask: never overwrite silently
		} else {
			b.decision, b.askErr = e.cfg.AskConflict(ctx, []Conflict{c})
			if b.askErr == nil && (b.decision == Ask || b.decision == "") {
				b.askErr = errors.New("no answer to the conflict question")
			}
		}
	}
	if b.askErr != nil {
		return "", fmt.Errorf("conflict: %w", &localError{code: CodeConflict, err: b.askErr})
	}
	return b.decision, nil
}

func fileCRC(path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	h := newCRC()
	if _, err := h.ReadFrom(f); err != nil {
		return 0, err
	}
	return h.sum, nil
}
