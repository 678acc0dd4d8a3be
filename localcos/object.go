package localcos

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Limits of https://cloud.tencent.com/document/product/436/14518.
const (
	maxPutSize = 5 << 30 // simple PUT/POST and one part
	// PUT Object (https://cloud.tencent.com/document/product/436/7749)
	// limits each x-cos-meta-* header (name and value) to 2 KB and all of
	// them together to 4 KB. (An older page gives 2 KB in all; localcos follows the
	// API document, so it is never stricter than COS.)
	maxMetaHeader = 2 << 10
	maxMetaSize   = 4 << 10
)

// storedHeaders are request headers kept with an object and returned by
// HEAD and GET.
var storedHeaders = []string{"Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires"}

// objectHeaders validates and collects what an upload request for key says
// about the object. The Content-Type is stored as sent, or inferred from
// the key (mime.go).
func objectHeaders(h http.Header, key string) (objectMeta, *apiError) {
	if aerr := checkUploadHeaders(h); aerr != nil {
		return objectMeta{}, aerr
	}
	m := objectMeta{ContentType: h.Get("Content-Type"), StorageClass: h.Get("x-cos-storage-class")}
	if m.ContentType == "" {
		m.ContentType = typeForKey(key)
	}
	for _, k := range storedHeaders {
		if v := h.Get(k); v != "" {
			if m.Headers == nil {
				m.Headers = map[string]string{}
			}
			m.Headers[k] = v
		}
	}
	size := 0
	for k, vs := range h {
		if strings.HasPrefix(strings.ToLower(k), "x-cos-meta-") {
			if m.Meta == nil {
				m.Meta = map[string][]string{}
			}
			m.Meta[k] = vs
			one := 0
			for _, v := range vs {
				one += len(k) + len(v)
			}
			if one > maxMetaHeader {
				return m, errMetadataTooLarge
			}
			size += one
		}
	}
	if size > maxMetaSize {
		return m, errMetadataTooLarge
	}
	return m, nil
}

// contentMD5 decodes a Content-MD5 header; nil when absent.
func contentMD5(h http.Header) ([]byte, *apiError) {
	v := h.Get("Content-MD5")
	if v == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) != md5.Size {
		return nil, errInvalidDigest
	}
	return b, nil
}

// checkLength enforces Content-Length presence and a size limit before any
// body byte is read.
func checkLength(q *request, max int64) *apiError {
	r := q.r
	if len(r.TransferEncoding) == 0 && r.Header.Get("Content-Length") == "" && r.ContentLength <= 0 {
		return errMissingLength
	}
	if r.ContentLength > max {
		return errEntityTooLarge
	}
	return nil
}

// readBody streams the body of an upload to a temporary file, enforcing max
// (for chunked bodies) and Content-MD5.
func (s *Server) readBody(q *request, body *bodyReader, max int64) (*received, error) {
	sum, aerr := contentMD5(q.r.Header)
	if aerr != nil {
		return nil, aerr
	}
	wantSHA1, aerr := sha1Header(q.r.Header)
	if aerr != nil {
		return nil, aerr
	}
	limit, aerr := trafficLimit(q.r.Header.Get("x-cos-traffic-limit"))
	if aerr != nil {
		return nil, aerr
	}
	body.limit(limit)
	var src io.Reader = io.LimitReader(body, max+1)
	sh := sha1.New()
	if wantSHA1 != "" {
		src = io.TeeReader(src, sh)
	}
	rc, err := s.store.receive(src)
	if err != nil {
		if q.reset {
			return nil, err
		}
		return nil, bodyError(err)
	}
	if rc.size > max {
		rc.discard()
		return nil, errEntityTooLarge
	}
	if sum != nil && !bytes.Equal(sum, rc.md5) {
		rc.discard()
		return nil, errBadDigest
	}
	if wantSHA1 != "" && hex.EncodeToString(sh.Sum(nil)) != wantSHA1 {
		rc.discard()
		return nil, errBadSHA1
	}
	return rc, nil
}

// bodyError turns a failed body read into what COS would answer; the client
// has usually gone away, so it rarely reaches anyone.
func bodyError(err error) error {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errIncompleteBody
	}
	return fmt.Errorf("read body: %w", err)
}

func (s *Server) putObject(q *request, body *bodyReader) error {
	if q.r.Header.Get("x-cos-copy-source") != "" {
		return errorf(http.StatusNotImplemented, "NotImplemented", "PUT Object - Copy is not supported by localcos.")
	}
	if err := checkLength(q, maxPutSize); err != nil {
		return err
	}
	m, aerr := objectHeaders(q.r.Header, q.key)
	if aerr != nil {
		return aerr
	}
	rc, err := s.readBody(q, body, maxPutSize)
	if err != nil {
		return err
	}
	m.Key, m.Size, m.ETag, m.CRC64, m.LastModified = q.key, rc.size, rc.etag(), rc.crc, q.now.UTC()
	// x-cos-forbid-overwrite on PUT (https://cloud.tencent.com/document/product/436/7749).
	if err := s.store.commitObject(rc, m, s.forbids(q.r.Header.Get("x-cos-forbid-overwrite"))); err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("ETag", m.ETag)
	h.Set("x-cos-hash-crc64ecma", strconv.FormatUint(m.CRC64, 10))
	h.Set("Content-Length", "0")
	q.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) deleteObject(q *request) error {
	// Deleting a missing key succeeds, as on COS and S3.
	if err := s.store.deleteObject(q.key); err != nil {
		return err
	}
	q.w.WriteHeader(http.StatusNoContent)
	return nil
}

// getObject serves GET and HEAD with conditionals, Range and response-*
// overrides, streaming from disk.
func (s *Server) getObject(q *request) error {
	f, m, err := s.store.openObject(q.key)
	if errors.Is(err, fs.ErrNotExist) {
		return errNoSuchKey
	}
	if err != nil {
		return err
	}
	defer f.Close()
	limit, aerr := trafficLimit(q.r.Header.Get("x-cos-traffic-limit"))
	if aerr != nil {
		return aerr
	}
	h := q.w.Header()
	setObjectHeaders(h, m)
	if code := conditional(q.r.Header, m); code != 0 {
		if code == http.StatusPreconditionFailed {
			return errPrecondition
		}
		for _, k := range []string{"Content-Type", "Content-Length", "Content-Disposition", "Content-Encoding"} {
			h.Del(k)
		}
		q.w.WriteHeader(code)
		return nil
	}
	for p, hk := range map[string]string{
		"response-content-type": "Content-Type", "response-content-language": "Content-Language",
		"response-expires": "Expires", "response-cache-control": "Cache-Control",
		"response-content-disposition": "Content-Disposition", "response-content-encoding": "Content-Encoding",
	} {
		if v := q.param(p); v != "" {
			h.Set(hk, v)
		}
	}
	start, n, status := int64(0), m.Size, http.StatusOK
	if rg := q.r.Header.Get("Range"); rg != "" {
		var ok bool
		start, n, ok = parseRange(rg, m.Size)
		if !ok {
			h.Set("Content-Range", fmt.Sprintf("bytes */%d", m.Size))
			return errInvalidRange
		}
		if n >= 0 {
			status = http.StatusPartialContent
			h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, start+n-1, m.Size))
		} else {
			start, n = 0, m.Size // a range we ignore: the whole object
		}
	}
	h.Set("Content-Length", strconv.FormatInt(n, 10))
	q.w.WriteHeader(status)
	if q.r.Method == http.MethodHead {
		return nil
	}
	var src io.Reader = io.NewSectionReader(f, start, n)
	src = newThrottled(q.r.Context(), src, s.faults.bandwidthLimiter(), limiterFor(limit))
	if q.act.resetAt >= 0 && q.act.resetAt < n {
		// A Reset fault on GET cuts the response body part-way.
		io.Copy(q.w, io.LimitReader(src, q.act.resetAt))
		http.NewResponseController(q.w).Flush()
		q.reset = true
		return nil
	}
	_, err = io.Copy(q.w, src)
	if err != nil {
		s.logf("GetObject %s: %v", q.key, err)
	}
	return nil
}

func setObjectHeaders(h http.Header, m objectMeta) {
	h.Set("Content-Type", m.ContentType)
	h.Set("Content-Length", strconv.FormatInt(m.Size, 10))
	h.Set("ETag", m.ETag)
	h.Set("Last-Modified", m.LastModified.UTC().Format(http.TimeFormat))
	h.Set("Accept-Ranges", "bytes")
	h.Set("x-cos-hash-crc64ecma", strconv.FormatUint(m.CRC64, 10))
	if m.StorageClass != "" && !strings.EqualFold(m.StorageClass, "STANDARD") {
		h.Set("x-cos-storage-class", m.StorageClass)
	}
	for k, v := range m.Headers {
		h.Set(k, v)
	}
	for k, vs := range m.Meta {
		h[k] = vs
	}
}

// conditional evaluates If-* headers: 0 to proceed, 304 or 412 otherwise.
func conditional(h http.Header, m objectMeta) int {
	mod := m.LastModified.Truncate(time.Second)
	if v := h.Get("If-Match"); v != "" {
		if !etagMatch(v, m.ETag) {
			return http.StatusPreconditionFailed
		}
	} else if v := h.Get("If-Unmodified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && mod.After(t) {
			return http.StatusPreconditionFailed
		}
	}
	if v := h.Get("If-None-Match"); v != "" {
		if etagMatch(v, m.ETag) {
			return http.StatusNotModified
		}
	} else if v := h.Get("If-Modified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && !mod.After(t) {
			return http.StatusNotModified
		}
	}
	return 0
}

func etagMatch(list, etag string) bool {
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimPrefix(strings.TrimSpace(e), "W/")
		if e == "*" || e == etag || `"`+e+`"` == etag {
			return true
		}
	}
	return false
}

// parseRange reads a single "bytes=a-b", "bytes=a-" or "bytes=-n". n < 0
// means the header is to be ignored (several ranges: like S3, the whole
// object is sent); ok is false for an unsatisfiable range.
func parseRange(v string, size int64) (start, n int64, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(v), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, -1, true
	}
	a, b, found := strings.Cut(spec, "-")
	if !found {
		return 0, -1, true
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == "" {
		suffix, err := strconv.ParseInt(b, 10, 64)
		if err != nil || suffix < 0 {
			return 0, -1, true
		}
		if suffix == 0 || size == 0 {
			return 0, 0, false
		}
		suffix = min(suffix, size)
		return size - suffix, suffix, true
	}
	first, err := strconv.ParseInt(a, 10, 64)
	if err != nil || first < 0 {
		return 0, -1, true
	}
	if first >= size {
		return 0, 0, false
	}
	last := size - 1
	if b != "" {
		l, err := strconv.ParseInt(b, 10, 64)
		if err != nil || l < first {
			return 0, -1, true
		}
		last = min(l, size-1)
	}
	return first, last - first + 1, true
}
