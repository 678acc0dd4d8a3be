package localcos

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Multipart state lives in uploads/<uploadId>/: upload.json describes the
// upload, part-NNNNN files hold the parts with the same footer as objects.

// Multipart limits (https://cloud.tencent.com/document/product/436/14518).
const (
	maxParts    = 10000
	minPartSize = 1 << 20
)

type uploadInfo struct {
	Key       string     `json:"key"`
	UploadID  string     `json:"uploadId"`
	Initiated time.Time  `json:"initiated"`
	Meta      objectMeta `json:"meta"` // headers given at Initiate
}

var (
	idMu   sync.Mutex
	lastID int64
)

// newUploadID returns lowercase hex starting with the time in nanoseconds,
// so sorting by id sorts by initiation (the SDK resumes the last one).
func newUploadID(now time.Time) string {
	idMu.Lock()
	t := now.UnixNano()
	if t <= lastID {
		t = lastID + 1
	}
	lastID = t
	idMu.Unlock()
	return fmt.Sprintf("%016x%s", t, strings.ToLower(randomHex(16)))
}

func randomHex(n int) string {
	const digits = "0123456789abcdef"
	b := []byte(randomAlnum(n))
	for i := range b {
		b[i] = digits[int(b[i])%16]
	}
	return string(b)
}

func validUploadID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

func (st *store) readUpload(id string) (uploadInfo, error) {
	var u uploadInfo
	if !validUploadID(id) {
		return u, errNoSuchUpload
	}
	b, err := os.ReadFile(filepath.Join(st.uploadDir(id), "upload.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return u, errNoSuchUpload
	}
	if err != nil {
		return u, err
	}
	if err := json.Unmarshal(b, &u); err != nil {
		return u, fmt.Errorf("upload %s: %w", id, err)
	}
	return u, nil
}

// upload returns the upload id of q, checking it exists and belongs to q.key.
func (s *Server) upload(q *request) (uploadInfo, error) {
	u, err := s.store.readUpload(q.param("uploadId"))
	if err != nil {
		return u, err
	}
	if u.Key != q.key {
		return u, errNoSuchUpload
	}
	return u, nil
}

func (s *Server) initiateUpload(q *request) error {
	m, aerr := objectHeaders(q.r.Header, q.key)
	if aerr != nil {
		return aerr
	}
	// x-cos-forbid-overwrite on Initiate (doc 436/7746; apache/opendal#8043:
	// "Tencent documents x-cos-forbid-overwrite as a supported header on
	// InitiateMultipartUpload"): refused at once when the key exists.
	if s.forbids(q.r.Header.Get("x-cos-forbid-overwrite")) && s.store.exists(q.key) {
		return errFileExists
	}
	u := uploadInfo{Key: q.key, UploadID: newUploadID(q.now), Initiated: q.now.UTC(), Meta: m}
	b, err := json.Marshal(u)
	if err != nil {
		return err
	}
	// Write upload.json in a temporary directory, then rename the directory:
	// an upload is either fully there or absent.
	tmp, err := os.MkdirTemp(s.store.tmpDir(), "upload-*")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "upload.json"), b, 0o644); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Rename(tmp, s.store.uploadDir(u.UploadID)); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return q.writeXML(initiateResult{Bucket: q.bucket, Key: q.key, UploadID: u.UploadID})
}

func partPath(dir string, n int) string { return filepath.Join(dir, fmt.Sprintf("part-%05d", n)) }

func (s *Server) uploadPart(q *request, body *bodyReader) error {
	n, err := strconv.Atoi(q.param("partNumber"))
	if err != nil || n < 1 || n > maxParts {
		return errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive.")
	}
	u, err := s.upload(q)
	if err != nil {
		return err
	}
	if err := checkLength(q, maxPutSize); err != nil {
		return err
	}
	rc, err := s.readBody(q, body, maxPutSize)
	if err != nil {
		return err
	}
	defer rc.discard()
	m := objectMeta{Key: u.Key, Size: rc.size, ETag: rc.etag(), CRC64: rc.crc, LastModified: q.now.UTC()}
	if err := rc.seal(m); err != nil {
		return err
	}
	unlock := s.store.lockUpload(u.UploadID)
	defer unlock()
	// The upload may have been aborted or completed while the body streamed.
	dir := s.store.uploadDir(u.UploadID)
	if _, err := os.Stat(dir); err != nil {
		return errNoSuchUpload
	}
	if err := os.Rename(rc.f.Name(), partPath(dir, n)); err != nil {
		return err
	}
	rc.f = nil
	h := q.w.Header()
	h.Set("ETag", m.ETag)
	h.Set("x-cos-hash-crc64ecma", strconv.FormatUint(m.CRC64, 10))
	h.Set("Content-Length", "0")
	q.w.WriteHeader(http.StatusOK)
	return nil
}

type partInfo struct {
	Number int
	objectMeta
}

// parts lists the stored parts of an upload in part-number order.
func (st *store) parts(id string) ([]partInfo, error) {
	dir := st.uploadDir(id)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoSuchUpload
	}
	if err != nil {
		return nil, err
	}
	var out []partInfo
	for _, e := range entries {
		num, ok := strings.CutPrefix(e.Name(), "part-")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil {
			continue
		}
		m, err := readFooterAt(filepath.Join(dir, e.Name()))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // replaced while listing
			}
			return nil, err
		}
		out = append(out, partInfo{Number: n, objectMeta: m})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

func readFooterAt(path string) (objectMeta, error) {
	f, err := os.Open(path)
	if err != nil {
		return objectMeta{}, err
	}
	defer f.Close()
	return readFooter(f)
}

func (s *Server) listParts(q *request) error {
	u, err := s.upload(q)
	if err != nil {
		return err
	}
	maxN, aerr := intParam(q, "max-parts", 1000, 1, 1000)
	if aerr != nil {
		return aerr
	}
	marker, aerr := intParam(q, "part-number-marker", 0, 0, maxParts)
	if aerr != nil {
		return aerr
	}
	parts, err := s.store.parts(u.UploadID)
	if err != nil {
		return err
	}
	enc := q.param("encoding-type") == "url"
	res := listPartsResult{Bucket: q.bucket, Key: encodeKey(u.Key, enc), UploadID: u.UploadID,
		Owner: bucketOwner(q.bucket), Initiator: initiator(q.bucket), PartNumberMarker: marker,
		StorageClass: storageClass(u.Meta.StorageClass), MaxParts: maxN}
	if enc {
		res.EncodingType = "url"
	}
	for _, p := range parts {
		if p.Number <= marker {
			continue
		}
		if len(res.Parts) == maxN {
			res.IsTruncated = true
			break
		}
		res.Parts = append(res.Parts, xmlPart{PartNumber: p.Number, LastModified: isoTime(p.LastModified), ETag: p.ETag, Size: p.Size})
		res.NextPartNumberMarker = p.Number
	}
	return q.writeXML(res)
}

func storageClass(c string) string {
	if c == "" {
		return "STANDARD"
	}
	return strings.ToUpper(c)
}

// intParam reads an integer query parameter within [lo, hi].
func intParam(q *request, name string, def, lo, hi int) (int, *apiError) {
	v := q.param(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo {
		return 0, errInvalidArgument("Invalid " + name + ".")
	}
	return min(n, hi), nil
}

func (s *Server) abortUpload(q *request) error {
	u, err := s.upload(q)
	if err != nil {
		return err
	}
	unlock := s.store.lockUpload(u.UploadID)
	defer unlock()
	if err := s.store.removeUpload(u.UploadID); err != nil {
		return err
	}
	q.w.WriteHeader(http.StatusNoContent)
	return nil
}

// removeUpload makes an upload disappear at once (a rename), then deletes
// its parts.
func (st *store) removeUpload(id string) error {
	gone, err := os.MkdirTemp(st.tmpDir(), "gone-*")
	if err != nil {
		return err
	}
	target := filepath.Join(gone, "u")
	if err := os.Rename(st.uploadDir(id), target); err != nil {
		os.RemoveAll(gone)
		if errors.Is(err, fs.ErrNotExist) {
			return errNoSuchUpload
		}
		return err
	}
	return os.RemoveAll(gone)
}

// completeUpload validates the part list, then, as COS does (doc 436/7742:
// COS answers 200 with Transfer-Encoding: chunked at once and sends spaces
// while it merges; the result, or an <Error>, comes in the last chunk),
// commits to 200 and a first space before assembling, and publishes the
// object atomically. An error after that point travels in the 200 body.
func (s *Server) completeUpload(q *request, body *bodyReader, act faultAction) error {
	u, err := s.upload(q)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(io.LimitReader(body, 4<<20))
	if err != nil {
		if q.reset {
			return err
		}
		return bodyError(err)
	}
	var req completeRequest
	if err := xml.Unmarshal(raw, &req); err != nil || len(req.Parts) == 0 {
		return errMalformedXML
	}
	noOverwrite := s.forbids(q.r.Header.Get("x-cos-forbid-overwrite"))
	unlock := s.store.lockUpload(u.UploadID)
	defer unlock()
	stored, err := s.store.parts(u.UploadID)
	if err != nil {
		return err
	}
	use, aerr := checkCompleteParts(req, stored)
	if aerr != nil {
		return aerr
	}
	// x-cos-forbid-overwrite on Complete (https://cloud.tencent.com/document/product/436/7749;
	// https://github.com/apache/opendal/issues/8043):
	// refused before the 200 when the key exists already; a writer that
	// wins meanwhile is caught by the commit (an <Error> in the 200).
	if noOverwrite && s.store.exists(u.Key) {
		return errFileExists
	}
	if act.completeError {
		return s.completeErrorBody(q)
	}
	m := u.Meta
	m.Key, m.Parts, m.LastModified = u.Key, len(use), q.now.UTC()
	m.ETag, m.CRC64 = multipartETag(use), combinedCRC(use)
	for _, p := range use {
		m.Size += p.Size
	}
	err = s.assembleAnswering(q, u, use, m, noOverwrite)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			s.logf("complete %s: %v", u.Key, err)
			ae = errInternal
		}
		// Too late for a status: the error goes in the 200 body.
		return s.writeEmbeddedError(q, ae)
	}
	if act.completeDrop {
		q.reset = true
		return nil
	}
	res := completeResult{XMLNS: "http://www.qcloud.com/document/product/436/7751",
		Location: q.scheme() + "://" + q.r.Host + "/" + escapePath(u.Key), Bucket: q.bucket, Key: u.Key, ETag: m.ETag}
	out, _ := xml.Marshal(res)
	q.w.Write(append([]byte(xml.Header), quoteEntities(out)...))
	return nil
}

// assembleAnswering commits the Complete's answer to 200 with a first
// space, then joins the parts while sending a space every
// completeKeepAlive, as COS does while it merges; it returns the join's
// error, which can then only travel in the 200 body.
func (s *Server) assembleAnswering(q *request, u uploadInfo, use []partInfo, m objectMeta, noOverwrite bool) error {
	h := q.w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("x-cos-hash-crc64ecma", strconv.FormatUint(m.CRC64, 10))
	h.Del("Content-Length")
	q.w.WriteHeader(http.StatusOK)
	q.w.Write([]byte(" "))
	http.NewResponseController(q.w).Flush()
	if afterCompleteHeader != nil {
		afterCompleteHeader(u.Key)
	}
	done := make(chan error, 1)
	go func() { done <- s.assemble(u.UploadID, use, m, noOverwrite) }()
	tick := time.NewTicker(completeKeepAlive)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			q.w.Write([]byte(" "))
			http.NewResponseController(q.w).Flush()
		}
	}
}

// checkCompleteParts matches a Complete's part list with the stored parts
// (doc 436/7742 and the error table of 436/7730): numbers must ascend
// (else InvalidPartOrder) and run 1, 2, 3... without a gap (InvalidPart:
// "当上传块编号不连续的时候"; UNVERIFIED that a list must start at 1, which
// every SDK's list does); each part must exist with its ETag (InvalidPart);
// every part but the last must be at least 1 MB (EntityTooSmall).
func checkCompleteParts(req completeRequest, stored []partInfo) ([]partInfo, *apiError) {
	byNum := make(map[int]partInfo, len(stored))
	for _, p := range stored {
		byNum[p.Number] = p
	}
	for i, p := range req.Parts {
		if i > 0 && p.PartNumber <= req.Parts[i-1].PartNumber {
			return nil, errInvalidPartOrder
		}
	}
	use := make([]partInfo, 0, len(req.Parts))
	for i, p := range req.Parts {
		if p.PartNumber != i+1 {
			return nil, errInvalidPart
		}
		sp, ok := byNum[p.PartNumber]
		if !ok || strings.Trim(p.ETag, `"`) != strings.Trim(sp.ETag, `"`) {
			return nil, errInvalidPart
		}
		use = append(use, sp)
	}
	for _, p := range use[:len(use)-1] {
		if p.Size < minPartSize {
			return nil, errEntityTooSmall
		}
	}
	return use, nil
}

// afterCompleteHeader, when set by a test, runs after Complete has sent its
// 200 and before it assembles: the window in which another writer can win.
var afterCompleteHeader func(key string)

// completeKeepAlive is the interval between the spaces Complete sends
// while it assembles.
var completeKeepAlive = time.Second

// completeErrorBody is the CompleteError fault: 200, a chunk of spaces,
// then an <Error> document; nothing is completed.
func (s *Server) completeErrorBody(q *request) error {
	h := q.w.Header()
	h.Set("Content-Type", "application/xml")
	h.Del("Content-Length")
	q.w.WriteHeader(http.StatusOK)
	q.w.Write([]byte("  "))
	http.NewResponseController(q.w).Flush()
	return s.writeEmbeddedError(q, errInternal)
}

func (s *Server) writeEmbeddedError(q *request, ae *apiError) error {
	out, _ := xml.Marshal(errorBody{Code: ae.Code, Message: ae.Message, Resource: q.resource(), RequestID: q.id, TraceID: q.id})
	q.w.Write(append([]byte(xml.Header), out...))
	return nil
}

// assemble publishes the parts as one object: by hard links and a manifest
// (commitMultipart), or, on a file system without hard links, by copying
// the parts into one object file. Either way it then removes the upload.
func (s *Server) assemble(id string, parts []partInfo, m objectMeta, noOverwrite bool) error {
	err := s.store.commitMultipart(id, parts, m, noOverwrite)
	var le *os.LinkError
	if !errors.As(err, &le) {
		return err
	}
	f, err := os.CreateTemp(s.store.tmpDir(), "complete-*")
	if err != nil {
		return err
	}
	rc := &received{f: f}
	defer rc.discard()
	dir := s.store.uploadDir(id)
	for _, p := range parts {
		if err := appendPart(f, partPath(dir, p.Number), p.Size); err != nil {
			return fmt.Errorf("part %d: %w", p.Number, err)
		}
	}
	if err := s.store.commitObject(rc, m, noOverwrite); err != nil {
		return err
	}
	return s.store.removeUpload(id)
}

func appendPart(dst *os.File, path string, size int64) error {
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	// io.Copy between files uses copy_file_range where the kernel has it.
	n, err := io.Copy(dst, io.LimitReader(src, size))
	if err == nil && n != size {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// multipartETag is an opaque "<32 hex>-N": COS's is not the S3 formula
// (https://cloud.tencent.com/document/product/436/7742), so clients must not rely on it; we use md5 of the part
// ETags for determinism.
func multipartETag(parts []partInfo) string {
	var sb strings.Builder
	for _, p := range parts {
		sb.WriteString(p.ETag)
	}
	return fmt.Sprintf(`"%s-%d"`, md5Hex(sb.String()), len(parts))
}

func combinedCRC(parts []partInfo) uint64 {
	var crc uint64
	for i, p := range parts {
		if i == 0 {
			crc = p.CRC64
			continue
		}
		crc = crc64Combine(crc, p.CRC64, p.Size)
	}
	return crc
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// listUploads answers List Multipart Uploads, sorted by key then upload id
// (which starts with the initiation time), so the newest upload of a key
// comes last as the SDK's resume expects.
func (s *Server) listUploads(q *request) error {
	maxN, aerr := intParam(q, "max-uploads", 1000, 1, 1000)
	if aerr != nil {
		return aerr
	}
	prefix, delim := q.param("prefix"), q.param("delimiter")
	keyMarker, idMarker := q.param("key-marker"), q.param("upload-id-marker")
	enc := q.param("encoding-type") == "url"
	entries, err := os.ReadDir(filepath.Join(s.store.root, "uploads"))
	if err != nil {
		return err
	}
	var ups []uploadInfo
	for _, e := range entries {
		u, err := s.store.readUpload(e.Name())
		if err != nil {
			continue // removed while listing
		}
		if strings.HasPrefix(u.Key, prefix) {
			ups = append(ups, u)
		}
	}
	sort.Slice(ups, func(i, j int) bool {
		if ups[i].Key != ups[j].Key {
			return ups[i].Key < ups[j].Key
		}
		return ups[i].UploadID < ups[j].UploadID
	})
	res := listUploadsResult{Bucket: q.bucket, KeyMarker: keyMarker, UploadIDMarker: idMarker,
		MaxUploads: maxN, Prefix: encodeKey(prefix, enc), Delimiter: encodeKey(delim, enc)}
	if enc {
		res.EncodingType = "url"
	}
	seenPrefix := map[string]bool{}
	count := 0
	for _, u := range ups {
		if keyMarker != "" {
			if u.Key < keyMarker || u.Key == keyMarker && (idMarker == "" || u.UploadID <= idMarker) {
				continue
			}
		}
		if delim != "" {
			if i := strings.Index(u.Key[len(prefix):], delim); i >= 0 {
				cp := u.Key[:len(prefix)+i+len(delim)]
				// A key marker that is a common prefix (the last page
				// ended on it) skips every key under it, as S3's
				// ListMultipartUploads does; otherwise the next page
				// would answer the same prefix again, for ever.
				if seenPrefix[cp] || cp == keyMarker {
					continue
				}
				if count == maxN {
					res.IsTruncated = true
					break
				}
				seenPrefix[cp] = true
				res.CommonPrefixes = append(res.CommonPrefixes, xmlPrefix{encodeKey(cp, enc)})
				res.NextKeyMarker, res.NextUploadIDMarker = cp, ""
				count++
				continue
			}
		}
		if count == maxN {
			res.IsTruncated = true
			break
		}
		res.Uploads = append(res.Uploads, xmlUpload{Key: encodeKey(u.Key, enc), UploadID: u.UploadID,
			StorageClass: storageClass(u.Meta.StorageClass), Initiator: initiator(q.bucket),
			Owner: bucketOwner(q.bucket), Initiated: isoTime(u.Initiated)})
		res.NextKeyMarker, res.NextUploadIDMarker = u.Key, u.UploadID
		count++
	}
	if !res.IsTruncated {
		res.NextKeyMarker, res.NextUploadIDMarker = "", ""
	} else {
		res.NextKeyMarker = encodeKey(res.NextKeyMarker, enc)
	}
	return q.writeXML(res)
}

// encodeKey applies encoding-type=url: every byte outside the unreserved
// set except '/' is percent-encoded (so '+' is %2B, space %20), S3-style.
func encodeKey(k string, enc bool) string {
	if !enc {
		return k
	}
	return strings.ReplaceAll(safeURLEncode(k), "%2F", "/")
}
