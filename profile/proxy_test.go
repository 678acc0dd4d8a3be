package profile

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"cosdrop/auth"
)

const proxyUser, proxyPass = "alice", "Proxy-Pass-0123456789"

// testProxy is an HTTP proxy on loopback: CONNECT tunnels (for https
// targets) and plain forwarding (for http targets), with Basic proxy
// authentication.
type testProxy struct {
	connects, forwards atomic.Int64
	badAuth            atomic.Int64
}

func (p *testProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Proxy-Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte(proxyUser+":"+proxyPass)) {
		p.badAuth.Add(1)
		w.WriteHeader(http.StatusProxyAuthRequired)
		return
	}
	if r.Method == http.MethodConnect {
		p.connects.Add(1)
		dst, err := net.Dial("tcp", r.Host)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			dst.Close()
			return
		}
		pipe(conn, dst, buf.Reader)
		return
	}
	if !r.URL.IsAbs() {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	p.forwards.Add(1)
	out := r.Clone(context.Background())
	out.RequestURI = ""
	out.Header.Del("Proxy-Authorization")
	resp, err := (&http.Transport{}).RoundTrip(out)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// pipe copies both ways until either side closes.
func pipe(a net.Conn, b net.Conn, aBuffered io.Reader) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); io.Copy(b, aBuffered); b.Close() }()
	go func() { defer wg.Done(); io.Copy(a, b); a.Close() }()
	wg.Wait()
}

// socks5Server is a minimal RFC 1928/1929 server on loopback: username/
// password authentication and CONNECT only.
func socks5Server(t *testing.T, connects *atomic.Int64) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); serveSOCKS5(c, connects) }()
		}
	}()
	return ln.Addr().String()
}

func serveSOCKS5(c net.Conn, connects *atomic.Int64) {
	defer c.Close()
	r := bufio.NewReader(c)
	read := func(n int) []byte {
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil
		}
		return b
	}
	hello := read(2)
	if hello == nil || hello[0] != 5 || read(int(hello[1])) == nil {
		return
	}
	c.Write([]byte{5, 2}) // username/password
	ver := read(2)
	if ver == nil {
		return
	}
	user := string(read(int(ver[1])))
	plen := read(1)
	if plen == nil {
		return
	}
	pass := string(read(int(plen[0])))
	if user != proxyUser || pass != proxyPass {
		c.Write([]byte{1, 1})
		return
	}
	c.Write([]byte{1, 0})
	req := read(4)
	if req == nil || req[1] != 1 {
		return
	}
	var host string
	switch req[3] {
	case 1:
		host = net.IP(read(4)).String()
	case 3:
		n := read(1)
		host = string(read(int(n[0])))
	case 4:
		host = net.IP(read(16)).String()
	}
	port := binary.BigEndian.Uint16(read(2))
	dst, err := net.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(int(port))))
	if err != nil {
		c.Write([]byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	connects.Add(1)
	c.Write([]byte{5, 0, 0, 1, 127, 0, 0, 1, 0, 0})
	pipe(c, dst, r)
}

// TestProfileProxy (issue 11): a profile's http, https and socks5 proxy
// carries requests to http and https servers, authenticating with the
// password from the keyring (never from the profile).
func TestProfileProxy(t *testing.T) {
	target := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "tls-ok") }))
	defer target.Close()
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "plain-ok") }))
	defer plain.Close()
	roots := x509.NewCertPool()
	roots.AddCert(target.Certificate())

	hp := &testProxy{}
	httpProxy := httptest.NewServer(hp)
	defer httpProxy.Close()
	tp := &testProxy{}
	tlsProxy := httptest.NewTLSServer(tp)
	defer tlsProxy.Close()
	var socksConnects atomic.Int64
	socks := socks5Server(t, &socksConnects)

	store := auth.NewSessionStore()
	ctx := context.Background()
	get := func(p Profile, u string) (string, error) {
		tr, err := p.Transport(ctx, store)
		if err != nil {
			return "", err
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: roots}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr}).Get(u)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("%d %s", resp.StatusCode, b), nil
	}
	withProxy := func(u string) Profile {
		p := stsProfile()
		p.Proxy = u
		if err := p.Validate(); err != nil {
			t.Fatalf("proxy %s: %v", u, err)
		}
		return p
	}
	hostOnly := func(s string) string { return s[strings.Index(s, "://")+3:] }

	// The user is named, the password is not stored yet: said plainly.
	var pe *Error
	if _, err := get(withProxy("http://"+proxyUser+"@"+hostOnly(httpProxy.URL)), target.URL); !errors.As(err, &pe) || pe.Code != CodeProxyNoPassword {
		t.Fatalf("no stored password: %v", err)
	}
	store.Set(ctx, auth.ProxyAccount(stsProfile().Name), proxyPass)

	for _, c := range []struct {
		proxy, target, want string
		count               func() int64
	}{
		{"http://" + proxyUser + "@" + hostOnly(httpProxy.URL), target.URL, "200 tls-ok", hp.connects.Load},
		{"http://" + proxyUser + "@" + hostOnly(httpProxy.URL), plain.URL, "200 plain-ok", hp.forwards.Load},
		{"https://" + proxyUser + "@" + hostOnly(tlsProxy.URL), target.URL, "200 tls-ok", tp.connects.Load},
		{"socks5://" + proxyUser + "@" + socks, target.URL, "200 tls-ok", socksConnects.Load},
		{"socks5://" + proxyUser + "@" + socks, plain.URL, "200 plain-ok", socksConnects.Load},
	} {
		before := c.count()
		got, err := get(withProxy(c.proxy), c.target)
		if err != nil || got != c.want {
			t.Errorf("%s -> %s: %q, %v", c.proxy, c.target, got, err)
		}
		if c.count() == before {
			t.Errorf("%s -> %s: the proxy was not used", c.proxy, c.target)
		}
	}
	if hp.badAuth.Load()+tp.badAuth.Load() != 0 {
		t.Errorf("the proxy saw requests without the right credentials")
	}

	// "direct" ignores the environment's proxy.
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	if got, err := get(withProxy(ProxyDirect), target.URL); err != nil || got != "200 tls-ok" {
		t.Errorf("direct: %q, %v", got, err)
	}
}

// TestProxyValidation: the profile file carries no proxy password, and
// only proxy URLs.
func TestProxyValidation(t *testing.T) {
	for _, bad := range []string{"http://alice:secret@proxy:3128", "ftp://proxy:21", "proxy:3128", "http://proxy:3128/path", "http://proxy:3128/?token=x", "socks5://:1080"} {
		p := stsProfile()
		p.Proxy = bad
		err := p.Validate()
		if err == nil {
			t.Errorf("proxy %q accepted", bad)
		} else if strings.Contains(err.Error(), "secret") && !strings.Contains(bad, "secret") {
			t.Errorf("odd message %v", err)
		}
		if err != nil && strings.Contains(err.Error(), ":secret@") {
			t.Errorf("message shows the password: %v", err)
		}
	}
	for _, good := range []string{"", "direct", "http://proxy.example.com:3128", "https://u@proxy.example.com:443", "socks5://10.0.0.1:1080", "socks5h://u@proxy:1080"} {
		p := stsProfile()
		p.Proxy = good
		if err := p.Validate(); err != nil {
			t.Errorf("proxy %q refused: %v", good, err)
		}
	}
}
