package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestSignRefusesOver5GB: a file over COS's single-request limit is refused
// with the plain-words reason before the signing server is asked.
func TestSignRefusesOver5GB(t *testing.T) {
	var asked atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { asked.Add(1) }))
	defer srv.Close()
	_, err := NewSignServer(srv.URL, "", nil).Sign(context.Background(), "a.bin", MaxSingleUpload+1)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "5 GB") {
		t.Fatalf("Sign of 5 GB + 1: %v", err)
	}
	if asked.Load() != 0 {
		t.Errorf("the signing server was asked %d times for a file COS cannot take", asked.Load())
	}
}

func TestCOSURL(t *testing.T) {
	for _, c := range []struct{ host, key, want string }{
		{"examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com", "2024/01/a b+中.jpg", "https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/2024/01/a%20b%2B%E4%B8%AD.jpg"},
		{"127.0.0.1:9000", "x/y.txt", "http://127.0.0.1:9000/x/y.txt"},
		{"https://files.example.com", "/k", "https://files.example.com/k"},
	} {
		u, err := cosURL(c.host, c.key)
		if err != nil || u.String() != c.want {
			t.Errorf("cosURL(%q, %q) = %v, %v; want %s", c.host, c.key, u, err, c.want)
		}
	}
	if err := checkCOSHost("http://cos.example.com"); err == nil {
		t.Error("plain-http remote upload address accepted")
	}
}

// TestSignServerPutWithHTTPTest checks the wire: the signing server gets
// the Bearer token and ext, and the PUT NewRequest builds carries the
// returned Authorization and token to the escaped server-chosen key. The
// engine's handling of COS's answer is in uploader/signed_wire_test.go.
func TestSignServerPutWithHTTPTest(t *testing.T) {
	var got atomic.Value
	cosSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.Store(fmt.Sprintf("%s %s auth=%s tok=%s len=%d body=%s", r.Method, r.URL.EscapedPath(), r.Header.Get("Authorization"), r.Header.Get("x-cos-security-token"), r.ContentLength, b))
		w.Header().Set("ETag", `"etag"`)
	}))
	defer cosSrv.Close()
	host := strings.TrimPrefix(cosSrv.URL, "http://")
	signSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer LOGIN-TOKEN-1" {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"message":"please log in"}`)
			return
		}
		key := "2024/报告 " + r.URL.Query().Get("ext")
		fmt.Fprintf(w, `{"cosHost":%q,"cosKey":%q,"authorization":"q-sign-algorithm=sha1&q-signature=abc","securityToken":"TOKEN-XYZ-123"}`, host, key)
	}))
	defer signSrv.Close()

	s := NewSignServer(signSrv.URL+"/", "LOGIN-TOKEN-1", nil)
	path := filepath.Join(t.TempDir(), "x.pdf")
	if err := os.WriteFile(path, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	key, err := signAndSend(s, path)
	if err != nil {
		t.Fatal(err)
	}
	want := "PUT /2024/%E6%8A%A5%E5%91%8A%20pdf auth=q-sign-algorithm=sha1&q-signature=abc tok=TOKEN-XYZ-123 len=10 body=0123456789"
	if g := got.Load().(string); g != want {
		t.Errorf("COS saw\n %s\nwant\n %s", g, want)
	}
	if key != "2024/报告 pdf" {
		t.Errorf("key %q, want the server's", key)
	}

	bad := NewSignServer(signSrv.URL, "WRONG", nil)
	_, err = bad.PutSign(context.Background(), "jpg")
	if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "please log in") {
		t.Errorf("wrong login token: %v", err)
	}
}

func TestSignServerMalformedAnswers(t *testing.T) {
	for body, want := range map[string]string{
		`{"cosHost":"h"}`:                       "missing authorization, cosKey",
		`[]`:                                    "not_json",
		`{"code":1,"message":"quota exceeded"}`: "quota exceeded",
		`{"cosHost":"http://evil.example.com","cosKey":"k","authorization":"a"}`: "not https",
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
		_, err := NewSignServer(srv.URL, "", nil).PutSign(context.Background(), "jpg")
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
}

// TestTransportSkewCorrection: COS answers RequestTimeTooSkewed with its
// ServerTime; the transport corrects the clock and the replayable request
// succeeds on its second attempt.
func TestTransportSkewCorrection(t *testing.T) {
	serverTime := time.Now().Add(2 * time.Hour)
	var attempts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		w.Header().Set("Date", serverTime.UTC().Format(http.TimeFormat))
		a := r.Header.Get("Authorization")
		i := strings.Index(a, "q-sign-time=")
		var start int64
		fmt.Sscanf(a[i+len("q-sign-time="):], "%d", &start)
		if d := time.Unix(start, 0).Sub(serverTime); d < -time.Minute || d > time.Minute {
			w.Header()["Date"] = nil // only the body's ServerTime can correct the clock
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `<Error><Code>RequestTimeTooSkewed</Code><Message>skewed</Message><ServerTime>%s</ServerTime></Error>`, serverTime.UTC().Format(time.RFC3339))
			return
		}
		io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	tr := NewTransport(NewStatic(Credentials{SecretID: "AKIDx", SecretKey: "k"}), nil)
	req, _ := http.NewRequest("PUT", srv.URL+"/a", bytes.NewReader([]byte("data")))
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || attempts.Load() != 2 {
		t.Fatalf("status %d after %d attempts, want 200 after 2", resp.StatusCode, attempts.Load())
	}
	if off := tr.Clock.Offset(); off < 119*time.Minute || off > 121*time.Minute {
		t.Fatalf("clock offset %s, want about 2h", off)
	}
}

// TestTransportExpiredTokenRefresh: ExpiredToken forces one refresh and a
// retry signed with the new set.
func TestTransportExpiredTokenRefresh(t *testing.T) {
	sts := newSTSServer(t, time.Hour)
	p := NewSTS(sts.URL, "", nil)
	defer p.Close()
	first, _ := p.Credentials(context.Background())
	waitFor(t, "the set to age", func() bool { return time.Since(p.cur.Load().fetched) > time.Second })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-cos-security-token") == first.SessionToken {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>`)
			return
		}
	}))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/a", nil)
	resp, err := NewTransport(p, nil).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || sts.requests.Load() != 2 {
		t.Fatalf("status %d, %d STS requests; want 200 and 2", resp.StatusCode, sts.requests.Load())
	}
}
