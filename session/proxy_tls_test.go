package session

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/profile"
	"cosdrop/uploader"
)

// connectProxy is a minimal HTTPS proxy on loopback: it answers CONNECT,
// records each target, and splices the bytes (it sees only TLS).
func connectProxy(t *testing.T) (addr string, targets func() []string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		mu.Lock()
		seen = append(seen, r.Host)
		mu.Unlock()
		up, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			up.Close()
			return
		}
		go func() { io.Copy(up, conn); up.Close() }()
		io.Copy(conn, up)
		conn.Close()
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), seen...) }
}

// A profile's proxy carries its uploads to COS over TLS (issue 11): a
// profile naming an https proxy uploads through it to `localcos --tls`,
// with the certificate verified against localcos's generated CA, and a
// client without that CA is refused (no silent InsecureSkipVerify).
func TestProfileProxyOverTLSToLocalcos(t *testing.T) {
	const id, key = "AKIDproxytls00001", "proxyTLSSecretKey0123456789abcdef"
	srv := localcostest.Start(t, localcos.Config{SecretID: id, SecretKey: key, TLS: true})
	if !strings.HasPrefix(srv.URL(), "https://") {
		t.Fatalf("localcos with TLS serves %s", srv.URL())
	}
	proxy, targets := connectProxy(t)
	p := profile.Profile{Name: "office", Endpoint: srv.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModePermanent, SecretID: id, Proxy: "http://" + proxy}
	store := auth.NewSessionStore()
	if err := store.Set(context.Background(), auth.SecretKeyAccount(p.Name), key); err != nil {
		t.Fatal(err)
	}
	for _, trusted := range []bool{true, false} {
		spec, err := ProfileEngine(context.Background(), p, store, t.TempDir(), Overrides{})
		if err != nil {
			t.Fatal(err)
		}
		if trusted {
			spec.Config.RootCAs = srv.CertPool()
		}
		// Quick retries: a tunnel the proxy just closed may be reused once
		// (EOF), and the untrusted case must give up fast.
		spec.Config.MaxAttempts, spec.Config.RetryBase, spec.Config.RetryMax = 3, time.Millisecond, 10*time.Millisecond
		e, closers, err := Start(spec)
		if err != nil {
			t.Fatal(err)
		}
		s := &Session{Engine: e, Config: spec.Config}
		sn := uploadOne(t, s, writeFile(t, "a.txt", 1000))
		closeAll(closers)
		if trusted && (sn.State != uploader.Done || !sn.Verified) {
			t.Fatalf("through the proxy over TLS: %s %+v", sn.State, sn.LastErr)
		}
		if !trusted && sn.State == uploader.Done {
			t.Fatal("a client without localcos's CA uploaded: the certificate was not verified")
		}
	}
	host := strings.TrimPrefix(srv.URL(), "https://")
	got := targets()
	if len(got) == 0 || got[0] != host {
		t.Fatalf("proxy saw CONNECT to %v, want %s", got, host)
	}
}
