package localcos

import (
	"net/http"
	"strings"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// TestVersionedBucketIgnoresForbidOverwrite (issue 20 finding 9): COS
// honours x-cos-forbid-overwrite only on buckets whose versioning is off
// (PUT Object, https://cloud.tencent.com/document/product/436/7749;
// Initiate Multipart Upload, https://cloud.tencent.com/document/product/436/7746).
// Config.Versioning models a versioned bucket: the header is ignored on
// PUT and on multipart, and GET /?versioning answers Enabled.
func TestVersionedBucketIgnoresForbidOverwrite(t *testing.T) {
	noOverwrite := func() *cos.ObjectPutHeaderOptions {
		h := http.Header{}
		h.Set("x-cos-forbid-overwrite", "true")
		return &cos.ObjectPutHeaderOptions{XOptionHeader: &h}
	}
	for _, versioned := range []bool{false, true} {
		s := startServer(t, func(c *Config) { c.Versioning = versioned })
		c := client(t, s, s.cfg.SecretID, s.cfg.SecretKey, "")
		v, _, err := c.Bucket.GetVersioning(bg)
		if err != nil {
			t.Fatalf("versioned=%v: GetBucketVersioning: %v", versioned, err)
		}
		if want := map[bool]string{true: "Enabled"}[versioned]; v.Status != want {
			t.Fatalf("versioned=%v: status %q", versioned, v.Status)
		}
		put := func(body string) error {
			_, err := c.Object.Put(bg, "f.bin", strings.NewReader(body), &cos.ObjectPutOptions{ObjectPutHeaderOptions: noOverwrite()})
			return err
		}
		if err := put("one"); err != nil {
			t.Fatal(err)
		}
		err = put("two")
		init := &cos.InitiateMultipartUploadOptions{ObjectPutHeaderOptions: noOverwrite()}
		if !versioned {
			cosErr(t, err, 409, "FileAlreadyExists")
			_, _, err = c.Object.InitiateMultipartUpload(bg, "f.bin", init)
			cosErr(t, err, 409, "FileAlreadyExists")
			continue
		}
		if err != nil {
			t.Fatalf("versioned bucket refused the overwrite: %v", err)
		}
		id, opt := uploadParts(t, c, "f.bin", init, []byte("three"))
		if _, _, err := c.Object.CompleteMultipartUpload(bg, "f.bin", id, opt); err != nil {
			t.Fatalf("versioned Complete: %v", err)
		}
		if got := objectBody(t, c, "f.bin"); got != "three" {
			t.Fatalf("versioned bucket holds %q", got)
		}
	}
}
