// Package localcostest starts localcos for a test: the one way every
// package's tests get a COS (and a credential server) to talk to.
package localcostest

import (
	"net/http"
	"net/url"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/localcos"
)

// The permanent key Start gives a server whose Config names none.
const (
	SecretID  = "AKIDlocalcostest0001"
	SecretKey = "LocalcostestSecretKey0123456789a"
)

// Start runs a localcos server until t ends. What cfg leaves empty is
// filled for a test: both listeners on free loopback ports, the data in
// t.TempDir(), the key pair SecretID and SecretKey. A test that restarts
// a server on the same data passes that DataDir again.
func Start(t testing.TB, cfg localcos.Config) *localcos.Server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.STSAddr == "" {
		cfg.STSAddr = "127.0.0.1:0"
	}
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.SecretID == "" && cfg.SecretKey == "" {
		cfg.SecretID, cfg.SecretKey = SecretID, SecretKey
	}
	s, err := localcos.Start(cfg)
	if err != nil {
		t.Fatalf("start localcos: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Client is an SDK client of s's bucket that signs with the permanent key
// id and key: what a test uses to look at the bucket behind the code under
// test.
func Client(s *localcos.Server, id, key string) *cos.Client {
	u, _ := url.Parse(s.URL())
	c := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: &cos.AuthorizationTransport{SecretID: id, SecretKey: key}})
	c.DisableURLCheck()
	return c
}
