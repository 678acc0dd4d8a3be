package uploader

import (
	"context"
	"fmt"
	"net/http/httptrace"
	"sync/atomic"
	"testing"
	"time"
)

// try acquires a slot without waiting: a canceled context returns at once
// unless a slot is free.
func try(g *gate, size int64) (extra bool, ok bool) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	extra, err := g.acquireSized(ctx, size)
	return extra, err == nil
}

// farLine tells g that the line is long, as a small request answered
// 80 ms after its last byte would.
func farLine(g *gate) { g.noteSmall(g.clock(), 80*time.Millisecond) }

func TestGateSmallExtraSlots(t *testing.T) {
	g := newGate(2)
	farLine(g)
	for range 2 {
		if extra, ok := try(g, 0); !ok || extra {
			t.Fatalf("a part on a free gate: ok %v, extra %v", ok, extra)
		}
	}
	if _, ok := try(g, 0); ok {
		t.Fatal("a third part passed a gate of 2")
	}
	if _, ok := try(g, smallRequestMax+1); ok {
		t.Fatal("a request over smallRequestMax took an extra slot")
	}
	// Small requests take up to smallPerSlot extra slots per slot of the limit.
	for i := range smallPerSlot * 2 {
		if extra, ok := try(g, 32<<10); !ok || !extra {
			t.Fatalf("small request %d on a full gate of 2: ok %v, extra %v", i, ok, extra)
		}
	}
	if _, ok := try(g, 32<<10); ok {
		t.Fatalf("more than %d extra slots for a limit of 2", smallPerSlot*2)
	}
	// A part waits for a slot of the limit; an extra slot freed goes to a
	// small request, never to the part, and does not let the part jump.
	part := make(chan error, 1)
	go func() { part <- g.acquire(context.Background()) }()
	waitFor(t, func() bool { g.mu.Lock(); defer g.mu.Unlock(); return len(g.waiters) == 1 })
	g.releaseSized(true, 32<<10)
	if extra, ok := try(g, 32<<10); !ok || !extra {
		t.Fatalf("a freed extra slot: ok %v, extra %v", ok, extra)
	}
	select {
	case err := <-part:
		t.Fatalf("a part got an extra slot (err %v)", err)
	default:
	}
	g.release()
	if err := <-part; err != nil {
		t.Fatal(err)
	}
	// A pinned limit has no extra slots.
	g.setSmallExtra(false)
	g.releaseSized(true, 32<<10)
	if _, ok := try(g, 32<<10); ok {
		t.Fatal("an extra slot with the extra slots off")
	}
	if got, want := g.inUse(), 2+smallPerSlot*2-1; got != want {
		t.Fatalf("in use %d, want %d", got, want)
	}
}

func TestGateSmallExtraBytes(t *testing.T) {
	g := newGate(adaptMaxLimit)
	farLine(g)
	for range adaptMaxLimit {
		try(g, 0)
	}
	n := 0
	for {
		if _, ok := try(g, smallRequestMax); !ok {
			break
		}
		n++
	}
	if want := smallExtraBytes / smallRequestMax; n != want {
		t.Fatalf("%d extra slots for requests of %d bytes, want %d (smallExtraBytes)", n, smallRequestMax, want)
	}
	// Once the goodput is known, two seconds of it bound the extra bodies
	// (here 1 MiB: a line of 512 KiB/s).
	g = newGate(adaptMaxLimit)
	farLine(g)
	g.small.line = func() int64 { return 1 << 20 }
	try(g, 0) // a part in a slot of the limit, so that the small ones need extra slots
	for range adaptMaxLimit - 1 {
		try(g, 0)
	}
	n = 0
	for {
		if _, ok := try(g, 32<<10); !ok {
			break
		}
		n++
	}
	if n != 32 {
		t.Fatalf("%d extra slots of 32 KiB with 1 MiB of measured line, want 32", n)
	}
}

// TestGateSmallWaitsForTheLineToTell: before any small request has been
// answered, smallUnsure extra slots go at once, and the rest open only
// once a small request has waited smallFarTrip without an answer (a long
// line), never when an answer came sooner (loopback, a LAN), so a short
// line is not flooded with connections.
func TestGateSmallWaitsForTheLineToTell(t *testing.T) {
	for _, answered := range []bool{false, true} {
		now := time.Unix(1e9, 0)
		var timers []func()
		g := newGate(2) // after the wait, 2 x smallPerSlot extra slots: more than smallUnsure
		g.clock = func() time.Time { return now }
		g.after = func(d time.Duration, f func()) {
			if d != smallFarTrip {
				t.Fatalf("woken after %v, want %v", d, smallFarTrip)
			}
			timers = append(timers, f)
		}
		for range 2 {
			if extra, ok := try(g, 32<<10); !ok || extra {
				t.Fatalf("a small request on a free gate: ok %v, extra %v", ok, extra)
			}
		}
		for i := range smallUnsure {
			if extra, ok := try(g, 32<<10); !ok || !extra {
				t.Fatalf("small request %d before the line told: ok %v, extra %v", i, ok, extra)
			}
		}
		got := make(chan bool, 1)
		go func() {
			extra, err := g.acquireSized(context.Background(), 32<<10)
			got <- err == nil && extra
		}()
		waitFor(t, func() bool { g.mu.Lock(); defer g.mu.Unlock(); return len(g.waiters) == 1 })
		if len(timers) != 1 {
			t.Fatalf("%d wake-ups scheduled, want 1", len(timers))
		}
		now = now.Add(smallFarTrip)
		if answered {
			g.noteSmall(now, 2*time.Millisecond)
		}
		timers[0]()
		if answered {
			g.release()
			if extra := <-got; extra {
				t.Fatal("an extra slot after a small request was answered in 2 ms")
			}
			continue
		}
		if extra := <-got; !extra {
			t.Fatal("no extra slot after a small request waited smallFarTrip without an answer")
		}
	}
}

// TestSmallFilesManyInFlight: with the default (adaptive) concurrency, a
// batch of small files has many more PUTs in flight than the starting
// limit, so a long line sees them in one wave (smallgate.go). Before the
// extra slots, at most DefaultConcurrency were.
func TestSmallFilesManyInFlight(t *testing.T) {
	v := newFakeEnv(t)
	const n = 4 * DefaultConcurrency
	for i := range n {
		v.file(fmt.Sprintf("s%02d.bin", i), 32<<10, uint64(i+1))
	}
	release := make(chan struct{})
	var puts atomic.Int32
	v.setFault(func(op string, _, _ int) *fault {
		if op != "put" {
			return nil
		}
		puts.Add(1)
		return &fault{wait: release}
	})
	cfg := v.config()
	cfg.Concurrency = 0
	e := v.engine(cfg)
	defer e.Close()
	batch := e.Add(v.data)
	waitFor(t, func() bool { return puts.Load() == n })
	close(release)
	for _, s := range waitBatch(t, e, batch) {
		if s.State != Done {
			t.Fatalf("%s: %s %+v", s.Path, s.State, s.LastErr)
		}
	}
}

// TestGateSmallExtraOnlyOnALongLine: once small requests are seen to be
// quick (a short line), the extra slots close; they open again when the
// shortest request of the last two windows shows a long line.
func TestGateSmallExtraOnlyOnALongLine(t *testing.T) {
	g := newGate(2)
	try(g, 0)
	try(g, 0)
	now := time.Unix(1e9, 0)
	g.noteSmall(now, 2*time.Millisecond)
	if _, ok := try(g, 32<<10); ok || g.smallHeadroom() != 0 {
		t.Fatalf("after a 2 ms small request: an extra slot %v, running headroom %d", ok, g.smallHeadroom())
	}
	g.noteSmall(now.Add(smallTripWindow+time.Second), 80*time.Millisecond)
	if _, ok := try(g, 32<<10); ok {
		t.Fatal("an extra slot while the previous window's shortest request took 2 ms")
	}
	g.noteSmall(now.Add(2*smallTripWindow+2*time.Second), 80*time.Millisecond)
	if extra, ok := try(g, 32<<10); !ok || !extra {
		t.Fatalf("no extra slot when the shortest request of two windows took 80 ms: ok %v, extra %v", ok, extra)
	}
	if g.smallHeadroom() != smallExtraMax {
		t.Fatalf("running headroom %d on a long line, want %d", g.smallHeadroom(), smallExtraMax)
	}
}

// TestGateSmallJudgesTheLineByFirstByte: a small request whose client-side
// work is slow (a loaded CPU: opening, hashing, waiting for a connection)
// but whose answer follows its last byte at once is a short line, and one
// whose answer takes 80 ms after its last byte is a long one. Timing the
// whole request took the first for a long line.
func TestGateSmallJudgesTheLineByFirstByte(t *testing.T) {
	now := time.Unix(1e9, 0)
	e := &Engine{gate: newGate(2)}
	e.gate.clock = func() time.Time { return now }
	w := &worker{e: e}
	send := func(local, answer time.Duration) {
		t.Helper()
		err := w.gatedSized(context.Background(), 32<<10, func(ctx context.Context) error {
			tr := httptrace.ContextClientTrace(ctx)
			if tr == nil {
				t.Fatal("no client trace on the request's context")
			}
			now = now.Add(local) // open, hash, sign, dial
			tr.WroteRequest(httptrace.WroteRequestInfo{})
			now = now.Add(answer)
			tr.GotFirstResponseByte()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	send(500*time.Millisecond, 2*time.Millisecond)
	if e.gate.small.far(now) {
		t.Fatal("a request answered 2 ms after its last byte (500 ms of local work before it) was taken for a long line")
	}
	for range 2 { // the shortest of two windows counts
		now = now.Add(smallTripWindow + time.Second)
		send(0, 80*time.Millisecond)
	}
	if !e.gate.small.far(now) {
		t.Fatal("requests answered 80 ms after their last byte were taken for a short line")
	}
}
