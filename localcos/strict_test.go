package localcos

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// forbid is the x-cos-forbid-overwrite header as the SDK sends it
// (XOptionHeader, tencentyun/cos-go-sdk-v5#325).
func forbid() *http.Header { return &http.Header{"X-Cos-Forbid-Overwrite": {"true"}} }

func putOpts(h *http.Header) *cos.ObjectPutOptions {
	return &cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{XOptionHeader: h}}
}

// uploadParts initiates an upload of key and sends parts; it returns the
// upload id and the Complete list.
func uploadParts(t *testing.T, c *cos.Client, key string, initOpt *cos.InitiateMultipartUploadOptions, parts ...[]byte) (string, *cos.CompleteMultipartUploadOptions) {
	t.Helper()
	init, _, err := c.Object.InitiateMultipartUpload(bg, key, initOpt)
	if err != nil {
		t.Fatal(err)
	}
	opt := &cos.CompleteMultipartUploadOptions{}
	for i, p := range parts {
		r, err := c.Object.UploadPart(bg, key, init.UploadID, i+1, bytes.NewReader(p), nil)
		if err != nil {
			t.Fatal(err)
		}
		opt.Parts = append(opt.Parts, cos.Object{PartNumber: i + 1, ETag: r.Header.Get("ETag")})
	}
	return init.UploadID, opt
}

func objectBody(t *testing.T, c *cos.Client, key string) string {
	t.Helper()
	resp, err := c.Object.Get(bg, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// Regression (issue #11): localcos ignored x-cos-forbid-overwrite.
func TestForbidOverwritePutAndMultipart(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	if _, err := c.Object.Put(bg, "f.txt", strings.NewReader("first"), putOpts(forbid())); err != nil {
		t.Fatalf("forbid-overwrite on a new key: %v", err)
	}
	_, err := c.Object.Put(bg, "f.txt", strings.NewReader("second"), putOpts(forbid()))
	er := cosErr(t, err, 409, "FileAlreadyExists")
	if er.Resource == "" {
		t.Fatal("409 without the <Error> body")
	}
	if got := objectBody(t, c, "f.txt"); got != "first" {
		t.Fatalf("object overwritten: %q", got)
	}
	// "false" and absent overwrite.
	if _, err := c.Object.Put(bg, "f.txt", strings.NewReader("third"), putOpts(&http.Header{"X-Cos-Forbid-Overwrite": {"false"}})); err != nil {
		t.Fatal(err)
	}

	// Initiate refuses at once.
	_, _, err = c.Object.InitiateMultipartUpload(bg, "f.txt", &cos.InitiateMultipartUploadOptions{
		ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{XOptionHeader: forbid()}})
	cosErr(t, err, 409, "FileAlreadyExists")

	// Complete refuses when the key appeared after Initiate.
	big := patterned(1 << 20)
	id, opt := uploadParts(t, c, "m.bin", nil, big, []byte("tail"))
	if _, err := c.Object.Put(bg, "m.bin", strings.NewReader("winner"), nil); err != nil {
		t.Fatal(err)
	}
	opt.XOptionHeader = forbid()
	_, _, err = c.Object.CompleteMultipartUpload(bg, "m.bin", id, opt)
	cosErr(t, err, 409, "FileAlreadyExists")
	if got := objectBody(t, c, "m.bin"); got != "winner" {
		t.Fatalf("Complete overwrote: %q", got)
	}
	// The upload is still there: the client may Abort it.
	if _, err := c.Object.AbortMultipartUpload(bg, "m.bin", id, nil); err != nil {
		t.Fatalf("abort after 409: %v", err)
	}
	// Without a conflict, Complete with the header succeeds.
	id, opt = uploadParts(t, c, "n.bin", nil, big, []byte("tail"))
	opt.XOptionHeader = forbid()
	if _, _, err := c.Object.CompleteMultipartUpload(bg, "n.bin", id, opt); err != nil {
		t.Fatal(err)
	}
}

// Two writers race for one key with forbid-overwrite: exactly one wins.
func TestForbidOverwriteRace(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	const n = 8
	var wg sync.WaitGroup
	results := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = c.Object.Put(bg, "race.txt", strings.NewReader(fmt.Sprint("writer ", i)), putOpts(forbid()))
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range results {
		if err == nil {
			won++
			continue
		}
		cosErr(t, err, 409, "FileAlreadyExists")
	}
	if won != 1 {
		t.Fatalf("%d writers won", won)
	}
}

// Regression: POST ignored x-cos-forbid-overwrite and took the file part's
// Content-Type.
func TestPostForbidOverwriteAndContentType(t *testing.T) {
	s := startServer(t, nil)
	post := func(fields [][2]string, key string) *http.Response {
		t.Helper()
		f := append([][2]string{{"key", key}}, fields...)
		f = append(f, permPostFields(t, s, key)...)
		body, ctype := browserForm(t, f, "photo.jpg", []byte("data"))
		resp, err := http.Post(s.URL()+"/", ctype, body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := post(nil, "p/plain.bin"); r.StatusCode != 204 {
		t.Fatalf("POST: %d", r.StatusCode)
	}
	c := permClient(t, s)
	head, err := c.Object.Head(bg, "p/plain.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The file part says image/jpeg; COS ignores it: no form field, so
	// the type comes from the key.
	if ct := head.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Fatalf("POST without a Content-Type field stored %q", ct)
	}
	if r := post([][2]string{{"Content-Type", "image/png"}}, "p/typed.bin"); r.StatusCode != 204 {
		t.Fatalf("POST: %d", r.StatusCode)
	}
	head, _ = c.Object.Head(bg, "p/typed.bin", nil)
	if ct := head.Header.Get("Content-Type"); ct != "image/png" {
		t.Fatalf("POST Content-Type field: stored %q", ct)
	}
	r := post([][2]string{{"x-cos-forbid-overwrite", "true"}}, "p/typed.bin")
	if r.StatusCode != 409 {
		t.Fatalf("POST forbid-overwrite on an existing key: %d", r.StatusCode)
	}
	head, _ = c.Object.Head(bg, "p/typed.bin", nil)
	if ct := head.Header.Get("Content-Type"); ct != "image/png" {
		t.Fatal("POST overwrote despite forbid-overwrite")
	}
}

// permPostFields signs a POST policy for key with the permanent key.
func permPostFields(t *testing.T, s *Server, key string) [][2]string {
	t.Helper()
	keyTime := fmt.Sprintf("%d;%d", s.now().Unix()-10, s.now().Unix()+600)
	policy := fmt.Sprintf(`{"expiration":"2099-01-01T00:00:00.000Z","conditions":[{"q-sign-algorithm":"sha1"},{"q-ak":%q},{"q-sign-time":%q},{"bucket":%q},["eq","$key",%q]]}`,
		testID, keyTime, s.Bucket(), key)
	sig := hmacSHA1Hex(signKey(testSecret, keyTime), sha1Hex(policy))
	return [][2]string{{"policy", base64Std(policy)}, {"q-sign-algorithm", "sha1"}, {"q-ak", testID}, {"q-key-time", keyTime}, {"q-signature", sig}}
}

// Regression: every object without a Content-Type was stored as
// application/octet-stream, so a picture downloaded instead of displaying.
func TestContentTypeStoredOrInferred(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	hc := &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testSecret}}
	rawPut := func(key, ctype string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPut, s.URL()+"/"+key, strings.NewReader("x"))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("PUT %s: %d", key, resp.StatusCode)
		}
	}
	cases := []struct{ key, sent, want string }{
		{"a/photo.JPG", "", "image/jpeg"},
		{"a/doc.pdf", "", "application/pdf"},
		{"a/page.html", "", "text/html"},
		{"a/noext", "", "application/octet-stream"},
		{"a/odd.zzzq", "", "application/octet-stream"},
		{"a/photo.jpg", "text/plain; charset=utf-8", "text/plain; charset=utf-8"},
	}
	for _, tc := range cases {
		rawPut(tc.key, tc.sent)
		for _, method := range []string{http.MethodHead, http.MethodGet} {
			req, _ := http.NewRequest(method, s.URL()+"/"+tc.key, nil)
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Content-Type"); got != tc.want {
				t.Fatalf("%s %s: Content-Type %q, want %q", method, tc.key, got, tc.want)
			}
		}
	}
	// Initiate without a type: inferred from the key as well.
	id, opt := uploadParts(t, c, "a/movie.mp4", nil, []byte("only part"))
	if _, _, err := c.Object.CompleteMultipartUpload(bg, "a/movie.mp4", id, opt); err != nil {
		t.Fatal(err)
	}
	head, err := c.Object.Head(bg, "a/movie.mp4", nil)
	if err != nil || head.Header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("multipart Content-Type: %v %q", err, head.Header.Get("Content-Type"))
	}
	id, opt = uploadParts(t, c, "a/movie2.mp4", &cos.InitiateMultipartUploadOptions{
		ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentType: "video/webm"}}, []byte("only part"))
	if _, _, err := c.Object.CompleteMultipartUpload(bg, "a/movie2.mp4", id, opt); err != nil {
		t.Fatal(err)
	}
	head, _ = c.Object.Head(bg, "a/movie2.mp4", nil)
	if head.Header.Get("Content-Type") != "video/webm" {
		t.Fatalf("Initiate Content-Type not kept: %q", head.Header.Get("Content-Type"))
	}
}

// rawComplete sends a Complete by hand and returns the status line, the
// headers and the raw body bytes, so the framing can be checked.
func rawComplete(t *testing.T, s *Server, key, id string, parts []cos.Object, extra http.Header) (*http.Response, []byte) {
	t.Helper()
	var body bytes.Buffer
	body.WriteString("<CompleteMultipartUpload>")
	for _, p := range parts {
		fmt.Fprintf(&body, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", p.PartNumber, p.ETag)
	}
	body.WriteString("</CompleteMultipartUpload>")
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/"+key+"?uploadId="+id, bytes.NewReader(body.Bytes()))
	req.Header.Set("Content-Type", "application/xml")
	for k, v := range extra {
		req.Header[k] = v
	}
	cos.AddAuthorizationHeader(testID, testSecret, "", req, cos.NewAuthTime(3600))
	conn, err := net.Dial("tcp", req.URL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, raw
}

// Regression: a small Complete answered without the chunked whitespace
// preamble, and Location had no scheme.
func TestCompleteChunkedPreambleAndLocation(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	id, opt := uploadParts(t, c, "dir/small file.bin", nil, []byte("tiny"))
	resp, raw := rawComplete(t, s, url.PathEscape("dir/small file.bin"), id, opt.Parts, nil)
	if resp.StatusCode != 200 || len(resp.TransferEncoding) == 0 || resp.TransferEncoding[0] != "chunked" {
		t.Fatalf("Complete: %d %v", resp.StatusCode, resp.TransferEncoding)
	}
	if len(raw) == 0 || raw[0] != ' ' {
		t.Fatalf("Complete body does not start with whitespace: %q", raw)
	}
	var res struct {
		Location, Key, ETag string
	}
	if err := xml.Unmarshal(bytes.TrimLeft(raw, " "), &res); err != nil {
		t.Fatal(err)
	}
	want := s.URL() + "/dir/small%20file.bin"
	if res.Location != want || res.Key != "dir/small file.bin" || !strings.HasSuffix(res.ETag, `-1"`) {
		t.Fatalf("Complete result %+v, want Location %s", res, want)
	}

	// forbid-overwrite onto a key that exists by then: refused before the
	// 200, with a status.
	id, opt = uploadParts(t, c, "late.bin", nil, []byte("mine"))
	if err := s.store.commitObject(mustReceive(t, s, "theirs"), objectMeta{Key: "late.bin", Size: 6, ETag: `"x"`}, false); err != nil {
		t.Fatal(err)
	}
	resp, _ = rawComplete(t, s, "late.bin", id, opt.Parts, http.Header{"X-Cos-Forbid-Overwrite": {"true"}})
	if resp.StatusCode != 409 {
		t.Fatalf("Complete onto an existing key: %d", resp.StatusCode)
	}
}

// A writer that wins after Complete has committed to 200: the conflict
// arrives inside the 200's body, after the whitespace, as COS's errors
// after the early 200 do (doc 7742); the SDK must treat it as a failure.
func TestCompleteConflictAfter200(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	id, opt := uploadParts(t, c, "late.bin", nil, []byte("mine"))
	afterCompleteHeader = func(key string) {
		if err := s.store.commitObject(mustReceive(t, s, "theirs"), objectMeta{Key: key, Size: 6, ETag: `"x"`}, false); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(func() { afterCompleteHeader = nil })
	resp, raw := rawComplete(t, s, "late.bin", id, opt.Parts, http.Header{"X-Cos-Forbid-Overwrite": {"true"}})
	if resp.StatusCode != 200 || len(raw) == 0 || raw[0] != ' ' || !bytes.Contains(raw, []byte("<Code>FileAlreadyExists</Code>")) {
		t.Fatalf("late conflict: %d %q", resp.StatusCode, raw)
	}
	afterCompleteHeader = nil
	if got := objectBody(t, c, "late.bin"); got != "theirs" {
		t.Fatalf("the winner's object was replaced: %q", got)
	}
	// The SDK reports such a 200 as an error.
	id, opt = uploadParts(t, c, "late2.bin", nil, []byte("mine"))
	afterCompleteHeader = func(key string) {
		s.store.commitObject(mustReceive(t, s, "theirs"), objectMeta{Key: key, Size: 6, ETag: `"x"`}, false)
	}
	opt.XOptionHeader = forbid()
	if _, _, err := c.Object.CompleteMultipartUpload(bg, "late2.bin", id, opt); err == nil {
		t.Fatal("the SDK took a 200 carrying FileAlreadyExists for success")
	}
}

func mustReceive(t *testing.T, s *Server, data string) *received {
	t.Helper()
	rc, err := s.store.receive(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// Regression: any storage class, ACL, metadata name or SHA-1 was accepted.
func TestUploadHeaderValidation(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	put := func(h *cos.ObjectPutHeaderOptions) error {
		_, err := c.Object.Put(bg, "v.txt", strings.NewReader("abc"), &cos.ObjectPutOptions{ObjectPutHeaderOptions: h})
		return err
	}
	for _, sc := range []string{"STANDARD", "STANDARD_IA", "ARCHIVE", "DEEP_ARCHIVE", "INTELLIGENT_TIERING", "MAZ_STANDARD", "MAZ_STANDARD_IA", "MAZ_INTELLIGENT_TIERING"} {
		if err := put(&cos.ObjectPutHeaderOptions{XCosStorageClass: sc}); err != nil {
			t.Fatalf("storage class %s: %v", sc, err)
		}
	}
	cosErr(t, put(&cos.ObjectPutHeaderOptions{XCosStorageClass: "NEARLINE"}), 400, "NotSupportedStorageClass")
	_, _, err := c.Object.InitiateMultipartUpload(bg, "v.bin", &cos.InitiateMultipartUploadOptions{
		ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{XCosStorageClass: "GLACIER"}})
	cosErr(t, err, 400, "NotSupportedStorageClass")

	acl := func(v string) error {
		_, err := c.Object.Put(bg, "v.txt", strings.NewReader("abc"), &cos.ObjectPutOptions{ACLHeaderOptions: &cos.ACLHeaderOptions{XCosACL: v}})
		return err
	}
	for _, v := range []string{"default", "private", "public-read", "authenticated-read", "bucket-owner-read", "bucket-owner-full-control"} {
		if err := acl(v); err != nil {
			t.Fatalf("acl %s: %v", v, err)
		}
	}
	cosErr(t, acl("public-read-write"), 400, "InvalidArgument") // a bucket ACL, not an object one
	cosErr(t, acl("everyone"), 400, "InvalidArgument")

	meta := func(name string) error {
		return put(&cos.ObjectPutHeaderOptions{XCosMetaXXX: &http.Header{name: {"v"}}})
	}
	if err := meta("X-Cos-Meta-Good-Name-2"); err != nil {
		t.Fatal(err)
	}
	cosErr(t, meta("X-Cos-Meta-Bad_Name"), 400, "InvalidArgument")
	cosErr(t, meta("X-Cos-Meta-Bad.Name"), 400, "InvalidArgument")

	sum := sha1.Sum([]byte("abc"))
	sha := func(v string) error {
		return put(&cos.ObjectPutHeaderOptions{XOptionHeader: &http.Header{"X-Cos-Content-Sha1": {v}}})
	}
	if err := sha(hex.EncodeToString(sum[:])); err != nil {
		t.Fatalf("right sha1: %v", err)
	}
	cosErr(t, sha(strings.Repeat("0", 40)), 400, "InvalidSHA1Digest")
	cosErr(t, sha("not-a-sha1"), 400, "InvalidSHA1Digest")
	head, err := c.Object.Head(bg, "v.txt", nil)
	if err != nil || head.ContentLength != 3 {
		t.Fatalf("rejected uploads changed the object: %v", err)
	}

	for _, lim := range []int{819199, 838860801} {
		_, _, err := c.Object.InitiateMultipartUpload(bg, "tl", nil)
		if err != nil {
			t.Fatal(err)
		}
		cosErr(t, put(&cos.ObjectPutHeaderOptions{XCosTrafficLimit: lim}), 400, "InvalidArgument")
	}
}
