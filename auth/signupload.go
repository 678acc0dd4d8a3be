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
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/contenttype"
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
	return &Error{Message: msg(CodeFileTooLarge, "GB", fmt.Sprintf("%.2f", float64(size)/(1<<30))), Err: ErrTooLarge}
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

// SignedUpload is one signed upload of one file: a PUT or a POST form,
// whichever the signing server offers, with the file's Content-Type.
type SignedUpload struct {
	Method      UploadMethod
	Key         string // chosen by the signing server
	ContentType string // from the file name (cosdrop/contenttype)
	Filename    string // the local base name, for the POST file part
	Put         SignedPut
	Post        SignedPost
}

// Sign asks the signing server for one upload of the file called name
// (its extension goes to the server; its Content-Type comes from
// contenttype.ForName) of size bytes. It uses put-sign, or post-policy
// when the profile says so or the server has no put-sign. When a POST
// policy limits the size or the type and the file breaks that limit, Sign
// returns a definitive ServerError (KindTooBig, KindTypeRefused) before
// any byte is sent.
func (s *SignServer) Sign(ctx context.Context, name string, size int64) (SignedUpload, error) {
	if err := CheckSingleUpload(size); err != nil {
		return SignedUpload{}, err
	}
	base := filepath.Base(name)
	up := SignedUpload{ContentType: contenttype.ForName(base), Filename: base}
	ext := strings.TrimPrefix(filepath.Ext(base), ".")
	method := s.method
	if method == SignAuto && s.postOnly.Load() {
		method = SignPost
	}
	if method != SignPost {
		sp, err := s.PutSign(ctx, ext)
		if err == nil {
			sp.ContentType = up.ContentType
			up.Method, up.Key, up.Put = MethodPut, sp.Key, sp
			return up, nil
		}
		if method == SignPut || s.postURL == "" || !notOffered(err) {
			return SignedUpload{}, err
		}
		s.postOnly.Store(true)
	}
	pp, err := s.PostPolicy(ctx, ext)
	if err != nil {
		return SignedUpload{}, err
	}
	if lim, ok := pp.Limits(); ok {
		if err := lim.Check(size, up.ContentType); err != nil {
			se, _ := AsServerError(err)
			se.Host = hostOf(s.postURL)
			return SignedUpload{}, se
		}
	}
	pp.ContentType = up.ContentType
	up.Method, up.Key, up.Post = MethodPost, pp.Key, pp
	return up, nil
}

// NewRequest builds the request that sends size bytes of body as this
// upload: the signed PUT (Authorization, the token as a header or, when
// the signature lists it, as a query parameter, Content-Type) or the POST
// form (signature fields, Content-Type field, the file last). body is read
// exactly once; wrap it to count progress or compute a CRC64.
func (u SignedUpload) NewRequest(ctx context.Context, body io.Reader, size int64) (*http.Request, error) {
	if u.Method == MethodPost {
		return newPostRequest(ctx, u.Post, u.Filename, body, size)
	}
	return newPutRequest(ctx, u.Put, body, size)
}

// UploadFile uploads the file at path in one request signed by s. It
// refuses files over 5 GB before asking the server for anything, and names
// the object after the extension of the local name (the server picks the
// rest of the key). method MethodPost forces a POST form; MethodPut lets
// the server's offer decide (see Sign).
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
		return UploadResult{}, &Error{Message: msg(CodeNotRegular, "Path", path)}
	}
	if method == MethodPost && s.method == SignAuto {
		s.postOnly.Store(true)
	}
	up, err := s.Sign(ctx, path, st.Size())
	if err != nil {
		return UploadResult{}, err
	}
	cr := newCountingReader(f, progress)
	req, err := up.NewRequest(ctx, cr, st.Size())
	if err != nil {
		return UploadResult{}, err
	}
	return s.send(req, up.Key, st.Size(), cr)
}

// Put sends size bytes of body to sp.Host/sp.Key with the server's
// signature, reporting progress, and checks the CRC64 COS returns against
// the bytes sent.
func (s *SignServer) Put(ctx context.Context, sp SignedPut, body io.Reader, size int64, progress Progress) (UploadResult, error) {
	if size > MaxSingleUpload {
		return UploadResult{}, tooLarge(size)
	}
	cr := newCountingReader(body, progress)
	req, err := newPutRequest(ctx, sp, cr, size)
	if err != nil {
		return UploadResult{}, err
	}
	return s.send(req, sp.Key, size, cr)
}

// newPutRequest builds the signed PUT of size bytes of body.
func newPutRequest(ctx context.Context, sp SignedPut, body io.Reader, size int64) (*http.Request, error) {
	u, err := cosURL(sp.Host, sp.Key)
	if err != nil {
		return nil, err
	}
	if sp.TokenInQuery {
		u.RawQuery = "x-cos-security-token=" + url.QueryEscape(sp.SecurityToken)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.String(), body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = size
	if size == 0 {
		req.Body = http.NoBody
	}
	req.Header.Set("Authorization", sp.Authorization)
	if sp.SecurityToken != "" && !sp.TokenInQuery {
		req.Header.Set("x-cos-security-token", sp.SecurityToken)
	}
	ctype := sp.ContentType
	if ctype == "" {
		ctype = contenttype.Default
	}
	req.Header.Set("Content-Type", ctype)
	for k, vs := range sp.Extra {
		req.Header[k] = vs
	}
	return req, nil
}

// Post sends body as the file field of a POST Object form (reference §1.5):
// the signature fields first, the file last. filename is the local name
// (any Unicode); the Content-Length is computed up front, so no chunked
// encoding is needed.
func (s *SignServer) Post(ctx context.Context, pp SignedPost, filename string, body io.Reader, size int64, progress Progress) (UploadResult, error) {
	if size > MaxSingleUpload {
		return UploadResult{}, tooLarge(size)
	}
	cr := newCountingReader(body, progress)
	req, err := newPostRequest(ctx, pp, filename, cr, size)
	if err != nil {
		return UploadResult{}, err
	}
	return s.send(req, pp.Key, size, cr)
}

// newPostRequest builds the POST Object form carrying size bytes of body.
// COS takes the object's type from the form field Content-Type (the file
// part's header is ignored), and a policy condition on $Content-Type is
// checked against that field, so the type goes there (and on the part).
func newPostRequest(ctx context.Context, pp SignedPost, filename string, body io.Reader, size int64) (*http.Request, error) {
	u, err := cosURL(pp.Host, "")
	if err != nil {
		return nil, err
	}
	ctype := pp.ContentType
	if ctype == "" {
		ctype = contenttype.ForName(filename)
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
		{"Content-Type", ctype},
	}
	if pp.SecurityToken != "" {
		fields = append(fields, [2]string{"x-cos-security-token", pp.SecurityToken})
	}
	fields = append(fields, sortedFields(pp.Extra)...)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, quoteFormName(filename)))
	h.Set("Content-Type", ctype)
	if _, err := mw.CreatePart(h); err != nil {
		return nil, err
	}
	n := head.Len()
	if err := mw.Close(); err != nil {
		return nil, err
	}
	tail := bytes.Clone(head.Bytes()[n:])
	head.Truncate(n)

	all := io.MultiReader(&head, io.LimitReader(body, size), bytes.NewReader(tail))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), all)
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(n) + size + int64(len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req, nil
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
		return UploadResult{}, fmt.Errorf("upload %s: %w", key, &Error{Message: msg(CodeFileChanged, "Sent", cr.n, "Size", size)})
	}
	res := UploadResult{Key: key, Size: size, ETag: resp.Header.Get("ETag"), RequestID: resp.Header.Get("x-cos-request-id"), CRC64: cr.crc.Sum64()}
	if v := resp.Header.Get("x-cos-hash-crc64ecma"); v != "" {
		got, err := strconv.ParseUint(v, 10, 64)
		if err != nil || got != res.CRC64 {
			return res, fmt.Errorf("upload %s: %w", key, &Error{Message: msg(CodeCRCMismatch, "Got", v, "Want", res.CRC64, "RequestID", res.RequestID)})
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
