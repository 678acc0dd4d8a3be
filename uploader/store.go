package uploader

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
)

// objectStore is the narrow port between the engine and COS: exactly the
// calls the engine makes, so unit tests drive every failure through a
// recording fake (fake_store_test.go) and only the over-the-wire tests need
// localcos. Errors are COS's own (*cos.ErrorResponse, as the SDK returns
// them) or transport errors; classifyErr reads both.
type objectStore interface {
	// put sends a whole object in one request.
	put(ctx context.Context, key string, body io.Reader, size int64, o writeOpts) (reply, error)
	// initiate starts a multipart upload and returns its ID.
	initiate(ctx context.Context, key string, o writeOpts) (string, reply, error)
	// uploadPart sends part n of an upload.
	uploadPart(ctx context.Context, key, uploadID string, n int, body io.Reader, size int64) (reply, error)
	// complete joins the parts into the object; with forbid, COS refuses
	// (409 FileAlreadyExists) when an object exists at key.
	complete(ctx context.Context, key, uploadID string, parts []partRecord, forbid bool) (reply, error)
	// abort deletes an upload and its parts; an upload COS no longer knows
	// counts as aborted.
	abort(ctx context.Context, key, uploadID string) error
	// head describes the object at key; Found is false on 404.
	head(ctx context.Context, key string) (objectInfo, error)
	// peek describes the object at key from the headers of a one-byte
	// ranged GET: for credentials that may GetObject but not HeadObject
	// (CAM grants them as two actions). Found is false on 404.
	peek(ctx context.Context, key string) (objectInfo, error)
	// listParts returns the ETag of every part COS holds, by number.
	listParts(ctx context.Context, key, uploadID string) (map[int]string, error)
	// listUploads returns the IDs of the multipart uploads open for exactly key.
	listUploads(ctx context.Context, key string) ([]string, error)
	// listOpen returns every multipart upload open under prefix (key, ID
	// and when it was initiated: all COS's listing says of an upload).
	listOpen(ctx context.Context, prefix string) ([]Leftover, error)
	// delete removes the object at key (DeleteObject). COS answers 204
	// whether or not the key existed, and takes no If-Match: callers that
	// must delete only their own object HEAD first (undo.go).
	delete(ctx context.Context, key string) (reply, error)
}

// writeOpts are the headers of a write that creates an object.
type writeOpts struct {
	ctype string // Content-Type
	// forbid sends x-cos-forbid-overwrite: true, so COS refuses with 409
	// FileAlreadyExists instead of replacing an existing object (the
	// conflict policies skip, rename and ask rely on it: a HEAD before the
	// write cannot stop another client writing in between).
	forbid bool
	// hdr are the profile rules' headers (Cache-Control,
	// Content-Disposition, x-cos-storage-class, x-cos-meta-*).
	hdr auth.ObjectHeaders
}

// forbidHeader is x-cos-forbid-overwrite: true, or nil.
func forbidHeader(forbid bool) *http.Header {
	if !forbid {
		return nil
	}
	return &http.Header{"X-Cos-Forbid-Overwrite": {"true"}}
}

// isAlreadyExists reports COS refusing a write under x-cos-forbid-overwrite.
func isAlreadyExists(err error) bool {
	er, ok := cosError(err)
	return ok && er.Code == "FileAlreadyExists"
}

// reply is what the engine needs of a successful write's response.
type reply struct {
	ETag      string
	CRC64     string // x-cos-hash-crc64ecma, "" when COS sent none
	RequestID string
	Status    int
}

// objectInfo is a HEAD's answer.
type objectInfo struct {
	Found     bool
	Size      int64
	CRC64     uint64
	ETag      string
	RequestID string
}

// cosStore is objectStore over cos-go-sdk-v5.
type cosStore struct{ c *cos.Client }

func replyOf(resp *cos.Response) reply {
	if resp == nil {
		return reply{}
	}
	h := resp.Header
	return reply{ETag: h.Get("ETag"), CRC64: h.Get("x-cos-hash-crc64ecma"), RequestID: h.Get("x-cos-request-id"), Status: resp.StatusCode}
}

func (s cosStore) put(ctx context.Context, key string, body io.Reader, size int64, o writeOpts) (reply, error) {
	opt := &cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentLength: size, ContentType: o.ctype, XOptionHeader: o.optionHeader()}}
	if size == 0 {
		body = strings.NewReader("")
	}
	resp, err := s.c.Object.Put(ctx, key, body, opt)
	return replyOf(resp), err
}

func (s cosStore) initiate(ctx context.Context, key string, o writeOpts) (string, reply, error) {
	opt := &cos.InitiateMultipartUploadOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentType: o.ctype, XOptionHeader: o.optionHeader()}}
	v, resp, err := s.c.Object.InitiateMultipartUpload(ctx, key, opt)
	if err != nil {
		return "", replyOf(resp), err
	}
	if v == nil || v.UploadID == "" {
		return "", replyOf(resp), &codedError{code: CodeBadResponse, party: PartyCOS, msg: "COS returned no upload ID"}
	}
	return v.UploadID, replyOf(resp), nil
}

func (s cosStore) uploadPart(ctx context.Context, key, uploadID string, n int, body io.Reader, size int64) (reply, error) {
	resp, err := s.c.Object.UploadPart(ctx, key, uploadID, n, body, &cos.ObjectUploadPartOptions{ContentLength: size})
	return replyOf(resp), err
}

func (s cosStore) complete(ctx context.Context, key, uploadID string, parts []partRecord, forbid bool) (reply, error) {
	opt := &cos.CompleteMultipartUploadOptions{XOptionHeader: forbidHeader(forbid)}
	for _, p := range parts {
		opt.Parts = append(opt.Parts, cos.Object{PartNumber: p.Number, ETag: p.ETag})
	}
	res, resp, err := s.c.Object.CompleteMultipartUpload(ctx, key, uploadID, opt)
	rep := replyOf(resp)
	if err != nil {
		if rep.Status == http.StatusOK {
			// COS reports a failed Complete inside a 200 (its body is an
			// <Error>): documented as worth another try.
			return rep, &codedError{code: "InternalError", party: PartyCOS, status: 200, requestID: rep.RequestID,
				msg: "complete: COS answered 200 with an error body", retryable: true}
		}
		return rep, err
	}
	if res != nil && res.ETag != "" {
		rep.ETag = res.ETag
	}
	return rep, nil
}

func (s cosStore) abort(ctx context.Context, key, uploadID string) error {
	_, err := s.c.Object.AbortMultipartUpload(ctx, key, uploadID)
	if isNoSuchUpload(err) {
		return nil
	}
	return err
}

func (s cosStore) head(ctx context.Context, key string) (objectInfo, error) {
	resp, err := s.c.Object.Head(ctx, key, nil)
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return objectInfo{}, nil
		}
		return objectInfo{}, err
	}
	h := resp.Header
	size, _ := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	crc, _ := strconv.ParseUint(h.Get("x-cos-hash-crc64ecma"), 10, 64)
	return objectInfo{Found: true, Size: size, CRC64: crc, ETag: h.Get("ETag"), RequestID: h.Get("x-cos-request-id")}, nil
}

func (s cosStore) peek(ctx context.Context, key string) (objectInfo, error) {
	resp, err := s.c.Object.Get(ctx, key, &cos.ObjectGetOptions{Range: "bytes=0-0"})
	if resp != nil && resp.Body != nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<10))
		resp.Body.Close()
	}
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return objectInfo{}, nil
		}
		if resp == nil || resp.StatusCode != http.StatusRequestedRangeNotSatisfiable {
			return objectInfo{}, err
		}
		// An empty object has no byte 0: 416, its size in Content-Range.
	}
	h := resp.Header
	size, ok := rangeTotal(h.Get("Content-Range"))
	switch {
	case ok:
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		// Byte 0 is missing only from an empty object. The 416 may carry
		// no Content-Range (localcos sends none), and its Content-Length
		// is the error body's, not the object's.
		size = 0
	default:
		size, _ = strconv.ParseInt(h.Get("Content-Length"), 10, 64) // a server that ignored Range
	}
	crc, _ := strconv.ParseUint(h.Get("x-cos-hash-crc64ecma"), 10, 64)
	return objectInfo{Found: true, Size: size, CRC64: crc, ETag: h.Get("ETag"), RequestID: h.Get("x-cos-request-id")}, nil
}

// rangeTotal is the object's size in a Content-Range ("bytes 0-0/1234",
// "bytes */0"; https://www.rfc-editor.org/rfc/rfc9110#section-14.4).
func rangeTotal(v string) (int64, bool) {
	i := strings.LastIndexByte(v, '/')
	if !strings.HasPrefix(v, "bytes ") || i < 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(v[i+1:], 10, 64)
	return n, err == nil && n >= 0
}

func (s cosStore) listParts(ctx context.Context, key, uploadID string) (map[int]string, error) {
	listed := map[int]string{}
	marker := ""
	for range maxListPages {
		res, _, err := s.c.Object.ListParts(ctx, key, uploadID, &cos.ObjectListPartsOptions{MaxParts: "1000", PartNumberMarker: marker})
		if err != nil {
			return nil, err
		}
		for _, p := range res.Parts {
			listed[p.PartNumber] = p.ETag
		}
		if !res.IsTruncated || res.NextPartNumberMarker == "" || res.NextPartNumberMarker == marker {
			return listed, nil
		}
		marker = res.NextPartNumberMarker
	}
	return nil, errEndlessListing
}

func (s cosStore) listUploads(ctx context.Context, key string) ([]string, error) {
	var ids []string
	opt := &cos.ListMultipartUploadsOptions{Prefix: key, MaxUploads: 1000}
	for range maxListPages {
		res, _, err := s.c.Bucket.ListMultipartUploads(ctx, opt)
		if err != nil {
			return nil, err
		}
		for _, u := range res.Uploads {
			if u.Key == key {
				ids = append(ids, u.UploadID)
			}
		}
		if !res.IsTruncated || res.NextKeyMarker == "" && res.NextUploadIDMarker == "" ||
			res.NextKeyMarker == opt.KeyMarker && res.NextUploadIDMarker == opt.UploadIDMarker {
			return ids, nil // the last page, or one that points at itself (it would loop forever)
		}
		opt.KeyMarker, opt.UploadIDMarker = res.NextKeyMarker, res.NextUploadIDMarker
	}
	return nil, errEndlessListing
}

func (s cosStore) listOpen(ctx context.Context, prefix string) ([]Leftover, error) {
	var out []Leftover
	opt := &cos.ListMultipartUploadsOptions{Prefix: prefix, MaxUploads: 1000}
	for range maxListPages * 10 {
		res, _, err := s.c.Bucket.ListMultipartUploads(ctx, opt)
		if err != nil {
			return nil, err
		}
		for _, u := range res.Uploads {
			since, _ := time.Parse(time.RFC3339, u.Initiated)
			out = append(out, Leftover{UploadID: u.UploadID, Key: u.Key, Since: since})
		}
		if !res.IsTruncated || res.NextKeyMarker == "" && res.NextUploadIDMarker == "" ||
			res.NextKeyMarker == opt.KeyMarker && res.NextUploadIDMarker == opt.UploadIDMarker {
			return out, nil
		}
		opt.KeyMarker, opt.UploadIDMarker = res.NextKeyMarker, res.NextUploadIDMarker
	}
	return nil, errEndlessListing
}

func (s cosStore) delete(ctx context.Context, key string) (reply, error) {
	resp, err := s.c.Object.Delete(ctx, key)
	return replyOf(resp), err
}

// isNoSuchUpload reports COS saying it does not know the upload.
func isNoSuchUpload(err error) bool {
	er, ok := cosError(err)
	return ok && er.Code == "NoSuchUpload"
}

var errNoResult = errors.New("COS answered without a result")

// maxListPages bounds a listing: 10,000 parts (COS's most) are 10 pages of
// 1,000, and one key's open uploads are few. A server whose pages never end
// (fuzzing found a truncated page naming itself as the next one: the
// loop never returned) gets a bad-response error instead.
const maxListPages = 100

// errEndlessListing is a listing that did not end within maxListPages.
var errEndlessListing = &codedError{code: CodeBadResponse, party: PartyCOS, msg: "COS's listing did not end (every page said more follows)"}
