package localcos

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

func blobCount(t *testing.T, s *Server) int {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(s.store.root, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func getRange(t *testing.T, c *cos.Client, key, rg string) []byte {
	t.Helper()
	resp, err := c.Object.Get(bg, key, &cos.ObjectGetOptions{Range: rg})
	if err != nil {
		t.Fatalf("get %s %s: %v", key, rg, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Complete publishes a manifest over hard-linked parts instead of copying
// them; reads stream across the parts, a reader keeps the old data through
// an overwrite, and overwrite, delete and restart leave no blob behind.
func TestMultipartManifest(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, func(c *Config) { c.DataDir = dir })
	c := permClient(t, s)
	data := patterned(2<<20 + 12345)
	key := "big/manifest.bin"
	if _, _, err := c.Object.Upload(bg, key, writeFile(t, data), &cos.MultiUploadOptions{PartSize: 1, ThreadPoolSize: 2}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(s.store.objectPath(key)); err != nil || fi.Size() > 64<<10 {
		t.Fatalf("object file should be a small manifest, not a copy: %v %v", fi, err)
	}
	if n := blobCount(t, s); n != 1 {
		t.Fatalf("%d blobs, want 1", n)
	}
	if got := getRange(t, c, key, ""); !bytes.Equal(got, data) {
		t.Fatal("whole object differs")
	}
	// A range across the first part boundary, and the last bytes.
	if got := getRange(t, c, key, "bytes=1048570-1048599"); !bytes.Equal(got, data[1048570:1048600]) {
		t.Fatalf("range across parts: %q", got)
	}
	if got := getRange(t, c, key, "bytes=-7"); !bytes.Equal(got, data[len(data)-7:]) {
		t.Fatalf("suffix range: %q", got)
	}

	// A reader that opened the object keeps reading it through an overwrite.
	r, m, err := s.store.openObject(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Object.Put(bg, key, strings.NewReader("small now"), nil); err != nil {
		t.Fatal(err)
	}
	old := make([]byte, m.Size)
	if _, err := r.ReadAt(old, 0); err != nil || !bytes.Equal(old, data) {
		t.Fatalf("reader lost the old data: %v", err)
	}
	if n := blobCount(t, s); n != 1 {
		t.Fatalf("blob removed while read: %d blobs", n)
	}
	r.Close()
	if n := blobCount(t, s); n != 0 {
		t.Fatalf("%d blobs after the last reader closed, want 0", n)
	}
	if got := getRange(t, c, key, ""); string(got) != "small now" {
		t.Fatalf("after overwrite: %q", got)
	}

	// Restart: the multipart object survives; an orphan blob (a Complete
	// that died before its manifest) is removed.
	if _, _, err := c.Object.Upload(bg, "again.bin", writeFile(t, data), &cos.MultiUploadOptions{PartSize: 1}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	orphan := filepath.Join(s.store.root, "blobs", "orphan-1")
	if err := os.MkdirAll(orphan, 0o755); err != nil {
		t.Fatal(err)
	}
	s2 := startServer(t, func(c *Config) { c.DataDir = dir })
	c2 := permClient(t, s2)
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Fatalf("orphan blob kept: %v", err)
	}
	if got := getRange(t, c2, "again.bin", ""); !bytes.Equal(got, data) {
		t.Fatal("multipart object changed across restart")
	}
	if n := blobCount(t, s2); n != 1 {
		t.Fatalf("%d blobs, want 1", n)
	}
	if _, err := c2.Object.Delete(bg, "again.bin"); err != nil {
		t.Fatal(err)
	}
	if n := blobCount(t, s2); n != 0 {
		t.Fatalf("%d blobs after delete, want 0", n)
	}
}
