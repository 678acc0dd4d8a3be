package cli

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"cosdrop/clipboard"
	"cosdrop/localcos"
)

// fakeClipboard replaces the system clipboard for one test: reads give c,
// writes are recorded.
func fakeClipboard(t *testing.T, c clipboard.Content) *[]string {
	t.Helper()
	var written []string
	oldR, oldW := readClipboard, writeClipboard
	readClipboard = func() (clipboard.Content, error) { return c, nil }
	writeClipboard = func(s string) error { written = append(written, s); return nil }
	t.Cleanup(func() { readClipboard, writeClipboard = oldR, oldW })
	return &written
}

func screenshotPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pasteArgs is `cosdrop upload --clipboard` against s with the
// environment's key.
func pasteArgs(t *testing.T, s *localcos.Server) []string {
	t.Setenv("TENCENTCLOUD_SECRET_ID", cliID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", cliKey)
	t.Setenv("COSDROP_DATA_DIR", t.TempDir())
	return []string{"upload", "--clipboard", "--endpoint", s.URL(), "--bucket", cliBucket, "--region", cliRegion,
		"--prefix", "shots/", "--state-dir", filepath.Join(t.TempDir(), "state")}
}

// TestUploadClipboardImage: a screenshot on the clipboard is uploaded as
// PNG under {date}/{time}-screenshot.png, verified, and its link is
// printed and copied back to the clipboard.
func TestUploadClipboardImage(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	pic := screenshotPNG(t)
	written := fakeClipboard(t, clipboard.Content{Kind: clipboard.Image, PNG: pic})
	before := time.Now()
	r := runCLI(t, pasteArgs(t, s)...)
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	keyRE := regexp.MustCompile(`shots/(\d{4}-\d\d-\d\d)/\d{6}-screenshot\.png`)
	m := keyRE.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no link to shots/{date}/{time}-screenshot.png in %q", r.stdout)
	}
	if day := before.Format("2006-01-02"); m[1] != day && m[1] != time.Now().Format("2006-01-02") {
		t.Errorf("date folder %s, want %s", m[1], day)
	}
	size, _, found := headObject(t, s, m[0])
	if !found || size != int64(len(pic)) {
		t.Errorf("COS %q: found %v, %d bytes; want %d", m[0], found, size, len(pic))
	}
	if len(*written) != 1 || !strings.Contains((*written)[0], m[0]) || strings.Contains((*written)[0], "\n") {
		t.Errorf("clipboard written %q, want the one link", *written)
	}
	if !strings.Contains(r.stderr, "Copied the link to the clipboard.") {
		t.Errorf("stderr does not say the link was copied: %q", r.stderr)
	}
}

// TestUploadClipboardPaths: files copied in a file manager (as GNOME's
// text, with its "copy" line and file:// URIs) are uploaded as if
// dropped; text that names no file uploads nothing and says why.
func TestUploadClipboardPaths(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	src := t.TempDir()
	a, _ := writeTestFile(t, src, "报告 a.txt", []byte("a"))
	b, _ := writeTestFile(t, src, "b.txt", []byte("bb"))
	uri := "file://" + filepath.ToSlash(strings.ReplaceAll(a, " ", "%20"))
	fakeClipboard(t, clipboard.Content{Kind: clipboard.Text, Text: "copy\n" + uri + "\n\"" + b + "\"\n"})
	if r := runCLI(t, pasteArgs(t, s)...); r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	for _, key := range []string{"shots/报告 a.txt", "shots/b.txt"} {
		if _, _, found := headObject(t, s, key); !found {
			t.Errorf("%q was not uploaded", key)
		}
	}
	written := fakeClipboard(t, clipboard.Content{Kind: clipboard.Text, Text: "meeting at 10\n" + b})
	r := runCLI(t, pasteArgs(t, s)...)
	if r.code != 1 || !strings.Contains(r.stderr, "meeting at 10") || !strings.Contains(r.stderr, "not a file on this computer") {
		t.Errorf("text that names no file: exit %d, stderr %q; want 1 and the line named", r.code, r.stderr)
	}
	if len(*written) != 0 {
		t.Errorf("clipboard written %q after a refused paste", *written)
	}
	fakeClipboard(t, clipboard.Content{})
	if r := runCLI(t, pasteArgs(t, s)...); r.code != 1 || !strings.Contains(r.stderr, "nothing to upload") {
		t.Errorf("empty clipboard: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCLI(t, append(pasteArgs(t, s), b)...); r.code != 2 {
		t.Errorf("--clipboard with a path: exit %d, want 2", r.code)
	}
}
