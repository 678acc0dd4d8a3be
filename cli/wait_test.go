package cli

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cosdrop/localcos"
)

// waitBound is how long any test in this package waits for something it
// can observe (a state, a line, a channel) before it calls it stuck. It
// only ends a test that is stuck: these tests run real binaries beside
// other work (a second `make test`, a build), under -race, so a wait that
// merely takes long must never fail.
const waitBound = 3 * time.Minute

// pollUntil fails the test unless cond holds within waitBound; what names
// the condition in the failure.
func pollUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not seen within %v", what, waitBound)
		}
		time.Sleep(20 * time.Millisecond) // poll interval, bounded by the deadline
	}
}

// receive returns the next value from ch, failing the test unless one
// arrives within waitBound.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitBound):
		t.Fatalf("%s: not seen within %v", what, waitBound)
	}
	var zero T
	return zero
}

// gatedCOS is a reverse proxy in front of a localcos server that holds
// the requests its hold function picks until release. A test that needs
// an upload still running (its journal held, a commit still to come) keeps
// it running for as long as it needs, instead of guessing how long a rate
// limit keeps it busy on this machine.
type gatedCOS struct {
	URL  string       // the proxy's address, for --endpoint
	held atomic.Int64 // requests that reached the gate closed
	open chan struct{}
	once sync.Once
}

// gateCOS starts the proxy; it is released and closed at the test's end.
// The proxy keeps the Host header, so signatures made for its address
// still verify at s.
func gateCOS(t *testing.T, s *localcos.Server, hold func(*http.Request) bool) *gatedCOS {
	t.Helper()
	target, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	g := &gatedCOS{open: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hold(r) {
			g.held.Add(1)
			select {
			case <-g.open:
			case <-r.Context().Done(): // the client gave up (killed, paused)
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	g.URL = srv.URL
	t.Cleanup(func() { g.release(); srv.Close() })
	return g
}

// release lets every held request, and every later one, through.
func (g *gatedCOS) release() { g.once.Do(func() { close(g.open) }) }
