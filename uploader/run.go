package uploader

import (
	"context"
	"fmt"
	"os"
	"strconv"
)

// A worker runs one task once. It owns only its run: a private copy of the
// record and the open file. It never writes task state; it reports typed
// results to the loop (report), which decides what they mean for the task.

// reportKind names a worker's report.
type reportKind uint8

const (
	rBegin    reportKind = iota + 1 // the run started: attempts, start time, fingerprint
	rPhase                          // now uploading, completing or verifying
	rNote                           // a failure that will be retried (the error list)
	rResolved                       // the conflict policy is applied (maybe a new key)
	rUpload                         // a multipart upload was started, or the old one dropped (sync)
	rPart                           // a part COS acknowledged: journal it, count it
	rEnd                            // the run ended: result or error
	rWaiting                        // waiting for credentials, or no longer (credwait.go)
)

// report is a worker's message to the loop.
type report struct {
	rs      *runState
	kind    reportKind
	phase   State
	err     error
	part    partRecord
	res     *result
	up      *uploadInfo
	keep    bool       // rEnd failure: the multipart upload is worth resuming
	waiting bool       // rWaiting: still waiting for credentials
	reply   chan error // sync reports: the loop answers after its commit
}

// result is what a run found or achieved.
type result struct {
	key, etag       string
	crc             uint64
	reqID           string
	note            Note
	skipped         bool
	size, mtime     int64 // rBegin: the file's fingerprint for a fresh start
	fresh, resolved bool
	unverified      bool // done, but COS's copy could not be checked (note says why)
}

// uploadInfo is a change of the task's multipart upload.
type uploadInfo struct {
	id, reqID string
	partSize  int64
	restart   bool // forget the old upload and its parts first
	abort     bool // and abort it (its parts hold another version of the file)
	// reuse keeps the upload but forgets its parts: the file (now of size
	// and mtime) is sent again from zero into it (see worker.reuse).
	reuse       bool
	size, mtime int64
	note        Note
	completing  bool // Complete is about to be sent (record.CompleteSent)
	// mark: Initiate is about to be sent (record.Initiating); unmark
	// clears that mark without an upload (intent.go).
	mark   *initMark
	unmark bool
}

// worker is one run of one task.
type worker struct {
	e    *Engine
	rs   *runState
	r    record // the run's private copy
	keep bool   // a failure now leaves an upload worth resuming
}

// work is the one path every run takes.
func (e *Engine) work(rs *runState, r record) {
	defer e.wg.Done()
	w := &worker{e: e, rs: rs, r: r}
	res, err := w.process()
	e.inbox.put(report{rs: rs, kind: rEnd, res: res, err: err, keep: w.keep && err != nil && classify(err) == retry})
}

func (w *worker) send(p report) {
	p.rs = w.rs
	w.e.inbox.put(p)
}

// sync sends a report and waits until the loop has journaled it.
func (w *worker) sync(p report) error {
	p.reply = make(chan error, 1)
	w.send(p)
	select {
	case err := <-p.reply:
		if err != nil {
			return fmt.Errorf("journal: %w", &localError{code: CodeJournal, err: err})
		}
		return nil
	case <-w.rs.ctx.Done():
		return context.Cause(w.rs.ctx)
	}
}

func (w *worker) phase(s State) { w.send(report{kind: rPhase, phase: s}) }

// retry runs fn under the engine's retry policy, noting retried failures.
func (w *worker) retry(op string, fn func(ctx context.Context) error) error {
	return retrier{e: w.e, op: op}.do(w.rs.ctx, func(err error) { w.send(report{kind: rNote, err: err}) }, fn)
}

// gated runs fn holding a slot of the global request gate.
func (w *worker) gated(ctx context.Context, fn func() error) error {
	if err := w.e.gate.acquire(ctx); err != nil {
		return err
	}
	defer w.e.gate.release()
	return fn()
}

// process runs the task to its end: a result, or an error the loop turns
// into paused, canceled or failed.
func (w *worker) process() (*result, error) {
	fi, err := statLocal(w.r.Path)
	if err != nil {
		return nil, fmt.Errorf("read file: %w", &localError{code: CodeFileMissing, err: fmt.Errorf("cannot read %s: %w", w.r.Path, err)})
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("read file: %w", &localError{code: CodeFileMissing, err: fmt.Errorf("%s is not a regular file", w.r.Path)})
	}
	if sizeLies(w.r.Path, fi.Size()) {
		return nil, fmt.Errorf("read file: %w", &localError{code: CodeSizeUnknown, err: fmt.Errorf("%s reports size 0 but has content", w.r.Path)})
	}
	fresh := w.r.UploadID == ""
	changed := !fresh && !sameFile(fi, &w.r) // since its parts were sent: between runs, or while paused
	if fresh {
		// Nothing is on the server yet: the upload starts from the file as it is now.
		w.r.Size, w.r.MTime = fi.Size(), fi.ModTime().UnixNano()
	}
	resolved := w.e.cfg.OnConflict == Overwrite || w.e.cfg.Signer != nil
	w.r.Resolved = w.r.Resolved || resolved
	w.send(report{kind: rBegin, res: &result{size: w.r.Size, mtime: w.r.MTime, fresh: fresh, resolved: resolved}})
	w.watchCredentials()
	if changed {
		if err := w.reuse(fi.Size(), fi.ModTime().UnixNano(), note(NoteRestartedFileChanged)); err != nil {
			return nil, err
		}
	}
	if w.e.cfg.Signer != nil {
		w.rs.simple.Store(true)
		return w.signedPut()
	}
	if !w.r.Resolved && fresh {
		res, err := w.precheck()
		if res != nil || err != nil {
			return res, err
		}
	}
	for range maxConflictTries {
		res, err := w.sendFile()
		if !isAlreadyExists(err) || w.r.Resolved {
			return res, err
		}
		// Another object is at the key (it was there, or another client
		// won a race): the policy decides, never an overwrite.
		if res, err := w.onExists(); res != nil || err != nil {
			return res, err
		}
	}
	return nil, fmt.Errorf("rename: %w", &localError{code: CodeConflict, err: fmt.Errorf("no free name after %d tries", maxConflictTries)})
}

// sendFile uploads the file to w.r.Key, in one PUT or in parts.
func (w *worker) sendFile() (*result, error) {
	if w.r.UploadID == "" && w.r.Initiating != nil {
		// An earlier run's Initiate may have made an upload it never
		// journaled: finish the file in it (intent.go).
		if err := w.settleMark(); err != nil {
			return nil, err
		}
	}
	if w.r.UploadID == "" && w.r.Size <= choosePartSize(w.r.Size, w.e.cfg.PartSize) {
		w.rs.simple.Store(true)
		return w.putObject()
	}
	w.rs.simple.Store(false)
	return w.multipart()
}

// putObject sends a small file in one PUT and verifies its CRC64.
func (w *worker) putObject() (*result, error) {
	r := &w.r
	f, err := w.openRetrying()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rep reply
	var crc uint64
	attempts := 0 // after the first, an earlier PUT may have reached COS (its answer lost)
	err = w.retry("upload", func(ctx context.Context) error {
		attempts++
		return w.gatedPut(ctx, r.Size, func(ctx context.Context) error {
			if err := checkFile(f, r); err != nil {
				return err
			}
			body := w.e.newPartReader(ctx, w.rs, f, 0, r.Size)
			var err error
			rep, err = w.e.store.put(ctx, r.Key, body, r.Size, w.writeOpts(r.Key))
			sent, sum, locErr := body.finish()
			switch {
			case locErr != nil:
				return locErr
			case err != nil:
				return err
			case sent != r.Size:
				return fileChanged()
			}
			crc = sum
			return checkCRC(rep, sum, "upload")
		})
	})
	if err != nil && attempts > 1 && isAlreadyExists(err) {
		// Our own earlier PUT may be what is there: where HEAD is allowed,
		// the same size and CRC64 say so (else the conflict policy decides).
		if res := w.ownObject(); res != nil {
			return res, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return finishSingle(f, r, r.Key, rep.ETag, crc, rep.RequestID)
}

// ownObject returns the result of an upload whose object is already at
// w.r.Key (same size and CRC64 as the file), or nil when that cannot be
// shown.
func (w *worker) ownObject() *result {
	info, denied, err := w.look(w.r.Key)
	if err != nil || denied || !info.Found {
		return nil
	}
	if same, err := identical(&w.r, info); err != nil || !same {
		return nil
	}
	return &result{key: w.r.Key, etag: info.ETag, crc: info.CRC64, reqID: info.RequestID}
}

// finishSingle ends a one-request upload (simple PUT or server-signed PUT):
// the file must still be what was sent.
func finishSingle(f *os.File, sent *record, key, etag string, crc uint64, reqID string) (*result, error) {
	if err := checkFile(f, sent); err != nil {
		return nil, fmt.Errorf("upload: %w", err)
	}
	return &result{key: key, etag: etag, crc: crc, reqID: reqID}, nil
}

// checkCRC compares COS's x-cos-hash-crc64ecma with the local CRC64. A
// mismatch or a missing header is never retried silently: it fails loudly.
func checkCRC(rep reply, local uint64, op string) error {
	if rep.CRC64 == "" {
		return &codedError{code: CodeNoCRC, party: PartyCOS, requestID: rep.RequestID, status: rep.Status,
			msg: op + ": COS did not return a CRC64, so the upload cannot be verified"}
	}
	remote, err := strconv.ParseUint(rep.CRC64, 10, 64)
	if err != nil || remote != local {
		return &codedError{code: CodeCRCMismatch, party: PartyCOS, requestID: rep.RequestID, status: rep.Status,
			args: map[string]string{"remote": rep.CRC64, "local": strconv.FormatUint(local, 10)},
			msg:  fmt.Sprintf("%s: COS stored different data: its CRC64 is %s, the file's is %d", op, rep.CRC64, local)}
	}
	return nil
}

func fileCRC(path string) (uint64, error) {
	f, err := openLocal(path)
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
