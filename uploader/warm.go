package uploader

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Connections warmed ahead of the small files that will need them.
//
// Why: on a long line a new connection pays its handshake round trip (TCP,
// and TLS after it) before its first byte, and a batch of small files wants
// many connections at once (smallgate.go): 72 at the adaptive start, and
// twice as many after each round trip of slow start. Dialled when a request
// needs one, every connection adds a round trip to the batch, at its start
// and at every doubling: measured with `make bench-wan` at 200 ms, the line
// sat nearly idle for a round trip after the first wave of 72 files while
// the next 72 connections shook hands. So the engine dials ahead: when a
// batch's small files are walked (while the walk, the journal and the first
// files' opening run, 50-120 ms on the 2-core CI machine), as many
// connections as the first two waves of small requests can use, and, while
// the line is judged long, twice the small window whenever it grows, so that
// each doubling finds its connections open. Never more than the small files
// walked or the requests in flight and waiting. A connection dialled ahead and not taken within warmKeep is
// closed (a server may drop a silent connection, and the transport would
// then fail a request on it). Dials ahead stop once the line is judged
// short (small answers within smallFarTrip), where a connection costs
// nothing to open when needed; a pinned --concurrency, a proxy or a
// caller's own HTTP client switch them off.
type warmDialer struct {
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	now  func() time.Time

	mu      sync.Mutex
	open    int // connections dialled (by either path) and not closed
	dialing int // dials ahead under way
	stash   []warmConn
}

// warmConn is a connection dialled ahead, waiting for the transport.
type warmConn struct {
	c    net.Conn
	addr string
	at   time.Time
}

// Tuning of the dials ahead; see warmDialer.
const (
	warmKeep = 5 * time.Second // a connection dialled ahead and not used by then is closed
	warmMax  = smallExtraMax + adaptMaxLimit
)

func newWarmDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error), now func() time.Time) *warmDialer {
	return &warmDialer{dial: dial, now: now}
}

// DialContext is the transport's dialer: a connection dialled ahead for
// addr if one is fresh, else a new one.
func (d *warmDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if c := d.take(addr); c != nil {
		return c, nil
	}
	c, err := d.dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.open++
	d.mu.Unlock()
	return &countedConn{Conn: c, d: d}, nil
}

// take hands out a fresh stashed connection to addr, closing stale ones.
func (d *warmDialer) take(addr string) net.Conn {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire()
	for i, w := range d.stash {
		if w.addr == addr {
			d.stash = append(d.stash[:i], d.stash[i+1:]...)
			return w.c
		}
	}
	return nil
}

// expire closes stashed connections older than warmKeep. The caller holds
// mu; the connections' counts fall when their Close runs (after mu).
func (d *warmDialer) expire() {
	now := d.now()
	kept := d.stash[:0]
	for _, w := range d.stash {
		if now.Sub(w.at) > warmKeep {
			go w.c.Close()
			continue
		}
		kept = append(kept, w)
	}
	clear(d.stash[len(kept):])
	d.stash = kept
}

// warm dials ahead until n connections to addr are open or being dialled
// (those the transport holds, busy or idle, count), at most warmMax.
func (d *warmDialer) warm(network, addr string, n int) {
	d.mu.Lock()
	d.expire()
	k := min(n, warmMax) - d.open - d.dialing
	if k <= 0 {
		d.mu.Unlock()
		return
	}
	d.dialing += k
	d.mu.Unlock()
	for range k {
		go d.dialAhead(network, addr)
	}
}

func (d *warmDialer) dialAhead(network, addr string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := d.dial(ctx, network, addr)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dialing--
	if err != nil {
		return // the request that needs it dials again and reports
	}
	d.open++
	d.stash = append(d.stash, warmConn{c: &countedConn{Conn: c, d: d}, addr: addr, at: d.now()})
}

// closeAll closes the stashed connections (the engine is closing).
func (d *warmDialer) closeAll() {
	d.mu.Lock()
	s := d.stash
	d.stash = nil
	d.mu.Unlock()
	for _, w := range s {
		w.c.Close()
	}
}

// countedConn takes itself off the dialer's count when closed.
type countedConn struct {
	net.Conn
	d    *warmDialer
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.d.mu.Lock()
		c.d.open--
		c.d.mu.Unlock()
	})
	return c.Conn.Close()
}

// warmTarget is where dials ahead go for the bucket: its host and port,
// or "" when a proxy is in the way (the transport dials the proxy, and
// warming that is not ours to decide).
func warmTarget(bucketURL string, proxy func(*http.Request) (*url.URL, error)) string {
	u, err := url.Parse(bucketURL)
	if err != nil || u.Host == "" {
		return ""
	}
	if p, err := proxy(&http.Request{URL: u}); err != nil || p != nil {
		return ""
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if port == "" {
		return ""
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// warmFor dials ahead for ahead small windows (limit plus extra slots;
// 2: this one and the next doubling of slow start), but never
// more than demand requests (small files walked, or requests in flight and
// waiting), when it helps: an adaptive limit, the default transport, no
// proxy, and a line not judged short.
func (e *Engine) warmFor(limit, ahead, demand int) {
	if e.warm == nil || e.warmAddr == "" {
		return
	}
	n, ok := e.gate.smallWindow(limit)
	if !ok {
		return
	}
	e.warm.warm("tcp", e.warmAddr, min(ahead*n, demand))
}
