// Package linesim is a network line between a client and a server on this
// machine, for tests and benchmarks: a TCP proxy that delays every chunk by
// half a round trip in each direction, shares one upstream capacity between
// all connections, and makes every new connection pay its handshake round
// trip.
//
// Why a proxy and not a server that answers late: on a real line, a request
// body takes half a round trip to reach the server, the answer half a round
// trip to come back, a new TCP connection a whole round trip before its first
// byte, and all connections of one client share the upstream capacity. A
// server-side delay charges none of that per connection and lets a client win
// by opening connections that a real line would make it pay for.
//
// The delay is a delay line, not stop-and-wait: each chunk is stamped when
// it has been clocked onto the line (after the shared token bucket) and
// delivered when its stamp plus half the round trip has passed, while the
// next chunks are already being read. The bytes in flight on a connection
// are therefore bounded by the line itself (capacity x delay), as on a wire,
// and the throughput of one connection is not limited by the delay.
//
// Only loopback addresses are served and dialled: this is a test tool, not
// a proxy for the network.
package linesim

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Config describes the line.
type Config struct {
	// Target is the server's loopback address (host:port).
	Target string
	// RTT is the round trip: each direction delays every chunk by RTT/2,
	// and a new connection waits one RTT before its first byte moves.
	RTT time.Duration
	// Upstream is the line's capacity from client to server in bytes per
	// second, shared by all connections; 0 is unlimited.
	Upstream int64
	// Clock is the time source; nil is the real clock. Tests pass a fake
	// one to check the delays without timing anything.
	Clock Clock
}

// Stats counts what crossed the line.
type Stats struct {
	Conns int64 // connections accepted
	Up    int64 // bytes delivered to the server
	Down  int64 // bytes delivered to the client
}

// Line is a running simulator. Close stops it and every connection.
type Line struct {
	cfg    Config
	ln     net.Listener
	bucket *bucket
	clock  Clock

	conns, up, down atomic.Int64

	mu     sync.Mutex
	open   map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// chunkSize is the most read from a socket at once: small enough that a
// chunk's own serialisation time (32 KiB at 1 MiB/s is 31 ms) stays well
// under the round trips simulated.
const chunkSize = 32 << 10

// Start listens on a free loopback port and forwards every connection to
// cfg.Target through the line.
func Start(cfg Config) (*Line, error) {
	if err := checkLoopback(cfg.Target); err != nil {
		return nil, err
	}
	if cfg.RTT < 0 || cfg.Upstream < 0 {
		return nil, errors.New("linesim: negative RTT or capacity")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := cfg.Clock
	if c == nil {
		c = realClock{}
	}
	l := &Line{cfg: cfg, ln: ln, clock: c, bucket: newBucket(cfg.Upstream), open: map[net.Conn]struct{}{}}
	l.wg.Add(1)
	go l.accept()
	return l, nil
}

// checkLoopback refuses any target that is not a loopback IP address.
func checkLoopback(target string) error {
	host, _, err := net.SplitHostPort(target)
	if err != nil {
		return fmt.Errorf("linesim: target %q: %w", target, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("linesim: target %q is not a loopback IP address", target)
	}
	return nil
}

// Addr is the address clients connect to (host:port).
func (l *Line) Addr() string { return l.ln.Addr().String() }

// URL is http://Addr, for HTTP clients.
func (l *Line) URL() string { return "http://" + l.Addr() }

// Stats reports what crossed the line so far.
func (l *Line) Stats() Stats {
	return Stats{Conns: l.conns.Load(), Up: l.up.Load(), Down: l.down.Load()}
}

// Close stops accepting, cuts every connection and waits for their
// goroutines.
func (l *Line) Close() error {
	err := l.ln.Close()
	l.mu.Lock()
	l.closed = true
	for c := range l.open {
		c.Close()
	}
	l.mu.Unlock()
	l.wg.Wait()
	return err
}

// track registers a connection so Close can cut it; false if closing.
func (l *Line) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		c.Close()
		return false
	}
	l.open[c] = struct{}{}
	return true
}

func (l *Line) untrack(c net.Conn) {
	l.mu.Lock()
	delete(l.open, c)
	l.mu.Unlock()
	c.Close()
}

func (l *Line) accept() {
	defer l.wg.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		l.conns.Add(1)
		l.wg.Add(1)
		go l.serve(c)
	}
}

// serve connects one client to the target. The client's TCP handshake on
// loopback is instant, so the line charges it here: nothing moves in
// either direction until one RTT after the accept. A request sent at once
// therefore reaches the server 1.5 RTT after connecting and its answer is
// back after 2 RTT, as on a real line.
func (l *Line) serve(client net.Conn) {
	defer l.wg.Done()
	if !l.track(client) {
		return
	}
	defer l.untrack(client)
	server, err := net.Dial("tcp", l.cfg.Target)
	if err != nil {
		return
	}
	if !l.track(server) {
		return
	}
	defer l.untrack(server)
	l.clock.SleepUntil(l.clock.Now().Add(l.cfg.RTT))
	upDone := make(chan struct{})
	go func() { l.pipe(server, client, l.bucket, &l.up); close(upDone) }()
	l.pipe(client, server, nil, &l.down)
	// The server has ended the connection (and the client was told): cut
	// what is left upstream too.
	client.Close()
	server.Close()
	<-upDone
}

// chunk is bytes on the line and when they arrive at the far end.
type chunk struct {
	data []byte
	at   time.Time
}

// pipe copies src to dst as one direction of the line: a reader clocks
// chunks onto the line (through bucket, if any) and stamps their arrival;
// a writer delivers each at its stamp. The queue between them holds what is
// on the wire; its bound only matters if dst stops reading.
func (l *Line) pipe(dst, src net.Conn, b *bucket, count *atomic.Int64) {
	half := l.cfg.RTT / 2
	wire := make(chan chunk, 256)
	go func() {
		defer close(wire)
		for {
			buf := make([]byte, chunkSize)
			n, err := src.Read(buf)
			if n > 0 {
				sent := l.clock.Now()
				if b != nil {
					sent = b.reserve(sent, n)
					l.clock.SleepUntil(sent) // the line is busy until then: read no further
				}
				wire <- chunk{buf[:n], sent.Add(half)}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range wire {
		l.clock.SleepUntil(c.at)
		// Counted as it arrives, before the far end can read it: a reader
		// that has the bytes must find them in Stats.
		count.Add(int64(len(c.data)))
		if _, err := dst.Write(c.data); err != nil {
			for range wire { // let the reader finish
			}
			return
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite() // pass the end on, as a FIN would
	}
}
