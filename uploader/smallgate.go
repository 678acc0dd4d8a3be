package uploader

import (
	"context"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// Small files on long lines: extra request slots for small PUTs.
//
// Why: a small file costs a whole request, and a request at least one round
// trip (body out, answer back), so the files a line carries per second are
// at most the requests in flight divided by the round trip, whatever the
// line's capacity. Filling a 200 ms, 12 MiB/s line with 32 KiB files takes
// about 75 requests in flight just to cover the round trip; and because
// connections share the line fairly, requests started together also end
// together, so each wave of them costs its bytes plus one more round trip
// (the answer, then the next request's body). Measured with `make bench-wan`
// (internal/linesim): from the adaptive limit's start of 8, slow start took
// about two round trips per doubling on such a line, because every slot it
// added opened a new connection that paid its handshake round trip before
// its first byte; a batch of 300 x 32 KiB was over (2.5-3 s, 0.27 of the
// line) before the limit reached what the line needed.
//
// So a small request (body of at most smallRequestMax) that finds the
// limit's slots taken may take an extra slot: smallPerSlot of them per slot
// of the current limit (all smallExtraMax at the adaptive start of 8), at
// most smallExtraMax, holding at most smallExtraBytes, or budgetLead of the
// goodput COS acknowledged once that is measured (the part budget's,
// inflight.go), whichever is less. A batch of small files thus goes out as
// one wide wave with every connection's handshake paid together.
//
// Why the first wave is this wide: connections share a line fairly, so
// requests started together also end together, and the line then idles a
// round trip (the answers come back, the next requests go out) before the
// next wave; and no answer comes back to tell the line's capacity before
// the first wave ends. `make bench-wan` (COSDROP_WAN_DEBUG=1) showed it: a
// first wave of 72 (8 per slot) was through a 200 ms, 12 MiB/s line by
// 530 ms and the line idled until 730 ms; 136 (16 per slot) idled 160 ms
// after its end at 720 ms; 300 x 32 KiB in one wave (64 per slot) kept the
// line busy from its first byte at 330 ms to the last at 1.15 s, 0.64 of
// the line against 0.51-0.55 (the best a client can do there is about
// 0.66: a handshake and a round trip on top of 0.78 s of payload). The
// cost is bounded: 16 MiB is about a second of a 16 MiB/s uplink, and once
// the goodput is known a slow line keeps only budgetLead of it in flight,
// as parts do. s5cmd, a tool built for many small objects, runs 256 workers
// by default (defaultWorkerCount in
// https://github.com/peak/s5cmd/blob/master/command/app.go).
//
// Extra slots never count against the limit, so parts waiting for a slot
// are not held back by a flood of small files, and the controller still
// sees every request they carry; they follow the adaptive limit (adapt.go)
// down when COS says SlowDown. A pinned limit (--concurrency N) switches
// them off: the user chose the window. They stay closed on a short line
// (loopback, a LAN), judged by the small requests' time to first byte
// (firstByte), where the limit's own slots fill the line and every extra
// connection only costs memory. Before the first answer, the line is taken
// for a long one only once a small request has waited smallFarTrip without
// one (smallUnsure extra slots until then): on loopback the first answer
// comes first, and no wave of hundreds of connections is opened there for
// nothing (`make bench`'s 100,000-file upload, with the whole wave opened
// before any answer, peaked at 142.7 MiB in one run against 120.1-129.8
// MiB for the gate before it).
type smallSlots struct {
	off   bool
	n     int   // extra slots taken
	bytes int64 // their request bodies

	// The shortest time to first byte of a small request seen lately
	// (firstByte), as BBR keeps the minimum round trip: the line's own
	// delay, without the queueing that many requests in flight add. Two
	// windows of smallTripWindow, so a change of network is seen within
	// that time.
	tripCur, tripPrev time.Duration // 0: none in that window
	windowStart       time.Time

	// asked is when the first small request took a slot while no time to
	// first byte was known; zero before. See far.
	asked time.Time
	// line is budgetLead of the measured goodput in bytes, 0 while unknown
	// (the part budget's limit, inflight.go); nil: not wired (tests).
	line func() int64
}

// Tuning of the extra slots; see smallSlots.
const (
	smallRequestMax = 256 << 10 // a PUT of at most this many bytes is small
	smallPerSlot    = 64        // extra small requests per slot of the limit
	smallExtraMax   = 512       // extra small requests in flight at most
	smallExtraBytes = 16 << 20  // and their bodies at most this many bytes
	// smallUnsure is the extra slots before the line has told whether it
	// is long (see far), so that a long line's first wave does not wait
	// smallFarTrip: 64, what this gate opened before any answer until the
	// wide first wave came, whose cost on loopback was measured (`make
	// bench`'s 100,000-file run, 111-116 MiB peak RSS).
	smallUnsure = 64
	// smallFarTrip is the shortest time to first byte that shows a long line:
	// at 30 ms and 12 MiB/s, the limit's own slots already cover the round
	// trip (a bandwidth-delay product of 12 files of 32 KiB).
	smallFarTrip    = 30 * time.Millisecond
	smallTripWindow = 10 * time.Second
)

// fits reports whether a request of size bytes may take an extra slot at
// now while the gate's limit is limit.
func (s *smallSlots) fits(now time.Time, size int64, limit int) bool {
	return size > 0 && size <= smallRequestMax && s.n < s.room(now, limit) && s.bytes+size <= s.byteCap()
}

// room is how many extra slots there are: on a long line (far)
// smallPerSlot per slot of the limit, at most smallExtraMax; none on a
// short one; and smallUnsure while the line has not told yet, so that a
// first wave as wide as a tuned script's goes at once everywhere.
func (s *smallSlots) room(now time.Time, limit int) int {
	switch {
	case s.off || !s.mayBeFar():
		return 0
	case !s.far(now):
		return smallUnsure
	}
	return min(smallPerSlot*limit, smallExtraMax)
}

// byteCap is the most the extra slots' bodies may hold: smallExtraBytes,
// or budgetLead of the measured goodput when that is less.
func (s *smallSlots) byteCap() int64 {
	if s.line != nil {
		if b := s.line(); b > 0 {
			return min(max(b, smallRequestMax), smallExtraBytes)
		}
	}
	return smallExtraBytes
}

// trip is the shortest time to first byte of the last two windows; 0 while
// none is known.
func (s *smallSlots) trip() time.Duration {
	trip := s.tripCur
	if s.tripPrev > 0 && (trip == 0 || s.tripPrev < trip) {
		trip = s.tripPrev
	}
	return trip
}

// far reports whether the line is long enough for extra slots to pay: the
// shortest time to first byte is smallFarTrip or more, or, before any is
// known, a small request has waited that long without an answer. On a
// short line (loopback, a LAN, a near region) the limit's slots fill it,
// and each extra slot would only hold another connection and its buffers
// (128 KiB) for nothing: `make bench`'s 100,000-file run measured 47 MiB
// more peak RSS with them.
func (s *smallSlots) far(now time.Time) bool {
	if trip := s.trip(); trip > 0 {
		return trip >= smallFarTrip
	}
	return !s.asked.IsZero() && now.Sub(s.asked) >= smallFarTrip
}

// mayBeFar reports whether the line may be long: no time to first byte is
// known yet, or the shortest known shows a long line.
func (s *smallSlots) mayBeFar() bool {
	trip := s.trip()
	return trip == 0 || trip >= smallFarTrip
}

// sample records one small request's time to first byte.
func (s *smallSlots) sample(now time.Time, took time.Duration) {
	if now.Sub(s.windowStart) > smallTripWindow {
		s.tripPrev, s.tripCur, s.windowStart = s.tripCur, 0, now
	}
	if s.tripCur == 0 || took < s.tripCur {
		s.tripCur = max(took, 1)
	}
}

func (s *smallSlots) take(size int64) { s.n, s.bytes = s.n+1, s.bytes+size }
func (s *smallSlots) give(size int64) { s.n, s.bytes = s.n-1, s.bytes-size }

// setSmallExtra switches the extra slots on (an adaptive limit) or off (a
// pinned one); small requests already in extra slots finish there.
func (g *gate) setSmallExtra(on bool) {
	g.mu.Lock()
	g.small.off = !on
	g.grant()
	g.mu.Unlock()
}

// askSmall notes the first small request while the line is unknown and
// wakes the gate (and the dispatcher, through kick) smallFarTrip later: if
// no answer has come by then, the line is long and the waiting small
// requests may take extra slots (see smallSlots.far). The caller holds mu.
func (g *gate) askSmall(size int64) {
	s := &g.small
	if size <= 0 || size > smallRequestMax || s.off || s.trip() > 0 || !s.asked.IsZero() {
		return
	}
	s.asked = g.clock()
	g.after(smallFarTrip, func() {
		g.mu.Lock()
		g.grant()
		kick := g.kick
		g.mu.Unlock()
		if kick != nil {
			kick() // the dispatcher may now run tasks for the extra slots
		}
	})
}

// smallHeadroom is how many more tasks than the limit allows the
// dispatcher may run so that the extra slots can be used: as many as
// there may be extra slots, none when they are off or the line is short
// (each running task holds its open file and record).
func (g *gate) smallHeadroom() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.small.room(g.clock(), adaptMaxLimit)
}

// noteSmall records a small request's time to first byte (see
// smallSlots.far).
func (g *gate) noteSmall(now time.Time, took time.Duration) {
	g.mu.Lock()
	g.small.sample(now, took)
	g.mu.Unlock()
}

// gatedSized is gated for a request of size body bytes: a small one may
// take an extra slot, and its time to first byte, when it succeeds, tells
// whether the line is long. fn must send its request with the context it
// is given (the measurement rides on it).
func (w *worker) gatedSized(ctx context.Context, size int64, fn func(context.Context) error) error {
	g := w.e.gate
	extra, err := g.acquireSized(ctx, max(size, 1))
	if err != nil {
		return err
	}
	defer g.releaseSized(extra, max(size, 1))
	if size > smallRequestMax {
		return fn(ctx)
	}
	var tf firstByte
	if err := fn(tf.trace(ctx, g.clock)); err != nil {
		return err
	}
	if took, ok := tf.took(); ok {
		g.noteSmall(g.clock(), took)
	}
	return nil
}

// firstByte measures a request's time to first byte: from its last byte
// written (into the socket) to the first byte of the answer. That is the
// line's round trip and the server's own time, and nothing of the client's:
// opening and reading the file, hashing it, signing, waiting for a
// connection, all of which a loaded CPU stretches. Timing the whole
// request, as this gate did first, could take a loaded machine on loopback
// for a long line and keep 256 extra requests and their connections open
// there: `make bench`'s 100,000-file CLI run peaked at 135-146 MiB with it
// and at 111-116 MiB with this (and the transport's smaller read buffer).
// When fn makes several requests (a signing server's, then the upload),
// the last one counts.
type firstByte struct {
	wrote atomic.Int64 // unix nanoseconds of the last request written; 0: none
	first atomic.Int64 // nanoseconds; 0: no answer yet
}

func (f *firstByte) trace(ctx context.Context, now func() time.Time) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { f.wrote.Store(now().UnixNano()) },
		GotFirstResponseByte: func() {
			if w := f.wrote.Load(); w != 0 {
				f.first.Store(max(now().UnixNano()-w, 1))
			}
		},
	})
}

// took is the last time to first byte measured, if any.
func (f *firstByte) took() (time.Duration, bool) {
	d := f.first.Load()
	return time.Duration(d), d > 0
}
