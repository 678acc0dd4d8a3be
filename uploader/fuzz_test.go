package uploader

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	cos "github.com/tencentyun/cos-go-sdk-v5"
	"golang.org/x/text/unicode/norm"
)

// answerRT answers every request with one status and body, as a COS (or
// something in its place) that says the same thing each time.
type answerRT struct {
	status int
	body   []byte
	calls  atomic.Int64
}

func (a *answerRT) RoundTrip(req *http.Request) (*http.Response, error) {
	a.calls.Add(1)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	h := http.Header{"X-Cos-Request-Id": {"fuzz-req"}, "Content-Type": {"application/xml"}, "Etag": {`"e"`}}
	return &http.Response{StatusCode: a.status, Status: http.StatusText(a.status), Header: h, Request: req,
		Body: io.NopCloser(bytes.NewReader(a.body)), ContentLength: int64(len(a.body))}, nil
}

// fuzzStatuses are the statuses a body comes with.
var fuzzStatuses = []int{200, 200, 204, 206, 301, 400, 403, 404, 409, 412, 500, 503}

// maxListPages bounds the pages a listing may ask for (see listParts).
const fuzzMaxRequests = maxListPages + 1

// FuzzCOSResponse feeds arbitrary bodies (COS XML, truncated, huge, deeply
// nested, in a declared foreign encoding, HTML from a proxy) to every COS
// call the engine makes, through the real SDK. Each call must return, in
// bounded time and requests, never panic, and give either a usable result
// or an error the engine can classify and word.
func FuzzCOSResponse(f *testing.F) {
	seeds := []string{
		`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><RequestId>NjA=</RequestId></Error>`,
		`<InitiateMultipartUploadResult><Bucket>b-1250000000</Bucket><Key>k</Key><UploadId>1585130821cbb7df1d11846c073ad648e8f33b087cec2381df437acdc833cf654b9ecc6361</UploadId></InitiateMultipartUploadResult>`,
		`<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>2</NextPartNumberMarker><Part><PartNumber>1</PartNumber><ETag>"a"</ETag><Size>1048576</Size></Part></ListPartsResult>`,
		`<ListMultipartUploadsResult><IsTruncated>true</IsTruncated><NextKeyMarker>k</NextKeyMarker><NextUploadIdMarker>u</NextUploadIdMarker><Upload><Key>k</Key><UploadId>u</UploadId></Upload></ListMultipartUploadsResult>`,
		`<CompleteMultipartUploadResult><Location>x</Location><Key>k</Key><ETag>"abc-2"</ETag></CompleteMultipartUploadResult>`,
		`<?xml version="1.0" encoding="GBK"?><Error><Code>AccessDenied</Code></Error>`,
		`<Error><Code>Internal`,
		strings.Repeat("<a>", 20000),
		`<html><body>502 Bad Gateway</body></html>`,
		"\xff\xfe<\x00E\x00r\x00",
		"",
	}
	for i, s := range seeds {
		f.Add(uint8(i), uint8(i%len(fuzzStatuses)), false, []byte(s))
	}
	f.Add(uint8(2), uint8(0), true, []byte(`<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>"a"</ETag></Part>`))
	f.Fuzz(func(t *testing.T, op, st uint8, huge bool, body []byte) {
		if huge {
			// A huge answer (1 MiB), built here rather than stored.
			body = bytes.Repeat(append(body, "<Part><PartNumber>1</PartNumber></Part>"...), 1+(1<<20)/(len(body)+40))
		}
		rt := &answerRT{status: fuzzStatuses[int(st)%len(fuzzStatuses)], body: body}
		u, _ := url.Parse("http://fuzz-1250000000.cos.ap-guangzhou.myqcloud.com")
		c := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: rt})
		c.Conf.EnableCRC = false
		c.Conf.RetryOpt = cos.RetryOptions{Count: 1}
		s := cosStore{c: c}
		// The package's wait bound: it catches a call that never returns (an
		// endless listing), not a slow parse on a loaded machine.
		ctx, cancel := context.WithTimeout(context.Background(), waitBound)
		defer cancel()
		start := time.Now()
		var err error
		switch op % 7 {
		case 0:
			_, err = s.put(ctx, "k", strings.NewReader("x"), 1, writeOpts{})
		case 1:
			var id string
			id, _, err = s.initiate(ctx, "k", writeOpts{})
			if err == nil && id == "" {
				t.Fatal("initiate: no error and no upload ID")
			}
		case 2:
			_, err = s.listParts(ctx, "k", "u")
		case 3:
			_, err = s.listUploads(ctx, "k")
		case 4:
			_, err = s.complete(ctx, "k", "u", []partRecord{{Number: 1, Size: 1, ETag: `"a"`}}, false)
		case 5:
			_, err = s.head(ctx, "k")
		case 6:
			err = s.abort(ctx, "k", "u")
		}
		if d := time.Since(start); ctx.Err() != nil {
			t.Fatalf("op %d took %v (%d requests) on a %d answer of %d bytes", op%7, d, rt.calls.Load(), rt.status, len(body))
		}
		if n := rt.calls.Load(); n > fuzzMaxRequests {
			t.Fatalf("op %d made %d requests for one answer repeated", op%7, n)
		}
		if rt.status >= 300 && err == nil && op%7 != 5 && op%7 != 6 {
			t.Fatalf("op %d: a %d answer gave no error", op%7, rt.status)
		}
		if err != nil {
			fl := classifyErr(err)
			if fl.code == "" && fl.message == "" {
				t.Fatalf("op %d: error %v classified as nothing", op%7, err)
			}
			te := toTaskError("fuzz", err, time.Now())
			if len(te.Message) > maxMessage+len("…") {
				t.Fatalf("op %d: a %d-byte message kept for the journal", op%7, len(te.Message))
			}
		}
	})
}

// FuzzRecordCodec: the journal's record decoder reads whatever bytes a
// damaged or hostile journal holds without panicking, and a record it
// accepts encodes and decodes back to the same bytes.
func FuzzRecordCodec(f *testing.F) {
	r := record{ID: 7, Batch: 2, Path: "/home/u/Photos/a.jpg", Key: "Photos/a.jpg", Size: 5 << 20, MTime: 1700000000123456789,
		State: Uploading, Attempts: 2, UploadID: "up-1", PartSize: 1 << 20, Acked: 2 << 20, RequestIDs: []string{"r1", "r2"},
		Note: note(NoteRenamed, "from", "a", "to", "b"), Resolved: true, Created: 1, Started: 2, Requested: "x/a.jpg"}
	r.addError(TaskError{Op: "upload part 3", Code: "InternalError", Message: "boom", Time: time.Unix(1700000000, 0)})
	good, err := encodeRecord(&r)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	r.UploadID, r.Initiating = "", &initMark{Key: r.Key, Before: []string{"up-0"}}
	if marked, err := encodeRecord(&r); err == nil {
		f.Add(marked)
	}
	f.Add([]byte(`{"id":1,"path":"/a","key":"a","state":"done","created":"2024-01-01T00:00:00Z"}`))
	f.Add([]byte{recordV1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{recordV3, 1, 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r1 record
		if err := decodeRecord(b, &r1); err != nil {
			return
		}
		e1, err := encodeRecord(&r1)
		if err != nil {
			return // a JSON record with errors JSON cannot write back (e.g. NaN) is refused, not mangled
		}
		var r2 record
		if err := decodeRecord(e1, &r2); err != nil {
			t.Fatalf("a record this codec wrote does not decode: %v (from %q)", err, b)
		}
		e2, err := encodeRecord(&r2)
		if err != nil || !bytes.Equal(e1, e2) {
			t.Fatalf("round trip differs:\n%q\n%q (%v)", e1, e2, err)
		}
	})
}

// FuzzKeyMapping: file names (control characters, invalid UTF-8, NFD,
// long paths) and prefix templates map to keys without panicking, in
// bounded size; a key checkKey accepts is one COS accepts (valid UTF-8,
// NFC, no control character, no "."/".." segment, within MaxKeyBytes);
// a plain prefix keeps the file's relative path at the end of the key.
func FuzzKeyMapping(f *testing.F) {
	for _, s := range [][2]string{
		{"", "Photos/a.jpg"}, {"{yyyy}/{mm}/", "a.jpg"}, {"in/{date}/{filename}", "d/e\u0301.txt"},
		{"x/{relpath}", "a/\x1b]0;t\x07.txt"}, {"", "bad\xff.txt"}, {"{filename}", "../.."},
		{"", strings.Repeat("long/", 300) + "f"}, {"{relpath}{relpath}{relpath}", "a/b"}, {"uploads", "./a"},
	} {
		f.Add(s[0], s[1])
	}
	at := time.Date(2024, 2, 29, 23, 59, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, tmpl, rel string) {
		key := expandKey(tmpl, rel, at)
		if limit := (len(tmpl) + 1) * (len(rel) + 16) * 2; len(key) > limit {
			t.Fatalf("key of %d bytes from a %d-byte template and a %d-byte path", len(key), len(tmpl), len(rel))
		}
		if utf8.ValidString(key) && !norm.NFC.IsNormalString(key) {
			t.Fatalf("key %q is not NFC", key)
		}
		if !strings.Contains(tmpl, "{") && utf8.ValidString(rel) && utf8.ValidString(tmpl) {
			if want := norm.NFC.String(strings.TrimLeft(rel, "/")); !strings.HasSuffix(key, want) {
				t.Fatalf("prefix %q, path %q: key %q lost the path", tmpl, rel, key)
			}
		}
		if checkKey("f", key) != nil {
			return
		}
		if !utf8.ValidString(key) || len(key) > MaxKeyBytes || key == "" || strings.HasPrefix(key, "/") {
			t.Fatalf("checkKey accepted %q", key)
		}
		for _, r := range key {
			if unicode.IsControl(r) {
				t.Fatalf("checkKey accepted %q with %U", key, r)
			}
		}
		for _, seg := range strings.Split(key, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("checkKey accepted %q with a %q segment", key, seg)
			}
		}
	})
}
