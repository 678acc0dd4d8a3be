package uploader_test

// Cross-package acceptance tests: the real engine with the real auth
// providers against localcos over loopback HTTP. Helpers shared with
// signed_e2e_test.go live here.

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc64"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/uploader"
)

// e2eID and e2eKey are the permanent key of every e2eServer.
const e2eID, e2eKey = localcostest.SecretID, localcostest.SecretKey

// e2eServer starts localcos (and its credential server) with localcostest's
// key pair.
func e2eServer(t testing.TB, cfg localcos.Config) *localcos.Server {
	t.Helper()
	return localcostest.Start(t, cfg)
}

// e2eHead HEADs key with the permanent key (the STS and signing policies do
// not grant reads) and returns what COS reports.
func e2eHead(t testing.TB, s *localcos.Server, key string) (size int64, crc uint64) {
	t.Helper()
	c := localcostest.Client(s, e2eID, e2eKey)
	resp, err := c.Object.Head(context.Background(), key, nil)
	if err != nil {
		t.Fatalf("HEAD %q: %v", key, err)
	}
	size, _ = strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
	crc, err = strconv.ParseUint(resp.Header.Get("x-cos-hash-crc64ecma"), 10, 64)
	if err != nil {
		t.Fatalf("HEAD %q: no CRC64 header: %v", key, err)
	}
	return size, crc
}

// writePattern writes size bytes quickly: a 1 MiB pseudo-random block
// repeated, each copy stamped with its index so that no two parts are equal
// and a misplaced part changes the CRC64. It returns the file's CRC64-ECMA.
func writePattern(t testing.TB, path string, size int64) uint64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 1<<20)
	x := uint64(0x9E3779B97F4A7C15)
	for i := 0; i < len(block); i += 8 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		binary.LittleEndian.PutUint64(block[i:], x)
	}
	tab := crc64.MakeTable(crc64.ECMA)
	var crc uint64
	for off, n := int64(0), int64(0); off < size; off, n = off+int64(len(block)), n+1 {
		binary.LittleEndian.PutUint64(block, uint64(n))
		chunk := block[:min(int64(len(block)), size-off)]
		if _, err := f.Write(chunk); err != nil {
			t.Fatal(err)
		}
		crc = crc64.Update(crc, tab, chunk)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return crc
}

func newEngine(t testing.TB, cfg uploader.Config) *uploader.Engine {
	t.Helper()
	if cfg.StateDir == "" {
		cfg.StateDir = t.TempDir()
	}
	e, err := uploader.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// TestSTSE2ELargeMultipart is issue 4's STS acceptance: 5-second temporary
// credentials from localcos's credential server, the real STS provider and
// engine, and a 200 MB multipart upload held to a bandwidth that makes it
// span several credential lifetimes. The upload completes and verifies,
// the credentials were refreshed several times, and no part was refused.
func TestSTSE2ELargeMultipart(t *testing.T) {
	t.Parallel() // ~25 s of wall clock at a capped rate, on its own server
	if testing.Short() {
		t.Skip("200 MB upload; skipped with -short")
	}
	const (
		size = 200 << 20
		life = 5 * time.Second
		rate = 8 << 20 // ~25 s: five lifetimes
	)
	s := e2eServer(t, localcos.Config{STSLifetime: life})
	path := filepath.Join(t.TempDir(), "big-200MB.bin")
	want := writePattern(t, path, size)

	sts := auth.NewSTS(s.STSURL()+"/sts", "", nil)
	defer sts.Close()
	first, err := sts.Credentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, uploader.Config{
		BucketURL: s.URL(), Credentials: sts, Prefix: "sts-e2e/",
		PartSize: 4 << 20, Concurrency: 4, RateLimit: rate,
		RetryBase: 10 * time.Millisecond, RetryMax: 200 * time.Millisecond,
	})
	start := time.Now()
	b := e.Add(path)
	snaps := uploader.WaitBatch(t, e, b)
	elapsed := time.Since(start)
	if len(snaps) != 1 {
		t.Fatalf("%d tasks, want 1", len(snaps))
	}
	got := snaps[0]
	if got.State != uploader.Done {
		t.Fatalf("state %s, last error %+v", got.State, got.LastErr)
	}
	if got.UploadID == "" {
		t.Errorf("a 200 MB file with 4 MiB parts went up without a multipart upload ID")
	}
	if got.Key != "sts-e2e/big-200MB.bin" {
		t.Errorf("key %q", got.Key)
	}
	if got.CRC64 != want {
		t.Errorf("engine CRC64 %d, file CRC64 %d", got.CRC64, want)
	}
	if n, crc := e2eHead(t, s, got.Key); n != size || crc != want {
		t.Errorf("COS has %d bytes, CRC64 %d; want %d bytes, CRC64 %d", n, crc, size, want)
	}

	st := s.Stats()
	fetches := st.CountStatus("sts:/sts", http.StatusOK)
	lifetimes := int64(elapsed / life)
	t.Logf("uploaded %d MiB in %v (%d credential lifetimes): %d credential fetches (provider counted %d), UploadPart statuses %v, Complete %v",
		size>>20, elapsed.Round(time.Millisecond), lifetimes, fetches, sts.Refreshes(), st.Requests["UploadPart"], st.Requests["CompleteMultipartUpload"])
	if lifetimes < 3 {
		t.Fatalf("upload took %v, under 3 credential lifetimes: the test proves nothing; lower the rate", elapsed)
	}
	// A fetch at ~80% of each 5 s life: at least one per lifetime after the first.
	if fetches < lifetimes {
		t.Errorf("%d credential fetches over %d lifetimes; the provider is not refreshing ahead of expiry", fetches, lifetimes)
	}
	// Zero failed parts: no UploadPart was refused (an expired or mixed
	// credential set answers 403), none was retried, and the task recorded
	// no error at all.
	if n := st.CountStatus("UploadPart", http.StatusForbidden); n != 0 {
		t.Errorf("%d UploadPart requests refused with 403", n)
	}
	if want, n := int64(size/(4<<20)), st.Count("UploadPart"); n != want {
		t.Errorf("%d UploadPart requests, want exactly %d (one per part, no retries)", n, want)
	}
	if len(got.Errors) != 0 {
		t.Errorf("task recorded errors: %+v", got.Errors)
	}

	// Control: the server really enforces the 5 s expiry, so the refreshes
	// above were needed. The first set, long expired, is refused.
	u, _ := url.Parse(s.URL())
	stale := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: auth.NewTransport(auth.NewStatic(first), nil)})
	resp, err := stale.Object.Head(context.Background(), got.Key, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("HEAD with the first, expired credential set: %v (response %v); want 403", err, resp != nil)
	}
}

// TestSTSE2EWrongLoginToken: the credential server refuses the login
// token; the task fails and its error carries the server's own 401 message
// (not a generic "network error"), and no COS request was made with it.
func TestSTSE2EWrongLoginToken(t *testing.T) {
	s := e2eServer(t, localcos.Config{STSAuthToken: "the-right-login-token"})
	path := filepath.Join(t.TempDir(), "a.txt")
	if err := os.WriteFile(path, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	sts := auth.NewSTS(s.STSURL()+"/sts", "a-wrong-login-token", nil)
	defer sts.Close()
	e := newEngine(t, uploader.Config{
		BucketURL: s.URL(), Credentials: sts,
		RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond,
	})
	snaps := uploader.WaitBatch(t, e, e.Add(path))
	got := snaps[0]
	if got.State != uploader.Failed || got.LastErr == nil {
		t.Fatalf("state %s, error %+v; want failed", got.State, got.LastErr)
	}
	const serverMsg = "A valid Authorization: Bearer token is required."
	if !strings.Contains(got.LastErr.Message, serverMsg) {
		t.Errorf("error %q does not show the server's message %q", got.LastErr.Message, serverMsg)
	}
	// A refused login token will not be accepted on the next try: the
	// task fails on the first refusal instead of backing off for a minute.
	if len(got.Errors) > 1 {
		t.Errorf("a refused login token was retried %d times: %+v", len(got.Errors), got.Errors)
	}
	if got.LastErr.Code != "Unauthorized" {
		t.Errorf("error code %q, want Unauthorized (not a network error)", got.LastErr.Code)
	}
	if strings.Contains(got.LastErr.Message, "reader content length") {
		t.Errorf("error carries the SDK's spurious reader-length note: %q", got.LastErr.Message)
	}
	if strings.Contains(got.LastErr.Message, "a-wrong-login-token") {
		t.Errorf("error shows the login token: %q", got.LastErr.Message)
	}
	if n := s.Stats().CountStatus("sts:/sts", http.StatusUnauthorized); n == 0 {
		t.Error("the credential server saw no refused request")
	}
	if n := s.Stats().Count("PutObject"); n != 0 {
		t.Errorf("%d PutObject requests reached COS without credentials", n)
	}
	// The provider's own error is the sentinel callers branch on.
	if _, err := sts.Credentials(context.Background()); !errors.Is(err, auth.ErrUnauthorized) {
		t.Errorf("provider error %v does not match auth.ErrUnauthorized", err)
	}
}
