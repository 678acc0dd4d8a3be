package auth

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"hash"
	"hash/crc64"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// MaxSingleUpload is the most COS accepts in one PUT or POST request
// (5 GB; reference §2.10).
const MaxSingleUpload int64 = 5 << 30

// ErrTooLarge is matched (errors.Is) when a file is too big for a
// server-signed upload, which is always a single request.
var ErrTooLarge = errors.New("file too large for a single upload")

// CheckSingleUpload returns the plain-words refusal (matching ErrTooLarge)
// when size bytes cannot go up in one request, else nil. The uploader's
// server-signed mode calls it before asking the signing server for anything,
// so both server-signed paths refuse with the same words.
func CheckSingleUpload(size int64) error {
	if size > MaxSingleUpload {
		return tooLarge(size)
	}
	return nil
}

// tooLarge is the plain-words refusal, with the way out.
func tooLarge(size int64) error {
	return fmt.Errorf("%w: the file is %.2f GB and a server-signed profile uploads each file in one request, which COS limits to 5 GB; ask your administrator for an STS profile (which uploads in parts) or split the file", ErrTooLarge, float64(size)/(1<<30))
}

// UploadMethod picks the server-signed flavour.
type UploadMethod int

// The server-signed flavours: PUT with put-sign, POST form with post-policy.
const (
	MethodPut UploadMethod = iota
	MethodPost
)

// UploadResult describes an object written by a server-signed upload.
type UploadResult struct {
	Key       string // chosen by the signing server
	Size      int64
	ETag      string
	CRC64     uint64 // verified against the bytes sent when COS returns it
	RequestID string
}

// Progress receives the number of bytes sent so far. It is called from the
// uploading goroutine after every read of the body and must be cheap.
type Progress func(sent int64)

// uploadClient sends the file itself: no overall timeout (a large file on a
// slow line takes hours); the context cancels it.
var uploadClient = &http.Client{}

// UploadFile uploads the file at path in one request signed by s. It
// refuses files over 5 GB before asking the server for anything, and names
// the object after the extension of the local name (the server picks the
// rest of the key).
func (s *SignServer) UploadFile(ctx context.Context, path string, method UploadMethod, progress Progress) (UploadResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return UploadResult{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return UploadResult{}, err
	}
	if !st.Mode().IsRegular() {
		return UploadResult{}, fmt.Errorf("%s is not a regular file", path)
	}
	if st.Size() > MaxSingleUpload {
		return UploadResult{}, tooLarge(st.Size())
	}
	ext := strings.TrimPrefix(filepath.Ext(path), ".")
	switch method {
	case MethodPost:
		pp, err := s.PostPolicy(ctx, ext)
		if err != nil {
			return UploadResult{}, err
		}
		return s.Post(ctx, pp, filepath.Base(path), f, st.Size(), progress)
	default:
		sp, err := s.PutSign(ctx, ext)
		if err != nil {
			return UploadResult{}, err
		}
		return s.Put(ctx, sp, f, st.Size(), progress)
	}
}

// Put sends size bytes of body to sp.Host/sp.Key with the server's
// signature, reporting progress, and checks the CRC64 COS returns against
// the bytes sent.
func (s *SignServer) Put(ctx context.Context, sp SignedPut, body io.Reader, size int64, progress Progress) (UploadResult, error) {
	if size > MaxSingleUpload {
		return UploadResult{}, tooLarge(size)
	}
	u, err := cosURL(sp.Host, sp.Key)
	if err != nil {
		return UploadResult{}, err
	}
	cr := newCountingReader(body, progress)
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.String(), cr)
	if err != nil {
		return UploadResult{}, err
	}
	req.ContentLength = size
	if size == 0 {
		req.Body = http.NoBody
	}
	req.Header.Set("Authorization", sp.Authorization)
	if sp.SecurityToken != "" {
		req.Header.Set("x-cos-security-token", sp.SecurityToken)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	return s.send(req, sp.Key, size, cr)
}

// Post sends body as the file field of a POST Object form (reference §1.5):
// the signature fields first, the file last. filename is the local name
// (any Unicode); the Content-Length is computed up front, so no chunked
// encoding is needed.
func (s *SignServer) Post(ctx context.Context, pp SignedPost, filename string, body io.Reader, size int64, progress Progress) (UploadResult, error) {
	if size > MaxSingleUpload {
		return UploadResult{}, tooLarge(size)
	}
	u, err := cosURL(pp.Host, "")
	if err != nil {
		return UploadResult{}, err
	}
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	fields := [][2]string{
		{"key", pp.Key},
		{"policy", pp.Policy},
		{"q-sign-algorithm", pp.SignAlgorithm},
		{"q-ak", pp.AccessKey},
		{"q-key-time", pp.KeyTime},
		{"q-signature", pp.Signature},
	}
	if pp.SecurityToken != "" {
		fields = append(fields, [2]string{"x-cos-security-token", pp.SecurityToken})
	}
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return UploadResult{}, err
		}
	}
	ctype := mime.TypeByExtension(filepath.Ext(filename))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, quoteFormName(filename)))
	h.Set("Content-Type", ctype)
	if _, err := mw.CreatePart(h); err != nil {
		return UploadResult{}, err
	}
	n := head.Len()
	if err := mw.Close(); err != nil {
		return UploadResult{}, err
	}
	tail := bytes.Clone(head.Bytes()[n:])
	head.Truncate(n)

	cr := newCountingReader(body, progress)
	all := io.MultiReader(&head, io.LimitReader(cr, size), bytes.NewReader(tail))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), all)
	if err != nil {
		return UploadResult{}, err
	}
	req.ContentLength = int64(n) + size + int64(len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return s.send(req, pp.Key, size, cr)
}

// quoteFormName escapes a file name for a Content-Disposition parameter
// the way browsers do: quotes and backslashes escaped, line breaks removed,
// UTF-8 left as is.
func quoteFormName(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", "").Replace(s)
}

// send performs an upload request and turns the answer into a result or a
// COS error (with the request ID).
func (s *SignServer) send(req *http.Request, key string, size int64, cr *countingReader) (UploadResult, error) {
	resp, err := uploadClient.Do(req)
	if err != nil {
		return UploadResult{}, fmt.Errorf("upload %s: %s", key, Redact(unwrapURLError(err).Error()))
	}
	defer resp.Body.Close()
	if err := cosError(resp); err != nil {
		return UploadResult{}, fmt.Errorf("upload %s: %w", key, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if cr.n != size {
		return UploadResult{}, fmt.Errorf("upload %s: sent %d bytes, expected %d: the file changed while uploading", key, cr.n, size)
	}
	res := UploadResult{Key: key, Size: size, ETag: resp.Header.Get("ETag"), RequestID: resp.Header.Get("x-cos-request-id"), CRC64: cr.crc.Sum64()}
	if v := resp.Header.Get("x-cos-hash-crc64ecma"); v != "" {
		got, err := strconv.ParseUint(v, 10, 64)
		if err != nil || got != res.CRC64 {
			return res, fmt.Errorf("upload %s: COS stored CRC64 %s but the bytes sent have %d: the data was corrupted in transit; upload it again (request %s)", key, v, res.CRC64, res.RequestID)
		}
	}
	return res, nil
}

// countingReader reports progress and computes the CRC64 of what was read.
type countingReader struct {
	r        io.Reader
	n        int64
	crc      hash.Hash64
	progress Progress
}

var crcTable = crc64.MakeTable(crc64.ECMA)

func newCountingReader(r io.Reader, p Progress) *countingReader {
	return &countingReader{r: r, crc: crc64.New(crcTable), progress: p}
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.crc.Write(p[:n])
		c.n += int64(n)
		if c.progress != nil {
			c.progress(c.n)
		}
	}
	return n, err
}

// cosError returns nil for a 2xx response and otherwise the SDK's own
// error type filled from the <Error> body, so callers handle server-signed
// and SDK failures alike (cos.IsCOSError, errors.As).
func cosError(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	e := &cos.ErrorResponse{Response: resp}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	xml.Unmarshal(b, e)
	if e.Code == "" {
		e.Code = strconv.Itoa(resp.StatusCode)
		e.Message = serverMessage(b)
	}
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get("x-cos-request-id")
	}
	return e
}
