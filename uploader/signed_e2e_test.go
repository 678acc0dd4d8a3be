package uploader_test

import (
	"bytes"
	"context"
	"hash/crc64"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/uploader"
)

// serverKey is the shape of a key localcos's signing server picks:
// yyyy/mm/dd/<random hex>.<ext of the local name>.
var serverKey = regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/[0-9a-f]+\.txt$`)

// TestSignedE2ENonASCIIName is the server-signed acceptance through the
// engine: Config.Signer is the real auth.SignServer against localcos's
// /put-sign. A file whose name is Chinese, emoji, spaces and URL-special
// characters goes up in one PUT to the key the server picked; the snapshot
// carries that key and the CRC64 COS reports matches the file's.
func TestSignedE2ENonASCIIName(t *testing.T) {
	s := e2eServer(t, localcos.Config{})
	dir := t.TempDir()
	name := "报告 (1) #2 ?&% 📄.txt"
	if runtime.GOOS == "windows" {
		name = "报告 (1) #2 &% 📄.txt" // "?" is not allowed in a Windows file name
	}
	path := filepath.Join(dir, name)
	content := bytes.Repeat([]byte("文件内容 CosDrop 服务器签名\n"), 40000) // ~1.2 MB
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	want := crc64.Checksum(content, crc64.MakeTable(crc64.ECMA))

	e := newEngine(t, uploader.Config{
		Signer: auth.NewSignServer(s.STSURL(), "", nil), Prefix: "ignored-in-signed-mode/",
		RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond,
	})
	snaps := uploader.WaitBatch(t, e, e.Add(path))
	got := snaps[0]
	if got.State != uploader.Done {
		t.Fatalf("state %s, error %+v", got.State, got.LastErr)
	}
	if !serverKey.MatchString(got.Key) {
		t.Errorf("snapshot key %q is not the server-chosen yyyy/mm/dd/<hex>.txt", got.Key)
	}
	if got.CRC64 != want || got.Size != int64(len(content)) || got.Acked != got.Size {
		t.Errorf("snapshot CRC64 %d size %d acked %d; want CRC64 %d size %d", got.CRC64, got.Size, got.Acked, want, len(content))
	}
	if got.UploadID != "" {
		t.Errorf("server-signed upload used multipart (upload ID %q)", got.UploadID)
	}
	if len(got.RequestIDs) == 0 || got.RequestIDs[0] == "" {
		t.Errorf("no COS request ID recorded: %q", got.RequestIDs)
	}
	if n, crc := e2eHead(t, s, got.Key); n != int64(len(content)) || crc != want {
		t.Errorf("COS has %d bytes CRC64 %d at %q; want %d bytes CRC64 %d", n, crc, got.Key, len(content), want)
	}
	st := s.Stats()
	if n := st.CountStatus("sts:/put-sign", http.StatusOK); n != 1 {
		t.Errorf("%d put-sign requests, want 1", n)
	}
	if n := st.Count("PutObject"); n != 1 {
		t.Errorf("%d PutObject requests, want 1: %v", n, st.Requests["PutObject"])
	}
	if _, err := e.PresignedURL(context.Background(), got.ID, time.Minute); err == nil {
		t.Error("PresignedURL succeeded in server-signed mode, which has no key to sign with")
	}
}

// TestSignedE2ETooLarge: a server-signed profile uploads each file in one
// request, which COS caps at 5 GB. A 5 GB + 1 byte file (sparse: nothing is
// written) fails at once with a message that says why, before the signing
// server or COS is asked for anything; a small file of the same batch still
// goes up.
func TestSignedE2ETooLarge(t *testing.T) {
	s := e2eServer(t, localcos.Config{})
	dir := t.TempDir()
	big := filepath.Join(dir, "huge.mkv")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, auth.MaxSingleUpload+1); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "small.txt")
	if err := os.WriteFile(small, []byte("small file"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, uploader.Config{
		Signer:    auth.NewSignServer(s.STSURL(), "", nil),
		RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond,
	})
	snaps := uploader.WaitBatch(t, e, e.Add(big, small))
	if len(snaps) != 2 {
		t.Fatalf("%d tasks, want 2", len(snaps))
	}
	for _, got := range snaps {
		switch filepath.Base(got.Path) {
		case "huge.mkv":
			if got.State != uploader.Failed || got.LastErr == nil {
				t.Fatalf("5 GB + 1 file: state %s, error %+v; want failed", got.State, got.LastErr)
			}
			msg := got.LastErr.Message
			if got.LastErr.Code != "EntityTooLarge" {
				t.Errorf("error code %q, want EntityTooLarge (COS's code, which the UI explains)", got.LastErr.Code)
			}
			if !strings.Contains(msg, "5 GB") || !strings.Contains(msg, "one request") {
				t.Errorf("error %q does not explain the 5 GB single-request limit", msg)
			}
			if got.Attempts > 1 || len(got.Errors) != 1 {
				t.Errorf("refused file was retried: %d attempts, errors %+v", got.Attempts, got.Errors)
			}
			if got.Acked != 0 {
				t.Errorf("%d bytes acknowledged for a refused file", got.Acked)
			}
		case "small.txt":
			if got.State != uploader.Done {
				t.Errorf("small file: state %s, error %+v", got.State, got.LastErr)
			}
		}
	}
	st := s.Stats()
	if n := st.Count("sts:/put-sign"); n != 1 {
		t.Errorf("%d put-sign requests, want 1 (only for the small file)", n)
	}
	if st.BytesReceived > 1<<20 {
		t.Errorf("COS received %d bytes: the big file was streamed", st.BytesReceived)
	}
}

// TestSignedE2EWrongLoginToken: the signing server refuses the login token;
// the task fails at once (no backoff loop) with the server's own message.
func TestSignedE2EWrongLoginToken(t *testing.T) {
	s := e2eServer(t, localcos.Config{STSAuthToken: "the-right-login-token"})
	path := filepath.Join(t.TempDir(), "照片.txt")
	if err := os.WriteFile(path, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, uploader.Config{
		Signer:    auth.NewSignServer(s.STSURL(), "a-wrong-login-token", nil),
		RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond,
	})
	got := uploader.WaitBatch(t, e, e.Add(path))[0]
	if got.State != uploader.Failed || got.LastErr == nil {
		t.Fatalf("state %s, error %+v; want failed", got.State, got.LastErr)
	}
	if !strings.Contains(got.LastErr.Message, "A valid Authorization: Bearer token is required.") || got.LastErr.Code != "Unauthorized" {
		t.Errorf("error %+v; want code Unauthorized with the server's 401 message", got.LastErr)
	}
	if n := s.Stats().Count("sts:/put-sign"); n != 1 {
		t.Errorf("%d put-sign requests; a refused token should be asked once", n)
	}
}

// TestSignedE2EPostOnlyServer (issue 11): a signing server built from
// Tencent's samples that offers only /post-policy (its /put-sign is 404).
// Through the engine, the file goes up as a POST form, with the
// Content-Type of its name (image/png), and verifies by CRC64.
func TestSignedE2EPostOnlyServer(t *testing.T) {
	s := e2eServer(t, localcos.Config{})
	upstream, err := url.Parse(s.STSURL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(upstream)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/put-sign") {
			http.NotFound(w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "photo.png")
	content := bytes.Repeat([]byte("\x89PNG not really"), 5000)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, uploader.Config{Signer: auth.NewSignServer(srv.URL, "", nil),
		RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond})
	got := uploader.WaitBatch(t, e, e.Add(path))[0]
	if got.State != uploader.Done || !got.Verified {
		t.Fatalf("POST-only signing server: %s verified %v error %+v", got.State, got.Verified, got.LastErr)
	}
	if st := s.Stats(); st.Count("PostObject") != 1 || st.Count("PutObject") != 0 {
		t.Errorf("requests %v: want one POST and no PUT", st.Requests)
	}
	want := crc64.Checksum(content, crc64.MakeTable(crc64.ECMA))
	if n, crc := e2eHead(t, s, got.Key); n != int64(len(content)) || crc != want {
		t.Errorf("COS has %d bytes CRC64 %d, want %d, %d", n, crc, len(content), want)
	}
	if ct := e2eContentType(t, s, got.Key); ct != "image/png" {
		t.Errorf("Content-Type %q, want image/png (a picture must display, not download)", ct)
	}
}

// e2eContentType is the Content-Type COS stores for key (permanent key).
func e2eContentType(t testing.TB, s *localcos.Server, key string) string {
	t.Helper()
	c := localcostest.Client(s, e2eID, e2eKey)
	resp, err := c.Object.Head(context.Background(), key, nil)
	if err != nil {
		t.Fatalf("HEAD %q: %v", key, err)
	}
	return resp.Header.Get("Content-Type")
}
