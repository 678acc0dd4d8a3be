package uploader

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeDials is a dial function that hands out one end of a pipe per dial
// and counts the dials and the closes of the other ends' peers.
type fakeDials struct {
	n     atomic.Int64
	mu    sync.Mutex
	peers []net.Conn
}

func (f *fakeDials) dial(_ context.Context, _, _ string) (net.Conn, error) {
	f.n.Add(1)
	a, b := net.Pipe()
	f.mu.Lock()
	f.peers = append(f.peers, b)
	f.mu.Unlock()
	return a, nil
}

func (f *fakeDials) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.peers {
		p.Close()
	}
}

func (d *warmDialer) counts() (open, stashed int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.open, len(d.stash)
}

// TestWarmDialerDialsAheadAndHandsOut: warm dials until n connections are
// open (the transport's own count too), the transport's dials take the
// stashed ones first, a stashed connection older than warmKeep is closed
// instead of handed out, and a closed connection leaves the count.
func TestWarmDialerDialsAheadAndHandsOut(t *testing.T) {
	f := &fakeDials{}
	defer f.closeAll()
	now := time.Unix(1e9, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	d := newWarmDialer(f.dial, clock)
	const addr = "bucket.example:443"

	own, err := d.DialContext(context.Background(), "tcp", addr) // nothing stashed: a dial of its own
	if err != nil {
		t.Fatal(err)
	}
	d.warm("tcp", addr, 5)
	waitFor(t, func() bool { o, s := d.counts(); return o == 5 && s == 4 })
	d.warm("tcp", addr, 5) // already there: no more dials
	if got := f.n.Load(); got != 5 {
		t.Fatalf("%d dials after warming to 5 twice, want 5", got)
	}
	c, err := d.DialContext(context.Background(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.n.Load(); got != 5 {
		t.Fatalf("a dial with connections stashed dialled again (%d dials)", got)
	}
	if o, s := d.counts(); o != 5 || s != 3 {
		t.Fatalf("after taking one: %d open, %d stashed; want 5, 3", o, s)
	}
	if other, _ := d.DialContext(context.Background(), "tcp", "other.example:443"); f.n.Load() != 6 {
		t.Fatal("a dial to another address took a connection stashed for the bucket")
	} else {
		other.Close()
	}
	c.Close()
	own.Close()
	waitFor(t, func() bool { o, _ := d.counts(); return o == 3 })

	mu.Lock()
	now = now.Add(warmKeep + time.Second)
	mu.Unlock()
	if _, err := d.DialContext(context.Background(), "tcp", addr); err != nil {
		t.Fatal(err)
	}
	if got := f.n.Load(); got != 7 {
		t.Fatalf("a stale stashed connection was handed out (%d dials, want 7)", got)
	}
	waitFor(t, func() bool { o, s := d.counts(); return o == 1 && s == 0 })
}

// TestWarmTarget: dials ahead go to the bucket's host and port, and nowhere
// when a proxy is in the way.
func TestWarmTarget(t *testing.T) {
	none := func(*http.Request) (*url.URL, error) { return nil, nil }
	proxy := func(*http.Request) (*url.URL, error) { return url.Parse("http://proxy.example:3128") }
	for _, c := range []struct {
		url   string
		proxy func(*http.Request) (*url.URL, error)
		want  string
	}{
		{"https://b-1250000000.cos.ap-guangzhou.myqcloud.com", none, "b-1250000000.cos.ap-guangzhou.myqcloud.com:443"},
		{"http://127.0.0.1:9000", none, "127.0.0.1:9000"},
		{"http://[::1]:9000", none, "[::1]:9000"},
		{"https://b.example", proxy, ""},
		{"ftp://b.example", none, ""},
		{"", none, ""},
	} {
		if got := warmTarget(c.url, c.proxy); got != c.want {
			t.Errorf("warmTarget(%q) = %q, want %q", c.url, got, c.want)
		}
	}
}

// TestWarmForFollowsTheSmallWindow: the engine dials ahead only while the
// extra small slots are open on a line not judged short, as many as the
// window (times ahead) but no more than the demand.
func TestWarmForFollowsTheSmallWindow(t *testing.T) {
	f := &fakeDials{}
	defer f.closeAll()
	e := &Engine{gate: newGate(2), warm: newWarmDialer(f.dial, time.Now), warmAddr: "b.example:443"}
	e.gate.setSmallExtra(true)
	e.warmFor(2, 1, 1000) // no answer yet: the line may be long
	want := 2 + smallPerSlot*2
	waitFor(t, func() bool { o, _ := e.warm.counts(); return o == want })
	e.warmFor(2, 2, want+3) // capped by the demand
	waitFor(t, func() bool { o, _ := e.warm.counts(); return o == want+3 })
	e.gate.noteSmall(time.Now(), time.Millisecond) // a short line
	e.warmFor(2, 2, 1000)
	e.gate.setSmallExtra(false) // a pinned limit
	e.warmFor(2, 2, 1000)
	if got := f.n.Load(); got != int64(want+3) {
		t.Fatalf("%d dials, want %d: dialled ahead on a short line or a pinned limit", got, want+3)
	}
}
