package uploader

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// multipart uploads a large file part by part: initiate (or resume the
// journaled upload), send the missing parts in parallel under the global
// gate, then complete and verify the whole-object CRC64.
func (e *Engine) multipart(ctx context.Context, t *task, rs *runState) error {
	r := e.record(t)
	f, err := os.Open(r.Path)
	if err != nil {
		return fmt.Errorf("open file: %w", &localError{code: CodeFileMissing, err: err})
	}
	defer f.Close()

	parts := map[int]partRecord{}
	if r.UploadID != "" {
		if parts, err = e.resumeParts(ctx, t, r); err != nil {
			return err
		}
		r = e.record(t)
	}
	if r.UploadID == "" {
		ps := choosePartSize(r.Size, e.cfg.PartSize)
		var res *cos.InitiateMultipartUploadResult
		var reqID string
		err := retrier{e: e, op: "start upload"}.do(ctx, func(err error) { e.noteError(t, "start upload", err) }, func(ctx context.Context) error {
			if err := e.gate.acquire(ctx); err != nil {
				return err
			}
			defer e.gate.release()
			v, resp, err := e.client.Object.InitiateMultipartUpload(ctx, r.Key, nil)
			if err != nil {
				return err
			}
			if v.UploadID == "" {
				return errors.New("COS returned no upload ID")
			}
			res, reqID = v, resp.Header.Get("x-cos-request-id")
			return nil
		})
		if err != nil {
			return err
		}
		if err := e.update(t, true, func(r *record) {
			r.UploadID, r.PartSize, r.Acked = res.UploadID, ps, 0
			r.RequestIDs = append(r.RequestIDs[:0], reqID)
		}); err != nil {
			return err
		}
		r = e.record(t)
	}

	nparts := int((r.Size + r.PartSize - 1) / r.PartSize)
	var committed int64
	var missing []int
	for n := 1; n <= nparts; n++ {
		if p, ok := parts[n]; ok && p.Size == partLen(r, n) {
			committed += p.Size
		} else {
			delete(parts, n)
			missing = append(missing, n)
		}
	}
	e.setCommitted(rs, committed)

	if err := e.sendParts(ctx, t, rs, f, r, missing, parts); err != nil {
		return err
	}
	if err := checkFile(f, &r); err != nil {
		return fmt.Errorf("complete: %w", err)
	}
	return e.complete(ctx, t, r, parts)
}

func partLen(r record, n int) int64 {
	off := int64(n-1) * r.PartSize
	return min(r.PartSize, r.Size-off)
}

// resumeParts loads the journaled parts and keeps those COS still has with
// the same ETag. If COS no longer knows the upload, the task starts over.
func (e *Engine) resumeParts(ctx context.Context, t *task, r record) (map[int]partRecord, error) {
	parts, err := e.j.loadParts(r.ID)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	listed := map[int]string{}
	gone := false
	err = retrier{e: e, op: "list parts"}.do(ctx, nil, func(ctx context.Context) error {
		marker := ""
		for {
			if err := e.gate.acquire(ctx); err != nil {
				return err
			}
			res, _, err := e.client.Object.ListParts(ctx, r.Key, r.UploadID, &cos.ObjectListPartsOptions{MaxParts: "1000", PartNumberMarker: marker})
			e.gate.release()
			if er, ok := cosError(err); ok && er.Code == "NoSuchUpload" {
				gone = true
				return nil
			}
			if err != nil {
				return err
			}
			for _, p := range res.Parts {
				listed[p.PartNumber] = p.ETag
			}
			if !res.IsTruncated || res.NextPartNumberMarker == "" || res.NextPartNumberMarker == marker {
				return nil
			}
			marker = res.NextPartNumberMarker
		}
	})
	if err != nil {
		return nil, err
	}
	if gone {
		e.noteError(t, "resume", errors.New("COS no longer knows the multipart upload "+r.UploadID+"; starting it again"))
		return map[int]partRecord{}, e.update(t, true, func(r *record) { r.UploadID, r.Acked = "", 0 })
	}
	for n, p := range parts {
		if listed[n] != p.ETag {
			delete(parts, n)
		}
	}
	return parts, nil
}

// sendParts uploads the missing parts with up to Concurrency workers; each
// request takes a slot of the global gate. The first failure stops the rest.
func (e *Engine) sendParts(ctx context.Context, t *task, rs *runState, f *os.File, r record, missing []int, parts map[int]partRecord) error {
	if len(missing) == 0 {
		return nil
	}
	wctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	jobs := make(chan int, len(missing))
	for _, n := range missing {
		jobs <- n
	}
	close(jobs)
	e.mu.Lock()
	workers := min(e.concurrency, len(missing))
	e.mu.Unlock()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				if wctx.Err() != nil {
					return
				}
				p, err := e.uploadPart(wctx, t, rs, f, r, n)
				mu.Lock()
				if err != nil {
					if firstErr == nil && ctx.Err() == nil {
						firstErr = err
						stop(err)
					}
					mu.Unlock()
					return
				}
				parts[n] = p
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return firstErr
}

// uploadPart sends part n with retries, verifies its CRC64 and journals it
// before it counts as acknowledged.
func (e *Engine) uploadPart(ctx context.Context, t *task, rs *runState, f *os.File, r record, n int) (partRecord, error) {
	op := fmt.Sprintf("upload part %d", n)
	off, size := int64(n-1)*r.PartSize, partLen(r, n)
	var p partRecord
	err := retrier{e: e, op: op}.do(ctx, func(err error) { e.noteError(t, op, err) }, func(ctx context.Context) error {
		if err := e.gate.acquire(ctx); err != nil {
			return err
		}
		defer e.gate.release()
		if err := checkFile(f, &r); err != nil {
			return err
		}
		body := e.newPartReader(ctx, rs, f, off, size)
		resp, err := e.client.Object.UploadPart(ctx, r.Key, r.UploadID, n, body, &cos.ObjectUploadPartOptions{ContentLength: size})
		sent, sum, locErr := body.finish()
		if locErr != nil {
			return locErr
		}
		if err != nil {
			return err
		}
		if sent != size {
			return fileChanged()
		}
		if err := checkCRC(resp.Response, sum, op); err != nil {
			var ce *codedError
			if errors.As(err, &ce) && ce.code == CodeCRCMismatch {
				ce.retryable = true // the part is simply sent again, overwriting it
			}
			return err
		}
		p = partRecord{Number: n, Size: size, ETag: resp.Header.Get("ETag"), CRC64: sum}
		return nil
	})
	if err != nil {
		return p, err
	}
	if e.crashed.Load() {
		return p, errCrashed
	}
	if err := e.j.savePart(r.ID, p); err != nil {
		return p, fmt.Errorf("journal: %w", err)
	}
	rs.committed.Add(size)
	return p, nil
}

// complete finishes the upload. Whatever goes wrong with Complete (an error
// status, a 200 with an error body, a lost response), the object may exist
// anyway: HEAD decides, and only the same size and CRC64 count as done.
func (e *Engine) complete(ctx context.Context, t *task, r record, parts map[int]partRecord) error {
	nums := make([]int, 0, len(parts))
	for n := range parts {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	opt := &cos.CompleteMultipartUploadOptions{}
	var whole uint64
	for _, n := range nums {
		p := parts[n]
		opt.Parts = append(opt.Parts, cos.Object{PartNumber: n, ETag: p.ETag})
		whole = crc64Combine(whole, p.CRC64, p.Size)
	}
	if err := e.publish(t, func(r *record) { r.State = Completing; r.CRC64 = whole }); err != nil {
		return err
	}
	done := func(etag, reqID string) error {
		return e.update(t, true, func(r *record) {
			r.State, r.ETag, r.CRC64, r.Acked = Done, etag, whole, r.Size
			if reqID != "" {
				r.RequestIDs = append(r.RequestIDs, reqID)
			}
			r.Finished, r.LastErr, r.Note = stampNow(), nil, ""
		})
	}
	refreshes := 0
	for attempt := 1; ; attempt++ {
		if err := e.gate.acquire(ctx); err != nil {
			return context.Cause(ctx)
		}
		res, resp, err := e.client.Object.CompleteMultipartUpload(ctx, r.Key, r.UploadID, opt)
		e.gate.release()
		if err == nil && res != nil && res.ETag != "" {
			if resp.Header.Get("x-cos-hash-crc64ecma") != "" {
				if cerr := checkCRC(resp.Response, whole, "complete"); cerr != nil {
					return cerr
				}
				return done(res.ETag, resp.Header.Get("x-cos-request-id"))
			}
			err = errors.New("COS completed the upload without a CRC64")
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if err == nil {
			err = errors.New("COS answered Complete without a result")
		}
		if uerr := e.publish(t, func(r *record) { r.State = Verifying }); uerr != nil {
			return uerr
		}
		found, size, crc, etag, reqID, herr := e.head(ctx, r.Key)
		if herr == nil && found && size == r.Size && crc == whole {
			return done(etag, reqID)
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if herr == nil && found && size == r.Size && crc != 0 && crc != whole && !isRetryableComplete(err) {
			return &codedError{code: CodeCRCMismatch, requestID: reqID,
				msg: fmt.Sprintf("complete: COS stored different data: its CRC64 is %d, the file's is %d", crc, whole)}
		}
		v := classify(err)
		if er, ok := cosError(err); ok && er.Code == "NoSuchUpload" {
			v = fatal
		}
		switch {
		case v == refresh && refreshes < 3 && e.cfg.Credentials != nil:
			refreshes++
			attempt--
			if _, rerr := e.cfg.Credentials.Refresh(ctx); rerr != nil {
				return fmt.Errorf("complete: refresh credentials: %w", rerr)
			}
			continue
		case v != retry:
			return fmt.Errorf("complete: %w", err)
		case attempt >= e.cfg.MaxAttempts:
			return fmt.Errorf("complete: gave up after %d attempts: %w", attempt, err)
		}
		e.noteError(t, "complete", fmt.Errorf("complete (attempt %d): %w", attempt, err))
		if err := e.publish(t, func(r *record) { r.State = Completing }); err != nil {
			return err
		}
		if sleepCtx(ctx, backoff(attempt, e.cfg.RetryBase, e.cfg.RetryMax)) != nil {
			return context.Cause(ctx)
		}
	}
}

func isRetryableComplete(err error) bool { return classify(err) == retry }
