package localcos

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

const (
	testID     = "AKIDlocalcostest0000000000000000"
	testSecret = "secret/+=KeyForLocalcosTests0000"
)

// startServer runs a server with a fresh data directory (or dir when given)
// and closes it at the end of the test.
func startServer(t testing.TB, mod func(*Config)) *Server {
	t.Helper()
	cfg := Config{Addr: "127.0.0.1:0", STSAddr: "127.0.0.1:0", DataDir: t.TempDir(), SecretID: testID, SecretKey: testSecret}
	if mod != nil {
		mod(&cfg)
	}
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// requestBound is the HTTP client timeout of this package's tests. It
// only ends a request that is stuck: under -race beside other work (a
// second `make test`, a build) a request that should succeed, multi-MiB
// bodies included, must not be cut off for being slow.
const requestBound = 2 * time.Minute

// client is a cos-go-sdk-v5 client for s signed with id/key/token.
func client(t testing.TB, s *Server, id, key, token string) *cos.Client {
	t.Helper()
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{
		Transport: &cos.AuthorizationTransport{SecretID: id, SecretKey: key, SessionToken: token},
		Timeout:   requestBound,
	})
	return c
}

func permClient(t testing.TB, s *Server) *cos.Client { return client(t, s, testID, testSecret, "") }

// cosErr asserts err is a COS error with the given status and code.
func cosErr(t *testing.T, err error, status int, code string) *cos.ErrorResponse {
	t.Helper()
	var er *cos.ErrorResponse
	if !errors.As(err, &er) {
		t.Fatalf("want COS error %d %s, got %v", status, code, err)
	}
	if er.Response.StatusCode != status || er.Code != code {
		t.Fatalf("want %d %s, got %d %s (%s)", status, code, er.Response.StatusCode, er.Code, er.Message)
	}
	if er.RequestID == "" {
		t.Fatalf("error without request id: %+v", er)
	}
	return er
}

var bg = context.Background()

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func errorsAs(err error, target any) bool { return errors.As(err, target) }
