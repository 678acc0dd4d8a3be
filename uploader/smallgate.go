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
// of the current limit (64 at the adaptive start of 8, as many connections
// as a tuned script would open), at most smallExtraMax, holding at most
// smallExtraBytes. A batch of small files thus starts as one wide wave with
// every connection's handshake paid together, and the extra slots follow
// the adaptive limit (adapt.go) up as its slow start grows and down when
// COS says SlowDown. The bytes so committed stay small (8 MiB at most,
// under a second of a 12 MiB/s line), which is why small files, unlike
// parts, can afford it; s5cmd, a tool built for many small objects, runs
// 256 workers by default (defaultWorkerCount in
// https://github.com/peak/s5cmd/blob/master/command/app.go). Extra slots never
// count against the limit, so parts waiting for a slot are not held back
// by a flood of small files, and the controller still sees every request
// they carry. A pinned limit (--concurrency N) switches them off: the user
// chose the window. They also close on a short line (loopback, a LAN),
// judged by the small requests' time to first byte (firstByte), where the
// limit's own slots fill the line and every extra connection only costs
// memory.
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
}

// Tuning of the extra slots; see smallSlots.
const (
	smallRequestMax = 256 << 10 // a PUT of at most this many bytes is small
	smallPerSlot    = 8         // extra small requests per slot of the limit
	smallExtraMax   = 256       // extra small requests in flight at most
	smallExtraBytes = 8 << 20   // and their bodies at most this many bytes
	// smallFarTrip is the shortest time to first byte that shows a long line:
	// at 30 ms and 12 MiB/s, the limit's own slots already cover the round
	// trip (a bandwidth-delay product of 12 files of 32 KiB).
	smallFarTrip    = 30 * time.Millisecond
	smallTripWindow = 10 * time.Second
)

// fits reports whether a request of size bytes may take an extra slot
// while the gate's limit is limit: only on a long line, or before the first
// small request has told (the first wave must not wait for it).
func (s *smallSlots) fits(size int64, limit int) bool {
	return !s.off && s.far() && size > 0 && size <= smallRequestMax &&
		s.n < min(smallPerSlot*limit, smallExtraMax) && s.bytes+size <= smallExtraBytes
}

// far reports whether the line is long enough for extra slots to pay. On
// a short one (loopback, a LAN, a near region) the limit's slots fill it,
// and each extra slot would only hold another connection and its buffers
// (128 KiB) for nothing: `make bench`'s 100,000-file run measured 47 MiB
// more peak RSS with them.
func (s *smallSlots) far() bool {
	trip := s.tripCur
	if s.tripPrev > 0 && (trip == 0 || s.tripPrev < trip) {
		trip = s.tripPrev
	}
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

// smallHeadroom is how many more tasks than the limit allows the
// dispatcher may run so that the extra slots can be used: none when they
// are off or the line is short (each running task holds its open file
// and record).
func (g *gate) smallHeadroom() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.small.off || !g.small.far() {
		return 0
	}
	return smallExtraMax
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
