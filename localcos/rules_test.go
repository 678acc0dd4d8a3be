package localcos

import (
	"net/http"
	"strings"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// The headers of upload rules (issue 13) are stored at PUT and at
// Initiate (kept for the Complete) and returned by HEAD, and all
// x-cos-meta-* together may take 2 KB (doc 436/7749), names included.
func TestRuleHeadersStoredAndMetaLimit(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	hdr := func() *cos.ObjectPutHeaderOptions {
		return &cos.ObjectPutHeaderOptions{CacheControl: "max-age=60", ContentDisposition: `attachment; filename="a.txt"`,
			XCosStorageClass: "ARCHIVE", XCosMetaXXX: &http.Header{"X-Cos-Meta-Team": {"design"}}}
	}
	if _, err := c.Object.Put(bg, "p.txt", strings.NewReader("abc"), &cos.ObjectPutOptions{ObjectPutHeaderOptions: hdr()}); err != nil {
		t.Fatal(err)
	}
	up, _, err := c.Object.InitiateMultipartUpload(bg, "m.txt", &cos.InitiateMultipartUploadOptions{ObjectPutHeaderOptions: hdr()})
	if err != nil {
		t.Fatal(err)
	}
	part, err := c.Object.UploadPart(bg, "m.txt", up.UploadID, 1, strings.NewReader("abc"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Object.CompleteMultipartUpload(bg, "m.txt", up.UploadID, &cos.CompleteMultipartUploadOptions{
		Parts: []cos.Object{{PartNumber: 1, ETag: part.Header.Get("ETag")}}}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"p.txt", "m.txt"} {
		resp, err := c.Object.Head(bg, key, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]string{"Cache-Control": "max-age=60", "Content-Disposition": `attachment; filename="a.txt"`,
			"x-cos-storage-class": "ARCHIVE", "x-cos-meta-team": "design"} {
			if got := resp.Header.Get(k); got != want {
				t.Errorf("%s: HEAD %s = %q, want %q", key, k, got, want)
			}
		}
	}
	meta := func(total int) error {
		name := "X-Cos-Meta-Big"
		v := strings.Repeat("v", total-len(name))
		_, err := c.Object.Put(bg, "meta.txt", strings.NewReader("abc"), &cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{
			XCosMetaXXX: &http.Header{name: {v}}}})
		return err
	}
	if err := meta(2048); err != nil {
		t.Errorf("2048 bytes of metadata refused: %v", err)
	}
	cosErr(t, meta(2049), 400, "InvalidArgument")
}
