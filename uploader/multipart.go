package uploader

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// multipart uploads a large file part by part: initiate (or resume the
// journaled upload after checking it), send the missing parts in parallel
// under the global gate, then complete and verify the whole-object CRC64.
func (w *worker) multipart() (*result, error) {
	f, err := w.openRetrying()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	parts := map[int]partRecord{}
	if w.r.UploadID != "" {
		var res *result
		if parts, res, err = w.resume(f); res != nil || err != nil {
			return res, err
		}
	}
	if w.r.UploadID == "" {
		adopted, err := w.initiate(true)
		if err != nil {
			return nil, err
		}
		if adopted { // an earlier run's upload of this file: keep its parts
			var res *result
			if parts, res, err = w.resume(f); res != nil || err != nil {
				return res, err
			}
		}
		if w.r.UploadID == "" {
			// The adopted upload could not be resumed (its parts hold other
			// bytes): the resume dropped it, so start one of our own, never
			// adopting the same upload again.
			if _, err := w.initiate(false); err != nil {
				return nil, err
			}
		}
	}
	if parts == nil {
		parts = map[int]partRecord{}
	}
	var missing []int
	for n := 1; n <= w.r.parts(); n++ {
		if p, ok := parts[n]; !ok || p.Size != partLen(w.r, n) {
			delete(parts, n)
			missing = append(missing, n)
		}
	}
	w.keep = true // from here a transient failure leaves parts worth resuming
	if err := w.sendParts(f, missing, parts); err != nil {
		return nil, err
	}
	w.keep = false
	if err := checkFile(f, &w.r); err != nil {
		return nil, fmt.Errorf("complete: %w", err)
	}
	return w.complete(parts)
}

func (r *record) parts() int { return int((r.Size + r.PartSize - 1) / r.PartSize) }

func partLen(r record, n int) int64 {
	off := int64(n-1) * r.PartSize
	return min(r.PartSize, r.Size-off)
}

// resume keeps the journaled parts that are still the file's bytes and
// that COS still holds with the same ETag. A part whose bytes changed
// (the file was rewritten in place, its size and mtime restored: finding
// 10) restarts the whole upload: an object must never mix two versions.
// A Complete an earlier run sent is settled first: a non-nil result is
// the task's end (settle.go).
func (w *worker) resume(f *os.File) (map[int]partRecord, *result, error) {
	parts, err := w.e.j.parts(w.r.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: %w", &localError{code: CodeJournal, err: err})
	}
	for n, p := range parts {
		if p.Size != partLen(w.r, n) {
			delete(parts, n)
			continue
		}
		var crc uint64
		if err := w.readRetrying("read file", func() (err error) {
			crc, err = rangeCRC(f, int64(n-1)*w.r.PartSize, p.Size)
			return err
		}); err != nil {
			return nil, nil, err
		}
		if crc != p.CRC64 {
			return map[int]partRecord{}, nil, w.reuse(w.r.Size, w.r.MTime, note(NoteRestartedFileChanged))
		}
	}
	var listed map[int]string
	err = w.retry("list parts", func(ctx context.Context) error {
		return w.gated(ctx, func() error {
			listed, err = w.e.store.listParts(ctx, w.r.Key, w.r.UploadID)
			return err
		})
	})
	if isNoSuchUpload(err) && w.r.CompleteSent == w.r.UploadID {
		// Our Complete may have joined it after we stopped: settle that first.
		if res, err := w.settleGone(parts); res != nil || err != nil {
			return nil, res, err
		}
	}
	if isNoSuchUpload(err) {
		return map[int]partRecord{}, nil, w.restart(false, note(NoteUploadForgotten, "upload_id", w.r.UploadID))
	}
	if err != nil {
		return nil, nil, err
	}
	for n, p := range parts {
		if listed[n] != p.ETag {
			delete(parts, n) // COS holds other bytes (or none) for it: send it again
		}
	}
	if err := w.adoptListed(f, parts, listed); err != nil {
		return nil, nil, err
	}
	return parts, nil, nil
}

// adoptListed takes the parts COS holds that the journal does not know:
// parts in flight when CosDrop was killed, which COS finished after the
// client died (soak: the journal credited none of them and they were sent
// again). A part is adopted only when its ETag is the MD5 of the file's
// bytes at that place, and it is journaled like any acknowledged part; the
// whole object's CRC64 is still checked at Complete.
func (w *worker) adoptListed(f *os.File, parts map[int]partRecord, listed map[int]string) error {
	for n, etag := range listed {
		if _, ok := parts[n]; ok || n < 1 || n > w.r.parts() {
			continue
		}
		size := partLen(w.r, n)
		var sum string
		var crc uint64
		if err := w.readRetrying("read file", func() (err error) {
			sum, crc, err = rangeMD5CRC(f, int64(n-1)*w.r.PartSize, size)
			return err
		}); err != nil {
			return err
		}
		if strings.Trim(etag, `"`) != sum {
			continue // other bytes (or an ETag that is not an MD5): sent again
		}
		p := partRecord{Number: n, Size: size, ETag: etag, CRC64: crc}
		w.send(report{kind: rPart, part: p}) // journaled as uploadPart's are
		parts[n] = p
	}
	return nil
}

// rangeMD5CRC is the hex MD5 and the CRC64 of n bytes of f at off.
func rangeMD5CRC(f *os.File, off, n int64) (string, uint64, error) {
	m, c := md5.New(), newCRC()
	got, err := io.Copy(io.MultiWriter(m, c), io.NewSectionReader(f, off, n))
	if err == nil && got != n {
		err = io.ErrUnexpectedEOF
	}
	return hex.EncodeToString(m.Sum(nil)), c.sum, err
}

// rangeCRC is the CRC64 of n bytes of f at off.
func rangeCRC(f *os.File, off, n int64) (uint64, error) {
	h := newCRC()
	got, err := h.ReadFrom(io.NewSectionReader(f, off, n))
	if err == nil && got != n {
		err = io.ErrUnexpectedEOF
	}
	return h.sum, err
}

// restart drops the task's upload (aborting it when its parts hold other
// bytes) so the file is sent again from zero; the Note says why.
func (w *worker) restart(abort bool, n Note) error {
	if err := w.sync(report{kind: rUpload, up: &uploadInfo{restart: true, abort: abort, note: n}}); err != nil {
		return err
	}
	w.r.UploadID, w.r.PartSize = "", 0
	return nil
}

// reuse starts the file again from zero inside its open multipart upload:
// every part is sent again, overwriting the old version's parts by number,
// and Complete lists only the new parts (COS discards the rest), so no
// byte of the old version can reach the object. Unlike aborting and
// starting afresh, it needs no AbortMultipartUpload permission (Tencent's
// sample STS policy grants none) and leaves no upload open behind: the
// soak found exactly that after a file was rewritten between two runs.
func (w *worker) reuse(size, mtime int64, n Note) error {
	ps := choosePartSize(size, w.e.cfg.PartSize)
	if err := w.sync(report{kind: rUpload, up: &uploadInfo{reuse: true, partSize: ps, size: size, mtime: mtime, note: n}}); err != nil {
		return err
	}
	w.r.Size, w.r.MTime, w.r.PartSize, w.r.Acked = size, mtime, ps, 0
	return nil
}

// initiate starts a multipart upload and journals it before any part is
// sent. Initiate is never blindly repeated (finding 11): after a failed
// attempt (whose request may have reached COS, its answer lost or
// garbled), the key's open uploads are listed and one that was not there
// before the first attempt is adopted instead of starting another. An
// upload already open for the key that holds this file's parts (a lost
// journal's: orphans.go) is adopted instead of starting one (adopted),
// when mayAdopt.
func (w *worker) initiate(mayAdopt bool) (adopted bool, err error) {
	key := w.r.Key
	before, berr := w.listUploads(key)
	if mayAdopt && berr == nil && len(before) > 0 {
		if id := w.adoptable(key, before); id != "" {
			return true, w.journalUpload(id, "")
		}
	}
	if berr == nil { // else nothing could tell our upload from another's later
		if err := w.markInitiate(key, before); err != nil {
			return false, err
		}
	}
	var uid, reqID string
	attempt := 0
	err = w.retry("start upload", func(ctx context.Context) error {
		return w.gated(ctx, func() error {
			attempt++
			if attempt > 1 && berr == nil {
				ids, err := w.e.store.listUploads(ctx, key)
				if err != nil {
					return err
				}
				if id := newUpload(before, ids); id != "" {
					uid = id
					return nil
				}
			}
			id, rep, err := w.e.store.initiate(ctx, key, w.writeOpts(key))
			uid, reqID = id, rep.RequestID
			return err
		})
	})
	if err != nil {
		if berr == nil {
			// The last try may have reached COS and its answer been cut
			// off (a pause, a lost response): the upload it made is
			// known nowhere else.
			w.dropStrays(key, before)
		}
		return false, err
	}
	if err := w.journalUpload(uid, reqID); err != nil {
		w.abortNow(key, uid) // not journaled: nobody else would ever abort it
		return false, err
	}
	return false, nil
}

// journalUpload makes uid the task's upload, journaled before any part is
// sent to it.
func (w *worker) journalUpload(uid, reqID string) error {
	ps := choosePartSize(w.r.Size, w.e.cfg.PartSize)
	if err := w.sync(report{kind: rUpload, up: &uploadInfo{id: uid, reqID: reqID, partSize: ps}}); err != nil {
		return err
	}
	w.r.UploadID, w.r.PartSize = uid, ps
	return nil
}

// listUploads lists the key's open uploads (with retries).
func (w *worker) listUploads(key string) (map[string]bool, error) {
	seen := map[string]bool{}
	err := w.retry("list uploads", func(ctx context.Context) error {
		return w.gated(ctx, func() error {
			ids, err := w.e.store.listUploads(ctx, key)
			for _, id := range ids {
				seen[id] = true
			}
			return err
		})
	})
	return seen, err
}

// newUpload returns an upload of ids that is not in before.
func newUpload(before map[string]bool, ids []string) string {
	for _, id := range ids {
		if !before[id] {
			return id
		}
	}
	return ""
}

// dropStrays aborts the key's uploads that were not open before a failed
// initiate. Another client starting an upload of the same key in that
// second would lose it too; it restarts on NoSuchUpload, which beats
// parts billed for good.
func (w *worker) dropStrays(key string, before map[string]bool) {
	ctx, cancel := context.WithTimeout(context.Background(), abortTimeout)
	defer cancel()
	ids, err := w.e.store.listUploads(ctx, key)
	if err != nil {
		return
	}
	for _, id := range ids {
		if !before[id] {
			w.abortNow(key, id)
		}
	}
}

// abortNow aborts an upload the journal does not know; one that will not
// end is recorded as a leftover, so it is not lost.
func (w *worker) abortNow(key, uid string) {
	ctx, cancel := context.WithTimeout(context.Background(), abortTimeout)
	defer cancel()
	if err := w.e.store.abort(ctx, key, uid); err != nil {
		w.e.inbox.put(leftoverMsg{l: Leftover{UploadID: uid, Key: key, Code: abortCode(err), Since: time.Now().UTC()}})
	}
}

// sendParts uploads the missing parts with up to Concurrency workers; each
// request takes a slot of the global gate. The first failure stops the rest.
func (w *worker) sendParts(f *os.File, missing []int, parts map[int]partRecord) error {
	if len(missing) == 0 {
		return nil
	}
	ctx, stop := context.WithCancelCause(w.rs.ctx)
	defer stop(nil)
	jobs := make(chan int, len(missing))
	for _, n := range missing {
		jobs <- n
	}
	close(jobs)
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	for range min(w.e.gate.size(), len(missing)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				p, err := w.uploadPart(ctx, f, n)
				mu.Lock()
				if err != nil && firstErr == nil && w.rs.ctx.Err() == nil {
					firstErr = err
					stop(err)
				}
				if err == nil {
					parts[n] = p
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if w.rs.ctx.Err() != nil {
		return context.Cause(w.rs.ctx)
	}
	return firstErr
}

// uploadPart sends part n with retries and verifies its CRC64; the loop
// journals it before it counts as acknowledged.
func (w *worker) uploadPart(ctx context.Context, f *os.File, n int) (partRecord, error) {
	r := &w.r
	op := fmt.Sprintf("upload part %d", n)
	off, size := int64(n-1)*r.PartSize, partLen(*r, n)
	var p partRecord
	err := retrier{e: w.e, op: op}.do(ctx, func(err error) { w.send(report{kind: rNote, err: err}) }, func(ctx context.Context) error {
		return w.gatedBytes(ctx, size, func() error {
			if err := checkFile(f, r); err != nil {
				return err
			}
			body := w.e.newPartReader(ctx, w.rs, f, off, size)
			rep, err := w.e.store.uploadPart(ctx, r.Key, r.UploadID, n, body, size)
			sent, sum, locErr := body.finish()
			switch {
			case locErr != nil:
				return locErr
			case err != nil:
				return err
			case sent != size:
				return fileChanged()
			}
			if err := checkCRC(rep, sum, op); err != nil {
				var ce *codedError
				if errors.As(err, &ce) && ce.code == CodeCRCMismatch {
					ce.retryable = true // the part is simply sent again, overwriting it
				}
				return err
			}
			p = partRecord{Number: n, Size: size, ETag: rep.ETag, CRC64: sum}
			return nil
		})
	})
	if err == nil {
		w.send(report{kind: rPart, part: p})
	}
	return p, err
}

// completeTimeout bounds one Complete attempt by what it needs: COS joins
// the parts before it answers, so the time grows with their number (a
// 1-part Complete waits 20 s, not the transport's 2 minutes; finding 13).
func completeTimeout(parts int) time.Duration {
	return 20*time.Second + time.Duration(parts)*20*time.Millisecond
}

// complete finishes the upload. Whatever goes wrong with Complete (an error
// status, a 200 with an error body, a lost response), the object may exist
// anyway: settle decides.
func (w *worker) complete(parts map[int]partRecord) (*result, error) {
	nums := make([]int, 0, len(parts))
	for n := range parts {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	list := make([]partRecord, 0, len(nums))
	var whole uint64
	for _, n := range nums {
		p := parts[n]
		list = append(list, p)
		whole = crc64Combine(whole, p.CRC64, p.Size)
	}
	w.phase(Completing)
	// Journaled (with the state, so `cosdrop status` shows "completing")
	// before it is sent: a kill while COS joins the parts must not make
	// the next run send the file again (settle.go).
	if err := w.sync(report{kind: rUpload, up: &uploadInfo{completing: true}}); err != nil {
		return nil, err
	}
	var res *result
	// An earlier Complete, in this run or a killed one, may have taken
	// effect (its answer lost or garbled).
	tried := w.r.CompleteSent == w.r.UploadID && w.r.UploadID != ""
	err := w.retry("complete", func(ctx context.Context) error {
		cctx, cancel := context.WithTimeout(ctx, completeTimeout(len(list)))
		defer cancel()
		var rep reply
		err := w.gated(ctx, func() error {
			var err error
			rep, err = w.e.store.complete(cctx, w.r.Key, w.r.UploadID, list, w.forbid())
			return err
		})
		if err == nil {
			if err = checkCRC(rep, whole, "complete"); err == nil {
				res = &result{key: w.r.Key, etag: rep.ETag, crc: whole, reqID: rep.RequestID}
				return nil
			}
			if ce := (*codedError)(nil); errors.As(err, &ce) && ce.code == CodeCRCMismatch {
				return err // COS joined other bytes: never done, never retried
			}
		}
		if ctx.Err() != nil {
			return err
		}
		res, err = w.settle(ctx, err, whole, tried)
		tried = true
		return err
	})
	return res, err
}

// settle decides a Complete that did not answer cleanly by what COS
// holds: HEAD or a ranged GET where allowed (size and CRC64), else whether
// COS still lists the upload. A nil result and error cerr means "as cerr says" (retry
// it, or a 409 the conflict policy handles).
func (w *worker) settle(ctx context.Context, cerr error, whole uint64, tried bool) (*result, error) {
	w.phase(Verifying)
	defer w.phase(Completing)
	info, denied, herr := w.inspect(w.r.Key) // HEAD, else a one-byte GET
	if denied {
		herr = errHeadDenied
	}
	gone, exists := isNoSuchUpload(cerr), isAlreadyExists(cerr)
	if herr == nil && info.Found && info.Size == w.r.Size {
		if info.CRC64 == whole && exists {
			// Our lost Complete, or another client's identical object:
			// ours only if our upload is gone.
			switch open, lerr := w.uploadOpen(ctx); {
			case lerr != nil && classify(lerr) == retry:
				return nil, lerr // still unknown: Complete is asked again
			case lerr != nil || open:
				return nil, cerr
			}
		}
		if info.CRC64 == whole {
			return &result{key: w.r.Key, etag: info.ETag, crc: whole, reqID: info.RequestID}, nil
		}
		if info.CRC64 != 0 && classify(cerr) != retry && !isAlreadyExists(cerr) {
			return nil, &codedError{code: CodeCRCMismatch, party: PartyCOS, requestID: info.RequestID,
				msg: fmt.Sprintf("complete: COS stored different data: its CRC64 is %d, the file's is %d", info.CRC64, whole)}
		}
	}
	if !gone && !exists {
		return nil, cerr
	}
	if herr == nil && exists {
		return nil, cerr // HEAD shows another object: a conflict
	}
	if herr == errHeadDenied && tried {
		// No HEAD: COS's list of open uploads tells whether ours still
		// exists. Gone after a Complete that may have reached COS means
		// that Complete joined it: done, but it cannot be checked.
		open, lerr := w.uploadOpen(ctx)
		switch {
		case lerr != nil && classify(lerr) == retry:
			return nil, lerr // still unknown: Complete is asked again
		case lerr != nil:
			return nil, cerr
		case !open:
			return &result{key: w.r.Key, crc: whole, unverified: true,
				note: note(NoteCompletedUnverified, "upload_id", w.r.UploadID, "reason", "head_denied")}, nil
		}
	}
	if exists {
		return nil, cerr // another client's object: the conflict policy decides
	}
	// COS no longer knows the upload and HEAD does not show our object (or
	// may not be asked): it cannot be reported verified.
	return nil, &codedError{code: CodeUnverified, party: PartyCOS, msg: "complete: the upload is gone and the object could not be verified: " + cerr.Error()}
}

// errHeadDenied stands for a HEAD the credentials do not allow.
var errHeadDenied = errors.New("HeadObject is not allowed")

// uploadOpen reports whether COS still lists the task's multipart upload.
// It retries (and refreshes an expired token) like any request: a lost
// Complete is settled by this answer alone under the sample grant, and a
// 503 here once failed the task NoSuchUpload in CI.
func (w *worker) uploadOpen(ctx context.Context) (bool, error) {
	var ids []string
	err := retrier{e: w.e, op: "list uploads"}.do(ctx, nil, func(ctx context.Context) error {
		return w.gated(ctx, func() error {
			var err error
			ids, err = w.e.store.listUploads(ctx, w.r.Key)
			return err
		})
	})
	return slices.Contains(ids, w.r.UploadID), err
}
