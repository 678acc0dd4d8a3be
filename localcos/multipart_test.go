package localcos

import (
	"bytes"
	"context"
	"crypto/md5"
	"fmt"
	"hash/crc64"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// patterned returns n bytes of byte(i%251), the reference's CRC vector data.
func patterned(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func writeFile(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "src.bin")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUploadMultipartCRCVectors(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	data := patterned(3<<20 + 5)
	key := "dir/a b+中(1)!*'~.bin"
	res, resp, err := c.Object.Upload(bg, key, writeFile(t, data), &cos.MultiUploadOptions{PartSize: 1, ThreadPoolSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	// Whole-object CRC of the 3 MiB + 5 B file: Go's crc64 (ECMA table, as
	// https://cloud.tencent.com/document/product/436/65433 specifies) of the whole file.
	if got := resp.Header.Get("x-cos-hash-crc64ecma"); got != "5146012454610688221" {
		t.Fatalf("complete crc %s", got)
	}
	if !strings.HasSuffix(res.ETag, `-4"`) {
		t.Fatalf("multipart etag %s", res.ETag)
	}
	head, err := c.Object.Head(bg, key, nil)
	if err != nil || head.Header.Get("x-cos-hash-crc64ecma") != "5146012454610688221" || head.ContentLength != int64(len(data)) {
		t.Fatalf("head: %v %v", err, head)
	}
	got, err := c.Object.Get(bg, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if !bytes.Equal(b, data) {
		t.Fatal("downloaded bytes differ")
	}
}

func TestPartCRCAndETag(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	data := patterned(3<<20 + 5)
	want := []struct {
		crc uint64
		md5 string
	}{
		{16028127081582314172, "8f293a2f6c19b345152f7a49bb4c643c"},
		{10691240363142403102, "b66f7bda0d9b13d834b1b87ede0a33bb"},
		{1542437750362240545, "d6bf877399e1176160d38baa7a114898"},
		{6474971898563832249, "be9f131a4041136a935bb2d2d7b923ee"},
	}
	init, _, err := c.Object.InitiateMultipartUpload(bg, "parts.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	opt := &cos.CompleteMultipartUploadOptions{}
	for i, w := range want {
		part := data[i<<20 : min((i+1)<<20, len(data))]
		resp, err := c.Object.UploadPart(bg, "parts.bin", init.UploadID, i+1, bytes.NewReader(part), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Header.Get("ETag") != `"`+w.md5+`"` || resp.Header.Get("x-cos-hash-crc64ecma") != strconv.FormatUint(w.crc, 10) {
			t.Fatalf("part %d: %v", i+1, resp.Header)
		}
		opt.Parts = append(opt.Parts, cos.Object{PartNumber: i + 1, ETag: resp.Header.Get("ETag")})
	}
	lp, _, err := c.Object.ListParts(bg, "parts.bin", init.UploadID, &cos.ObjectListPartsOptions{MaxParts: "3"})
	if err != nil || len(lp.Parts) != 3 || !lp.IsTruncated || lp.NextPartNumberMarker != "3" {
		t.Fatalf("list parts page 1: %v %+v", err, lp)
	}
	lp, _, err = c.Object.ListParts(bg, "parts.bin", init.UploadID, &cos.ObjectListPartsOptions{PartNumberMarker: "3"})
	if err != nil || len(lp.Parts) != 1 || lp.IsTruncated || lp.Parts[0].ETag != `"`+want[3].md5+`"` || lp.Parts[0].Size != 5 {
		t.Fatalf("list parts page 2: %v %+v", err, lp)
	}
	_, resp, err := c.Object.CompleteMultipartUpload(bg, "parts.bin", init.UploadID, opt)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("x-cos-hash-crc64ecma") != "5146012454610688221" {
		t.Fatalf("complete crc %s", resp.Header.Get("x-cos-hash-crc64ecma"))
	}
	// The upload is gone once completed.
	_, _, err = c.Object.CompleteMultipartUpload(bg, "parts.bin", init.UploadID, opt)
	cosErr(t, err, 404, "NoSuchUpload")
}

func TestCompleteValidation(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	small := []byte("tiny part")
	big := patterned(1 << 20)
	init, _, err := c.Object.InitiateMultipartUpload(bg, "v.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	etag := func(b []byte) string { return fmt.Sprintf(`"%x"`, md5.Sum(b)) }
	for i, b := range [][]byte{small, big, big} {
		if _, err := c.Object.UploadPart(bg, "v.bin", init.UploadID, i+1, bytes.NewReader(b), nil); err != nil {
			t.Fatal(err)
		}
	}
	complete := func(parts ...cos.Object) error {
		_, _, err := c.Object.CompleteMultipartUpload(bg, "v.bin", init.UploadID, &cos.CompleteMultipartUploadOptions{Parts: parts})
		return err
	}
	p := func(n int, b []byte) cos.Object { return cos.Object{PartNumber: n, ETag: etag(b)} }
	cosErr(t, complete(p(1, small), p(2, big)), 400, "EntityTooSmall")
	cosErr(t, complete(p(2, big), p(1, small)), 400, "InvalidPartOrder")
	cosErr(t, complete(p(2, big), p(4, big)), 400, "InvalidPart")
	cosErr(t, complete(p(2, small)), 400, "InvalidPart")
	_, _, err = c.Object.CompleteMultipartUpload(bg, "v.bin", "1234abcd", &cos.CompleteMultipartUploadOptions{Parts: []cos.Object{p(2, big)}})
	cosErr(t, err, 404, "NoSuchUpload")
	_, err = c.Object.UploadPart(bg, "v.bin", init.UploadID, 10001, bytes.NewReader(small), nil)
	cosErr(t, err, 400, "InvalidArgument")
	// Part numbers must run from 1 without a gap (doc 7742: InvalidPart
	// when the numbers are not continuous).
	cosErr(t, complete(p(2, big), p(3, big)), 400, "InvalidPart")
	for i, b := range [][]byte{big, big, small} {
		if _, err := c.Object.UploadPart(bg, "v.bin", init.UploadID, i+1, bytes.NewReader(b), nil); err != nil {
			t.Fatal(err)
		}
	}
	cosErr(t, complete(p(1, big), p(3, small)), 400, "InvalidPart")
	// A small last part is fine.
	if err := complete(p(1, big), p(2, big), p(3, small)); err != nil {
		t.Fatal(err)
	}
	head, err := c.Object.Head(bg, "v.bin", nil)
	if err != nil || head.ContentLength != 2<<20+int64(len(small)) {
		t.Fatalf("head: %v", err)
	}
	want := crc64.Checksum(append(append(append([]byte{}, big...), big...), small...), crc64.MakeTable(crc64.ECMA))
	if head.Header.Get("x-cos-hash-crc64ecma") != strconv.FormatUint(want, 10) {
		t.Fatal("crc of completed object")
	}
}

func TestAbortAndListUploads(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	var ids []string
	for _, k := range []string{"b/x+y z", "a/1", "b/x+y z", "c"} {
		r, _, err := c.Object.InitiateMultipartUpload(bg, k, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.UploadID)
	}
	res, _, err := c.Bucket.ListMultipartUploads(bg, &cos.ListMultipartUploadsOptions{Prefix: "b/x+y", EncodingType: "url"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploads) != 2 || res.Uploads[1].UploadID != ids[2] || res.Uploads[0].Key != "b/x%2By%20z" {
		t.Fatalf("list uploads: %+v", res.Uploads)
	}
	res, _, err = c.Bucket.ListMultipartUploads(bg, &cos.ListMultipartUploadsOptions{MaxUploads: 2})
	if err != nil || len(res.Uploads) != 2 || !res.IsTruncated || res.NextKeyMarker != "b/x+y z" {
		t.Fatalf("page 1: %v %+v", err, res)
	}
	res, _, err = c.Bucket.ListMultipartUploads(bg, &cos.ListMultipartUploadsOptions{KeyMarker: res.NextKeyMarker, UploadIDMarker: res.NextUploadIDMarker})
	if err != nil || len(res.Uploads) != 2 || res.IsTruncated || res.Uploads[1].Key != "c" {
		t.Fatalf("page 2: %v %+v", err, res)
	}
	// Bucket.ListMultipartUploads reads <CommonPrefixs> (an SDK typo); the
	// object service's variant reads COS's <CommonPrefixes>.
	ol, _, err := c.Object.ListUploads(bg, &cos.ObjectListUploadsOptions{Delimiter: "/"})
	if err != nil || len(ol.Upload) != 1 || len(ol.CommonPrefixes) != 2 || ol.CommonPrefixes[0] != "a/" {
		t.Fatalf("delimiter: %v %+v", err, ol)
	}
	if _, err := c.Object.AbortMultipartUpload(bg, "a/1", ids[1]); err != nil {
		t.Fatal(err)
	}
	_, err = c.Object.AbortMultipartUpload(bg, "a/1", ids[1])
	cosErr(t, err, 404, "NoSuchUpload")
	_, _, err = c.Object.ListParts(bg, "a/1", ids[1], nil)
	cosErr(t, err, 404, "NoSuchUpload")
	_, err = c.Object.UploadPart(bg, "a/1", ids[1], 1, strings.NewReader("x"), nil)
	cosErr(t, err, 404, "NoSuchUpload")
}

// TestUploadResumeAcrossRestart uploads part of a file, restarts the server
// on the same data directory and lets Object.Upload with CheckPoint finish:
// it must reuse the stored parts, not start over.
func TestUploadResumeAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, func(c *Config) { c.DataDir = dir })
	data := patterned(5<<20 + 77)
	path := writeFile(t, data)
	c := permClient(t, s)
	if _, err := c.Object.Put(bg, "kept.txt", strings.NewReader("kept"), nil); err != nil {
		t.Fatal(err)
	}
	init, _, err := c.Object.InitiateMultipartUpload(bg, "resume me.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := c.Object.UploadPart(bg, "resume me.bin", init.UploadID, i+1, bytes.NewReader(data[i<<20:(i+1)<<20]), nil); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	s2 := startServer(t, func(c *Config) { c.DataDir = dir })
	c2 := permClient(t, s2)
	// Objects survive the restart too.
	if _, err := c2.Object.Head(bg, "kept.txt", nil); err != nil {
		t.Fatalf("object lost in restart: %v", err)
	}
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	_, resp, err := c2.Object.Upload(ctx, "resume me.bin", path, &cos.MultiUploadOptions{PartSize: 1, CheckPoint: true})
	if err != nil {
		t.Fatal(err)
	}
	want := strconv.FormatUint(crc64.Checksum(data, crc64.MakeTable(crc64.ECMA)), 10)
	if resp.Header.Get("x-cos-hash-crc64ecma") != want {
		t.Fatal("crc after resume")
	}
	st := s2.Stats()
	if n := st.Count("UploadPart"); n != 4 {
		t.Fatalf("resume uploaded %d parts, want the 4 missing ones", n)
	}
	if n := st.Count("InitiateMultipartUpload"); n != 0 {
		t.Fatalf("resume initiated %d new uploads", n)
	}
}

// When assembling takes long, Complete answers 200 at once with the CRC
// header and whitespace keep-alives, then the result: the SDK must accept it.
func TestCompleteKeepAlive(t *testing.T) {
	old := completeKeepAlive
	completeKeepAlive = time.Microsecond
	t.Cleanup(func() { completeKeepAlive = old })
	s := startServer(t, nil)
	c := permClient(t, s)
	data := patterned(2<<20 + 1)
	_, resp, err := c.Object.Upload(bg, "keepalive.bin", writeFile(t, data), &cos.MultiUploadOptions{PartSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := strconv.FormatUint(crc64.Checksum(data, crc64.MakeTable(crc64.ECMA)), 10)
	if resp.Header.Get("x-cos-hash-crc64ecma") != want {
		t.Fatal("crc header of an early 200")
	}
}
