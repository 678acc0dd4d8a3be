package uploader

import (
	"context"
	"encoding/json"
	"errors"
	"hash/crc64"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

func TestExpandKey(t *testing.T) {
	at := time.Date(2024, 3, 9, 10, 0, 0, 0, time.UTC)
	cases := []struct{ tmpl, rel, want string }{
		{"", "a.txt", "a.txt"},
		{"", "Photos/2024/a.jpg", "Photos/2024/a.jpg"},
		{"uploads", "Photos/a.jpg", "uploads/Photos/a.jpg"},
		{"uploads/", "a.jpg", "uploads/a.jpg"},
		{"{yyyy}/{mm}/{dd}/", "x/a.jpg", "2024/03/09/x/a.jpg"},
		{"backup/{date}/{filename}", "x/y/a.jpg", "backup/2024-03-09/a.jpg"},
		{"b/{relpath}", "x/y/a.jpg", "b/x/y/a.jpg"},
		{"", "cafe\u0301.txt", "caf\u00e9.txt"}, // NFD in, NFC out
	}
	for _, c := range cases {
		if got := expandKey(c.tmpl, c.rel, at); got != c.want {
			t.Errorf("expandKey(%q, %q) = %q, want %q", c.tmpl, c.rel, got, c.want)
		}
	}
}

func TestCheckKey(t *testing.T) {
	good := []string{"a.txt", "dir/子目录/文件 (1).jpg", "a..b/c", strings.Repeat("x", 850)}
	for _, k := range good {
		if err := checkKey("/tmp/f", k); err != nil {
			t.Errorf("checkKey(%q) = %v, want nil", k, err)
		}
	}
	bad := map[string]string{
		strings.Repeat("x", 851): "851 bytes",
		"/abs":                   `starts with "/"`,
		"a/../b":                 `".." segment`,
		"..":                     `".." segment`,
		"a/./b":                  `"." segment`,
		"tab\there":              "control character",
		"nul\x00":                "control character",
		"dir/":                   "folder marker",
		"":                       "empty",
	}
	for k, want := range bad {
		err := checkKey("/home/u/f.txt", k)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "/home/u/f.txt") {
			t.Errorf("checkKey(%q) = %v, want an error naming the file and %q", k, err, want)
		}
	}
}

func TestRenamedKey(t *testing.T) {
	cases := map[string]string{
		"a/b.jpg":    "a/b (2).jpg",
		"b.tar.gz":   "b (2).tar.gz",
		"dir/README": "dir/README (2)",
		".bashrc":    ".bashrc (2)",
	}
	for in, want := range cases {
		if got := renamedKey(in, 2); got != want {
			t.Errorf("renamedKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestChoosePartSize(t *testing.T) {
	if got := choosePartSize(100<<20, 0); got != DefaultPartSize {
		t.Errorf("100 MiB: %d", got)
	}
	if got := choosePartSize(1<<20, 1); got != MinPartSize {
		t.Errorf("tiny configured size not raised to 1 MiB: %d", got)
	}
	for _, size := range []int64{80 << 30, 200 << 30, 48 << 40} {
		ps := choosePartSize(size, 0)
		if (size+ps-1)/ps > MaxParts {
			t.Errorf("%d bytes: part size %d gives more than 10,000 parts", size, ps)
		}
	}
}

func TestCRC64CombineVectors(t *testing.T) {
	a, b := []byte("123456789"), []byte("The quick brown fox jumps over the lazy dog")
	ca, cb := crc64.Checksum(a, crcTable), crc64.Checksum(b, crcTable)
	if ca != 11051210869376104954 || cb != 6583902852472283588 {
		t.Fatalf("table is not COS's CRC64: %d %d", ca, cb)
	}
	if got := crc64Combine(ca, cb, int64(len(b))); got != 7651936112208920297 {
		t.Errorf("combine = %d, want 7651936112208920297", got)
	}
	// Reference §3: 3 MiB + 5 B of byte(i%251) in 1 MiB parts.
	data := make([]byte, 3<<20+5)
	for i := range data {
		data[i] = byte(i % 251)
	}
	var whole uint64
	for off := 0; off < len(data); off += 1 << 20 {
		part := data[off:min(off+1<<20, len(data))]
		whole = crc64Combine(whole, crc64.Checksum(part, crcTable), int64(len(part)))
	}
	if whole != 5146012454610688221 {
		t.Errorf("combined = %d, want 5146012454610688221", whole)
	}
	if crc64Combine(ca, 0, 0) != ca {
		t.Error("combining an empty part must not change the CRC")
	}
}

func TestGateLimitsAndResizes(t *testing.T) {
	g := newGate(2)
	ctx := context.Background()
	var inFlight, peak atomic.Int32
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.acquire(ctx); err != nil {
				t.Error(err)
				return
			}
			n := inFlight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			<-release
			inFlight.Add(-1)
			g.release()
		}()
	}
	waitFor(t, func() bool { return inFlight.Load() == 2 })
	g.setLimit(4)
	waitFor(t, func() bool { return inFlight.Load() == 4 })
	close(release)
	wg.Wait()
	if peak.Load() != 4 {
		t.Errorf("peak in flight %d, want 4", peak.Load())
	}
	// A canceled waiter gives its place up.
	g.setLimit(1)
	if err := g.acquire(ctx); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := g.acquire(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("acquire on a full gate with a canceled context: %v", err)
	}
	g.release()
	if g.inUse() != 0 {
		t.Errorf("in use %d after all released", g.inUse())
	}
}

func cosErr(status int, code, msg string) error {
	return &cos.ErrorResponse{Response: &http.Response{StatusCode: status, Header: http.Header{}}, Code: code, Message: msg}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		err  error
		want verdict
	}{
		{cosErr(500, "InternalError", ""), retry},
		{cosErr(503, "SlowDown", "slow down"), retry},
		{cosErr(429, "TooManyRequests", ""), retry},
		{cosErr(403, "ExpiredToken", ""), refresh},
		{cosErr(403, "AccessDenied", "Request has expired"), refresh},
		{cosErr(403, "AccessDenied", "Access Denied."), fatal},
		{cosErr(403, "SignatureDoesNotMatch", ""), fatal},
		{cosErr(404, "NoSuchBucket", ""), fatal},
		{&cos.RetryError{Errs: []error{errors.New("read: connection reset by peer")}}, retry},
		{&cos.RetryError{Errs: []error{cosErr(503, "ServiceUnavailable", "")}}, retry},
		{errors.New("unexpected EOF"), retry},
		{fileChanged(), fatal},
		{&codedError{code: CodeCRCMismatch, retryable: true}, retry},
		{&codedError{code: CodeCRCMismatch}, fatal},
	}
	for _, c := range cases {
		if got := classify(c.err); got != c.want {
			t.Errorf("classify(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}

func TestBackoffGrowsWithJitterAndCap(t *testing.T) {
	base, maxd := 100*time.Millisecond, 2*time.Second
	for attempt := 1; attempt <= 10; attempt++ {
		want := min(base<<(attempt-1), maxd)
		for range 50 {
			d := backoff(attempt, base, maxd)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: backoff %v outside [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
}

func TestRetrierPolicy(t *testing.T) {
	e := &Engine{cfg: Config{MaxAttempts: 4, RetryBase: time.Microsecond, RetryMax: time.Microsecond}}
	ctx := context.Background()

	calls := 0
	err := retrier{e: e, op: "x"}.do(ctx, nil, func(context.Context) error {
		calls++
		return cosErr(503, "SlowDown", "")
	})
	if err == nil || calls != 4 || !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Errorf("5xx: %d calls, err %v; want 4 calls and a give-up error", calls, err)
	}

	calls = 0
	err = retrier{e: e, op: "x"}.do(ctx, nil, func(context.Context) error {
		calls++
		return cosErr(403, "AccessDenied", "Access Denied.")
	})
	if err == nil || calls != 1 {
		t.Errorf("4xx: %d calls, want 1 (no retry)", calls)
	}

	calls = 0
	var noted []error
	err = retrier{e: e, op: "x"}.do(ctx, func(err error) { noted = append(noted, err) }, func(context.Context) error {
		calls++
		if calls < 3 {
			return errors.New("connection reset by peer")
		}
		return nil
	})
	if err != nil || calls != 3 || len(noted) != 2 {
		t.Errorf("network errors: %d calls, %d noted, err %v", calls, len(noted), err)
	}
}

// waitBound is how long any wait in this package's tests (waitFor,
// waitState, waitBatch, within) lets a condition take before calling the
// test stuck. It only ends a stuck test: these tests run under -race beside
// other work (a second `make test`, a build), and the longest legitimate
// wait, a 200 MB rate-limited upload (TestSTSE2ELargeMultipart), takes a
// minute or more there.
const waitBound = 5 * time.Minute

// waitFor polls cond until it holds, failing the test after waitBound.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", waitBound)
		}
		time.Sleep(2 * time.Millisecond) // poll interval, bounded by the deadline
	}
}

func TestRecordCodecRoundTrip(t *testing.T) {
	now := stampOf(time.Unix(1700000000, 123456789))
	te := TaskError{Op: "upload part 3", Code: "SlowDown", HTTPStatus: 503, RequestID: "req-1", Message: "slow down", Time: now.Time().UTC()}
	for _, r := range []record{
		{ID: 7, Batch: 2, Path: "/data/Photos/a b.jpg", Key: "Photos/a b.jpg", Size: 10, MTime: 42, State: Done, Attempts: 2,
			ETag: `"abc"`, CRC64: 1<<63 + 5, RequestIDs: []string{"r1", "r2"}, Resolved: true, Created: now, Started: now, Finished: now},
		{ID: 8, Path: "/x/照片.png", Key: "2026/照片.png", State: Paused, UploadID: "u-1", PartSize: 8 << 20, Acked: 16 << 20,
			Note: note(NoteRenamed, "from", "a", "to", "b"), LastErr: &te, Errors: []TaskError{te, te}, Created: now},
		{ID: 9, Path: "/x/y", Key: "", State: Queued},
	} {
		b, err := encodeRecord(&r)
		if err != nil {
			t.Fatal(err)
		}
		var got record
		if err := decodeRecord(b, &got); err != nil {
			t.Fatalf("decode %d: %v", r.ID, err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("round trip of %d:\n got %+v\nwant %+v", r.ID, got, r)
		}
		if err := decodeRecord(b[:len(b)-1], &got); err == nil {
			t.Errorf("record %d: a truncated record decoded without error", r.ID)
		}
		// Journals written before the binary form hold JSON.
		js, _ := json.Marshal(&r)
		var old record
		if err := decodeRecord(js, &old); err != nil || old.Path != r.Path || old.Key != r.Key || old.State != r.State || old.Created != r.Created {
			t.Errorf("legacy JSON record %d: %v %+v", r.ID, err, old)
		}
	}
}
