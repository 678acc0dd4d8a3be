package localcos

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

func TestTLSWithGeneratedCA(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca", "localcos-ca.pem")
	s := startServer(t, func(c *Config) { c.TLS, c.CAFile = true, caFile })
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") || !strings.HasPrefix(s.STSURL(), "https://") || s.CAFile() != caFile {
		t.Fatalf("URLs %s %s, CA %s", s.URL(), s.STSURL(), s.CAFile())
	}
	// A client trusting only the CA file connects.
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("CA file holds no certificate")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	u, _ := url.Parse(s.URL())
	c := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Timeout: requestBound,
		Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testSecret, Transport: tr}})
	if _, err := c.Object.Put(bg, "tls/a.txt", strings.NewReader("over TLS"), nil); err != nil {
		t.Fatal(err)
	}
	id, opt := uploadParts(t, c, "tls/m.bin", nil, []byte("one part"))
	_, _, err = c.Object.CompleteMultipartUpload(bg, "tls/m.bin", id, opt)
	if err != nil {
		t.Fatal(err)
	}
	// Location carries the https scheme.
	resp, raw := rawCompleteTLS(t, s, tr, c)
	if resp != 200 || !strings.Contains(raw, "<Location>https://") {
		t.Fatalf("Complete over TLS: %d %s", resp, raw)
	}
	// So does the credential server, with the same CA.
	sresp, err := (&http.Client{Transport: tr}).Get(s.STSURL() + "/sts")
	if err != nil {
		t.Fatal(err)
	}
	sresp.Body.Close()
	if sresp.StatusCode != 200 {
		t.Fatalf("/sts over TLS: %d", sresp.StatusCode)
	}

	// Without the CA the certificate is refused.
	plain := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}
	defer plain.CloseIdleConnections()
	_, err = (&http.Client{Transport: plain}).Get(s.URL() + "/tls/a.txt")
	var uerr x509.UnknownAuthorityError
	if !errors.As(err, &uerr) {
		t.Fatalf("without the CA: want an unknown-authority error, got %v", err)
	}
	// The pool from the Go API works too, and localhost is in the SAN.
	lt := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool()}}
	defer lt.CloseIdleConnections()
	_, port, _ := strings.Cut(strings.TrimPrefix(s.URL(), "https://"), ":")
	r, err := (&http.Client{Transport: lt}).Get("https://localhost:" + port + "/")
	if err != nil {
		t.Fatalf("https://localhost: %v", err)
	}
	r.Body.Close()
	if r.StatusCode != 403 { // anonymous, but the TLS handshake succeeded
		t.Fatalf("anonymous GET over TLS: %d", r.StatusCode)
	}
}

// rawCompleteTLS completes a fresh one-part upload through tr and returns
// the status and the body.
func rawCompleteTLS(t *testing.T, s *Server, tr *http.Transport, c *cos.Client) (int, string) {
	t.Helper()
	id, opt := uploadParts(t, c, "tls/loc.bin", nil, []byte("x"))
	body := "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + opt.Parts[0].ETag + "</ETag></Part></CompleteMultipartUpload>"
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/tls/loc.bin?uploadId="+id, strings.NewReader(body))
	hc := &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testSecret, Transport: tr}}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, sb.String()
}

// The fault plan's reset works under TLS too: the client sees a network
// error, not a TLS alert or a COS error.
func TestTLSResetFault(t *testing.T) {
	s := startServer(t, func(c *Config) { c.TLS = true })
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool()}}
	defer tr.CloseIdleConnections()
	u, _ := url.Parse(s.URL())
	c := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Timeout: requestBound,
		Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testSecret, Transport: tr}})
	if _, err := os.Stat(filepath.Join(s.cfg.DataDir, DefaultCAFileName)); err != nil {
		t.Fatalf("default CA file: %v", err)
	}
	s.Faults().Add(Rule{Kind: Reset, API: "PutObject", After: 10})
	_, err := c.Object.Put(bg, "tls/r.bin", strings.NewReader(strings.Repeat("x", 64<<10)), nil)
	var ce *cos.ErrorResponse
	if err == nil || errors.As(err, &ce) {
		t.Fatalf("reset under TLS: %v", err)
	}
	if s.Stats().CountStatus("PutObject", 0) < 1 {
		t.Fatalf("stats: %+v", s.Stats())
	}
}
