package uploader_test

import (
	"bytes"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cosdrop/auth"
	"cosdrop/uploader"
)

// TestSignedWireAnswers drives the engine's server-signed PUT against a
// stand-in signing server and COS, and checks what crosses the wire and
// how COS's answer is read: the signing server gets the Bearer login token
// and the extension; the PUT carries the returned Authorization and token,
// the file's Content-Type and its bytes to the escaped non-ASCII key the
// server chose; a COS refusal comes back with its code, status and request
// ID and is not retried; a CRC64 that differs from the bytes sent fails the
// task.
func TestSignedWireAnswers(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]string{} // escaped path -> what each request carried
	table := crc64.MakeTable(crc64.ECMA)
	cosSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen[r.URL.EscapedPath()] = append(seen[r.URL.EscapedPath()], fmt.Sprintf("%s auth=%s tok=%s type=%s len=%d",
			r.Method, r.Header.Get("Authorization"), r.Header.Get("x-cos-security-token"), r.Header.Get("Content-Type"), len(b)))
		mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, ".denied"):
			w.Header().Set("x-cos-request-id", "REQ-DENIED")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied.</Message><RequestId>REQ-DENIED</RequestId></Error>`)
		case strings.HasSuffix(r.URL.Path, ".garbled"):
			w.Header().Set("x-cos-request-id", "REQ-CRC")
			w.Header().Set("x-cos-hash-crc64ecma", fmt.Sprint(crc64.Checksum(b, table)+1))
		default:
			w.Header().Set("x-cos-request-id", "REQ-OK")
			w.Header().Set("ETag", `"etag"`)
			w.Header().Set("x-cos-hash-crc64ecma", fmt.Sprint(crc64.Checksum(b, table)))
		}
	}))
	defer cosSrv.Close()
	host := strings.TrimPrefix(cosSrv.URL, "http://")
	signSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer LOGIN-TOKEN-1" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"please log in"}`)
			return
		}
		key := "2024/报告 1." + r.URL.Query().Get("ext")
		fmt.Fprintf(w, `{"cosHost":%q,"cosKey":%q,"authorization":"q-sign-algorithm=sha1&q-signature=abc","securityToken":"TOKEN-XYZ-123"}`, host, key)
	}))
	defer signSrv.Close()

	dir := t.TempDir()
	content := bytes.Repeat([]byte("0123456789"), 1000)
	var paths []string
	for _, name := range []string{"report.pdf", "secret.denied", "noisy.garbled"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	e := newEngine(t, uploader.Config{Signer: auth.NewSignServer(signSrv.URL, "LOGIN-TOKEN-1", nil),
		RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond})
	snaps := uploader.WaitBatch(t, e, e.Add(paths...))
	if len(snaps) != len(paths) {
		t.Fatalf("%d tasks for %d files", len(snaps), len(paths))
	}
	for _, got := range snaps {
		switch filepath.Ext(got.Path) {
		case ".pdf":
			if got.State != uploader.Done || got.Key != "2024/报告 1.pdf" || got.CRC64 != crc64.Checksum(content, table) {
				t.Errorf("pdf: %s at %q CRC64 %d, error %+v", got.State, got.Key, got.CRC64, got.LastErr)
			}
			if len(got.RequestIDs) == 0 || got.RequestIDs[0] != "REQ-OK" {
				t.Errorf("pdf: request IDs %q", got.RequestIDs)
			}
		case ".denied":
			if got.State != uploader.Failed || got.LastErr == nil || got.LastErr.Code != "AccessDenied" ||
				got.LastErr.RequestID != "REQ-DENIED" || got.LastErr.HTTPStatus != http.StatusForbidden {
				t.Errorf("refused: %s, error %+v; want AccessDenied, 403, REQ-DENIED", got.State, got.LastErr)
			}
			if got.Attempts > 1 {
				t.Errorf("a refusal was tried %d times", got.Attempts)
			}
		case ".garbled":
			if got.State != uploader.Failed || got.LastErr == nil || got.LastErr.Code != uploader.CodeCRCMismatch {
				t.Errorf("garbled: %s, error %+v; want CRCMismatch", got.State, got.LastErr)
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := fmt.Sprintf("PUT auth=q-sign-algorithm=sha1&q-signature=abc tok=TOKEN-XYZ-123 type=application/pdf len=%d", len(content))
	if got := seen["/2024/%E6%8A%A5%E5%91%8A%201.pdf"]; len(got) != 1 || got[0] != want {
		t.Errorf("COS saw %q at the escaped key; want once %q (all: %q)", got, want, seen)
	}
}
