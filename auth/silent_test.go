package auth

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingSilentServer accepts connections, counts them and never
// answers. It returns its URL and the count.
func countingSilentServer(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), &n
}

// Issue 20, finding 14: a credential server that accepts connections and
// never answers cost 8 tries x 15 s per run. It now gets one wait: the
// timeout is not "temporary" (the engine does not retry it), and callers
// in the next moments (other files, a retrying engine) get the same
// answer at once instead of waiting again. Counted in connections, not
// wall time.
func TestSilentServerGetsOneWait(t *testing.T) {
	u, conns := countingSilentServer(t)
	p := NewSTS(u+"/sts", "", nil)
	defer p.Close()
	p.f.timeout = 300 * time.Millisecond
	for i := range 5 {
		_, err := p.Credentials(context.Background())
		se, ok := AsServerError(err)
		if !ok || se.Kind != KindTimeout || se.Temporary {
			t.Fatalf("call %d: %v (%+v), want a timeout that is not temporary", i, err, se)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 5 calls, want 1: each caller waited again", n)
	}

	su, sconns := countingSilentServer(t)
	s := NewSignServerConfig(SignConfig{Base: su, Method: SignPut}, "", nil)
	s.f.timeout = 300 * time.Millisecond
	for range 5 {
		if _, err := s.PutSign(context.Background(), "jpg"); err == nil {
			t.Fatal("signed by a silent server")
		}
	}
	if n := sconns.Load(); n != 1 {
		t.Errorf("signing server: %d connections for 5 files, want 1", n)
	}
}
