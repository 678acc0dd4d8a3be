package linesim

import (
	"bytes"
	"crypto/rand"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// fakeClock moves only when the test says so, so the delays are checked by
// what has (not) arrived, never by how long anything took.
type fakeClock struct {
	mu       sync.Mutex
	now      time.Time
	sleepers map[*time.Time]bool // deadlines of the goroutines in SleepUntil
	changed  chan struct{}       // closed and replaced on every change
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Unix(1_000_000, 0), sleepers: map[*time.Time]bool{}, changed: make(chan struct{})}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) SleepUntil(t time.Time) {
	c.mu.Lock()
	c.sleepers[&t] = true
	c.notify()
	for c.now.Before(t) {
		ch := c.changed
		c.mu.Unlock()
		<-ch
		c.mu.Lock()
	}
	delete(c.sleepers, &t)
	c.notify()
	c.mu.Unlock()
}

func (c *fakeClock) notify() { close(c.changed); c.changed = make(chan struct{}) }

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.notify()
	c.mu.Unlock()
}

// blocked counts the sleepers whose deadline has not come: one that an
// Advance has released no longer counts, even before it has run.
func (c *fakeClock) blocked() int {
	n := 0
	for d := range c.sleepers {
		if c.now.Before(*d) {
			n++
		}
	}
	return n
}

// waitSleepers waits until n goroutines sleep on the clock. The bound is
// only there to fail a broken build instead of hanging it.
func (c *fakeClock) waitSleepers(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		c.mu.Lock()
		got, ch := c.blocked(), c.changed
		c.mu.Unlock()
		if got == n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("%d sleepers on the fake clock, want %d", got, n)
		}
	}
}

// target is a loopback server that hands its accepted connections to the test.
func target(t *testing.T) (string, <-chan net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			ch <- c
		}
	}()
	return ln.Addr().String(), ch
}

func start(t *testing.T, cfg Config) *Line {
	t.Helper()
	l, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, ok := cfg.Clock.(*fakeClock); ok {
			c.Advance(time.Hour) // a failed test leaves chunks asleep: Close waits for them
		}
		l.Close()
	})
	return l
}

func dial(t *testing.T, l *Line) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", l.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func readN(t *testing.T, c net.Conn, n int) []byte {
	t.Helper()
	buf := make([]byte, n)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatal(err)
	}
	return buf
}

// A new connection waits one RTT, then each direction half an RTT.
func TestHandshakeAndDelayPerDirection(t *testing.T) {
	clk := newFakeClock()
	addr, accepted := target(t)
	rtt := 200 * time.Millisecond
	l := start(t, Config{Target: addr, RTT: rtt, Clock: clk})
	c := dial(t, l)
	if _, err := c.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	clk.waitSleepers(t, 1) // the handshake
	srv := <-accepted
	clk.Advance(rtt - time.Millisecond)
	clk.waitSleepers(t, 1)
	if s := l.Stats(); s.Up != 0 || s.Conns != 1 {
		t.Fatalf("before the handshake's RTT: %+v", s)
	}
	clk.Advance(time.Millisecond)
	clk.waitSleepers(t, 1) // "hello" on the wire for half an RTT
	clk.Advance(rtt/2 - time.Millisecond)
	clk.waitSleepers(t, 1)
	if s := l.Stats(); s.Up != 0 {
		t.Fatalf("delivered before half an RTT: %+v", s)
	}
	clk.Advance(time.Millisecond)
	if got := readN(t, srv, 5); string(got) != "hello" {
		t.Fatalf("server read %q", got)
	}
	if _, err := srv.Write([]byte("world")); err != nil {
		t.Fatal(err)
	}
	clk.waitSleepers(t, 1) // the answer on its way back
	if s := l.Stats(); s.Down != 0 {
		t.Fatalf("answer delivered at once: %+v", s)
	}
	clk.Advance(rtt / 2)
	if got := readN(t, c, 5); string(got) != "world" {
		t.Fatalf("client read %q", got)
	}
}

// The upstream capacity is shared: two connections' bytes queue behind
// each other on one token bucket.
func TestSharedUpstreamCapacity(t *testing.T) {
	clk := newFakeClock()
	addr, accepted := target(t)
	l := start(t, Config{Target: addr, Upstream: 1000, Clock: clk})
	a := dial(t, l)
	sa := <-accepted // one at a time, so that sa is a's
	b := dial(t, l)
	sb := <-accepted
	a.Write(make([]byte, 500))
	clk.waitSleepers(t, 1) // a's 500 bytes take 0.5 s of the line
	b.Write(make([]byte, 500))
	clk.waitSleepers(t, 2) // b's wait behind them: 1 s
	clk.Advance(500 * time.Millisecond)
	readN(t, sa, 500)
	clk.waitSleepers(t, 1)
	if s := l.Stats(); s.Up != 500 {
		t.Fatalf("after 0.5 s of a 1000 B/s line: %+v, want 500 bytes up", s)
	}
	clk.Advance(500 * time.Millisecond)
	readN(t, sb, 500)
}

func TestBucketArithmetic(t *testing.T) {
	t0 := time.Unix(0, 0)
	b := newBucket(1 << 20)
	if got := b.reserve(t0, 1<<20); !got.Equal(t0.Add(time.Second)) {
		t.Fatalf("1 MiB at 1 MiB/s ends at %v", got.Sub(t0))
	}
	if got := b.reserve(t0, 512<<10); !got.Equal(t0.Add(1500 * time.Millisecond)) {
		t.Fatalf("queued 512 KiB ends at %v", got.Sub(t0))
	}
	// Idle for long: the line does not bank more than bucketSlack.
	later := t0.Add(10 * time.Second)
	want := later.Add(-bucketSlack).Add(time.Second)
	if got := b.reserve(later, 1<<20); !got.Equal(want) {
		t.Fatalf("after idling: ends at %v, want %v", got.Sub(later), want.Sub(later))
	}
	if got := newBucket(0).reserve(t0, 1<<30); !got.Equal(t0) {
		t.Fatal("an unlimited line should not wait")
	}
}

func TestOnlyLoopback(t *testing.T) {
	for _, tgt := range []string{"8.8.8.8:80", "example.com:80", "localhost:80", "[::2]:80", "nonsense"} {
		if l, err := Start(Config{Target: tgt}); err == nil {
			l.Close()
			t.Errorf("Start accepted target %q", tgt)
		}
	}
}

// Bytes arrive intact and in order on several connections at once, on the
// real clock (nothing here depends on how long it takes).
func TestIntegrityRealClock(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // echo server
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	l := start(t, Config{Target: ln.Addr().String(), RTT: 2 * time.Millisecond, Upstream: 64 << 20})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", l.Addr())
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			data := make([]byte, 1<<20)
			rand.Read(data)
			go func() { c.Write(data); c.(*net.TCPConn).CloseWrite() }()
			got, err := io.ReadAll(c)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("echo: %d bytes, err %v, equal %v", len(got), err, bytes.Equal(got, data))
			}
		}()
	}
	wg.Wait()
	if s := l.Stats(); s.Up != 4<<20 || s.Down != 4<<20 || s.Conns != 4 {
		t.Fatalf("stats %+v", s)
	}
}
