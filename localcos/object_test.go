package localcos

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

func TestPutHeadGetDelete(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	keys := []string{"plain.txt", "目录/文件 (1)+#%.txt", "with space/and~tilde", "emoji 😀/🎉.bin", "a//double/slash", "q?x=1&y=2", strings.Repeat("k", 850)}
	for i, key := range keys {
		body := bytes.Repeat([]byte(fmt.Sprintf("data %d ", i)), 1000+i)
		resp, err := c.Object.Put(bg, key, bytes.NewReader(body), &cos.ObjectPutOptions{
			ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentType: "text/plain", XCosMetaXXX: &http.Header{"X-Cos-Meta-Owner": {"me"}}},
		})
		if err != nil {
			t.Fatalf("put %q: %v", key, err)
		}
		wantETag := fmt.Sprintf(`"%x"`, md5.Sum(body))
		if got := resp.Header.Get("ETag"); got != wantETag {
			t.Fatalf("etag %s, want %s", got, wantETag)
		}
		wantCRC := strconv.FormatUint(crc64.Checksum(body, crc64.MakeTable(crc64.ECMA)), 10)
		for _, h := range []string{"x-cos-request-id", "Date"} {
			if resp.Header.Get(h) == "" {
				t.Fatalf("PUT response without %s", h)
			}
		}
		head, err := c.Object.Head(bg, key, nil)
		if err != nil {
			t.Fatalf("head %q: %v", key, err)
		}
		if head.Header.Get("x-cos-hash-crc64ecma") != wantCRC || head.ContentLength != int64(len(body)) ||
			head.Header.Get("X-Cos-Meta-Owner") != "me" || head.Header.Get("Content-Type") != "text/plain" {
			t.Fatalf("head %q: %v", key, head.Header)
		}
		get, err := c.Object.Get(bg, key, nil)
		if err != nil {
			t.Fatalf("get %q: %v", key, err)
		}
		got, _ := io.ReadAll(get.Body)
		get.Body.Close()
		if !bytes.Equal(got, body) || get.Header.Get("x-cos-hash-crc64ecma") != wantCRC {
			t.Fatalf("get %q: %d bytes, crc %s", key, len(got), get.Header.Get("x-cos-hash-crc64ecma"))
		}
	}
	// The listing shows exactly the keys put, in byte order.
	res, _, err := c.Bucket.Get(bg, &cos.BucketGetOptions{EncodingType: "url"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Contents) != len(keys) {
		t.Fatalf("listed %d objects, want %d", len(res.Contents), len(keys))
	}
	for _, o := range res.Contents {
		k, err := cos.DecodeURIComponent(o.Key)
		if err != nil || !contains(keys, k) {
			t.Fatalf("listed unknown key %q (%q)", o.Key, k)
		}
	}
	for _, key := range keys {
		if _, err := c.Object.Delete(bg, key); err != nil {
			t.Fatalf("delete %q: %v", key, err)
		}
		_, err := c.Object.Head(bg, key, nil)
		if !cos.IsNotFoundError(err) {
			t.Fatalf("head after delete: %v", err)
		}
	}
	_, err = c.Object.Get(bg, "missing", nil)
	cosErr(t, err, 404, "NoSuchKey")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
