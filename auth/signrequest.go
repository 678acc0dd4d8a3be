package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path/filepath"
	"strings"

	"cosdrop/contenttype"
)

// MaxSingleUpload is the most COS accepts in one PUT or POST request
// (5 GB; https://cloud.tencent.com/document/product/436/14518).
const MaxSingleUpload int64 = 5 << 30

// ErrTooLarge is matched (errors.Is) when a file is too big for a
// server-signed upload, which is always a single request.
var ErrTooLarge = errors.New("file too large for a single upload")

// CheckSingleUpload returns the plain-words refusal with the way out
// (matching ErrTooLarge) when size bytes cannot go up in one request, else
// nil. Sign and the uploader's server-signed mode call it before asking the
// signing server for anything.
func CheckSingleUpload(size int64) error {
	if size > MaxSingleUpload {
		return &Error{Message: msg(CodeFileTooLarge, "GB", fmt.Sprintf("%.2f", float64(size)/(1<<30))), Err: ErrTooLarge}
	}
	return nil
}

// UploadMethod is the server-signed flavour Sign chose.
type UploadMethod int

// The server-signed flavours: PUT with put-sign, POST form with post-policy.
const (
	MethodPut UploadMethod = iota
	MethodPost
)

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
