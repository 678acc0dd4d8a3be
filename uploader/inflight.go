package uploader

import (
	"context"
	"io"
	"sync"
	"time"
)

// partBudget bounds the part bytes in flight by what the line carries, so
// that a kill (SIGKILL, power loss) costs a second or two of the line and
// not the whole request window.
//
// Why: the request limit (adaptive) counts requests, and with 8 MiB parts
// eight requests are 64 MiB in flight; on a 12 MiB/s line that is five
// seconds of line, every byte of it sent again after a kill, while one or
// two parts already keep such a line busy (a single `curl -T` uses 0.93 of
// it). Part bodies are therefore also admitted against a byte budget of
// budgetLead seconds of the measured goodput: bytes COS acknowledged per
// second while requests were in flight (never bytes taken by socket
// buffers, which on a capped line read several times the line at first).
// One part is always admitted when none is in flight, so a slow line or a
// first request is never starved. A single PUT of MinPartSize or more counts
// as a part; smaller files are scheduled by the request limit alone.
//
// A pinned request limit (--concurrency N) switches the budget off: the
// user chose the window, and the kill cost is then N x part size.
type partBudget struct {
	mu   sync.Mutex
	off  bool
	used int64 // part bytes admitted and not yet finished
	// admitted is when the last part was admitted (see admit).
	admitted time.Time
	wake     chan struct{} // closed (and replaced) when used falls or the rate grows
	now      func() time.Time

	// Goodput, measured over the time at least one request was in flight.
	inFlight int       // puts and parts in flight
	lastEdge time.Time // of the last request start or end
	busy     time.Duration
	acked    int64       // bytes acknowledged in all
	samples  []ackSample // (busy, acked) at request ends, the last budgetTau of busy time
	rate     float64     // bytes per second; 0 before the first acknowledgement
}

// ackSample is the acknowledged total at a point of busy time.
type ackSample struct {
	busy  time.Duration
	acked int64
}

// Tuning of the budget; see partBudget.
const (
	// budgetLead is how many seconds of measured goodput may be in flight
	// as part bodies: at 12 MiB/s, 21 MiB, two 8 MiB parts, which keep the
	// line busy across one part's end and the next one's start (admit
	// staggers them). Two parts need a goodput of 9.1 MiB/s (0.76 of such
	// a line), and a third would need 13.7 MiB/s, more than the line: so a
	// kill there costs at most two parts, 16 MiB. At 2 s a third part went
	// whenever the goodput read the whole line, and a kill at 40 % of 1 GiB
	// then cost 24.1 MiB, 1.0235x the file on the wire (`make kill-cost`,
	// over issue 22's 1.02x); at 1.5 s two parts needed 10.7 MiB/s, which
	// such a line reads only just.
	budgetLead = 1750 * time.Millisecond
	// budgetTau is the goodput's averaging window, in busy time: long
	// enough to span a few parts, short enough to follow a changed line.
	budgetTau = 3 * time.Second
	// budgetStep merges request ends closer than this in busy time into
	// one sample (hundreds of small files a second need not be kept).
	budgetStep = 50 * time.Millisecond
)

func newPartBudget(off bool, now func() time.Time) *partBudget {
	return &partBudget{off: off, now: now, wake: make(chan struct{})}
}

// limit is the part bytes allowed in flight now; 0 before any goodput is
// known (then one part at a time). The caller holds mu.
func (b *partBudget) limit() int64 {
	return int64(b.rate * budgetLead.Seconds())
}

// Limit reports the budget in bytes (0: one part at a time, no goodput
// measured yet) and whether it applies.
func (b *partBudget) Limit() (int64, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.limit(), !b.off
}

// gatedBytes runs fn holding n bytes of the part budget (0: none) and a
// slot of the request gate. The bytes come first, so that a part waiting
// for the budget holds no slot a small file could use.
func (w *worker) gatedBytes(ctx context.Context, n int64, fn func() error) error {
	return w.e.parts.with(ctx, n, func() error { return w.gated(ctx, fn) })
}

// gatedPut runs a single PUT of size bytes: it takes its share of the part
// budget (putBudget) and then a request slot, an extra one if it is small
// (smallgate.go).
func (w *worker) gatedPut(ctx context.Context, size int64, fn func(context.Context) error) error {
	return w.e.parts.with(ctx, putBudget(size), func() error { return w.gatedSized(ctx, size, fn) })
}

// putBudget is what a single PUT of size bytes takes from the part budget:
// a file of a part's order (MinPartSize and up) counts as a part would,
// or a tree of 5 MiB files would keep the whole request window of them in
// flight; smaller files are left to the request limit alone (a long line
// wants many of them in flight, and each costs little).
func putBudget(size int64) int64 {
	if size < MinPartSize {
		return 0
	}
	return size
}

// with runs fn once n part bytes fit in the budget (or no part is in
// flight), and gives them back when fn returns. n = 0 runs fn at once.
func (b *partBudget) with(ctx context.Context, n int64, fn func() error) error {
	if n <= 0 {
		return fn()
	}
	if err := b.acquire(ctx, n); err != nil {
		return err
	}
	defer b.release(n)
	return fn()
}

func (b *partBudget) acquire(ctx context.Context, n int64) error {
	for {
		b.mu.Lock()
		wait, ok := b.admit(n)
		if ok {
			b.used += n
			b.admitted = b.now()
			b.mu.Unlock()
			return nil
		}
		wake := b.wake
		b.mu.Unlock()
		if err := sleepOrWake(ctx, wake, wait); err != nil {
			return err
		}
	}
}

// sleepOrWake waits for wake, for d when d > 0, or for ctx's end.
func sleepOrWake(ctx context.Context, wake <-chan struct{}, d time.Duration) error {
	var again <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		again = t.C
	}
	select {
	case <-wake:
	case <-again:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// admit reports whether n more part bytes may go now; if not, wait > 0 is
// when to look again without being woken (a stagger that runs out).
//
// Staggered: while parts are in flight, a new one waits until spacing
// has passed since the last one went. Why: the line shares itself fairly
// between connections, so parts started at one instant also end at one
// instant, and the line then idles a round trip (the answers back, the
// next bodies out) before the next pair; the budget admits two or three
// parts at once when the first goodput is measured, and they stayed in
// step from then on. `make bench-wan`'s 64 MiB cell at 200 ms read 0.75 of
// the line that way against 0.79 for the Go SDK's defaults. Parts that
// start apart end apart, and then the part still sending keeps the line
// busy over the gap. The caller holds mu.
func (b *partBudget) admit(n int64) (wait time.Duration, ok bool) {
	if b.off || b.used == 0 {
		return 0, true
	}
	limit := b.limit()
	if b.used+n > limit {
		return 0, false
	}
	if wait = b.admitted.Add(spacing(n, b.rate, limit)).Sub(b.now()); wait > 0 {
		return wait, false
	}
	return 0, true
}

// spacing spreads the parts the budget holds evenly over one part's time
// on the measured line: half of it when the budget holds two parts, a
// fraction of a millisecond on loopback, where it holds dozens.
func spacing(n int64, rate float64, limit int64) time.Duration {
	if rate <= 0 || limit <= 0 {
		return 0
	}
	part := float64(n) / rate // seconds on the line
	return time.Duration(part * float64(n) / float64(limit) * float64(time.Second))
}

func (b *partBudget) release(n int64) { b.change(func() { b.used -= n }) }

// setOff switches the budget off (a pinned request limit) or on.
func (b *partBudget) setOff(off bool) { b.change(func() { b.off = off }) }

// change applies fn under mu and wakes the waiters.
func (b *partBudget) change(fn func()) {
	b.mu.Lock()
	fn()
	b.signal()
	b.mu.Unlock()
}

// signal wakes every waiter to look again. The caller holds mu.
func (b *partBudget) signal() {
	close(b.wake)
	b.wake = make(chan struct{})
}

// tick adds the time since the last request edge to busy if a request was
// in flight, and returns how much it added. The caller holds mu.
func (b *partBudget) tick() time.Duration {
	now := b.now()
	var dt time.Duration
	if b.inFlight > 0 && !b.lastEdge.IsZero() {
		dt = max(now.Sub(b.lastEdge), 0)
	}
	b.lastEdge = now
	b.busy += dt
	return dt
}

// begin records a request (put or part) starting.
func (b *partBudget) begin() {
	b.mu.Lock()
	b.tick()
	b.inFlight++
	b.mu.Unlock()
}

// end records a request ending with acked bytes acknowledged (0 for a
// failed one).
func (b *partBudget) end(acked int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	b.inFlight--
	b.acked += acked
	if n := len(b.samples); n > 0 && b.busy-b.samples[n-1].busy < budgetStep {
		b.samples[n-1].acked = b.acked // close to the last one: merge
	} else {
		b.samples = append(b.samples, ackSample{b.busy, b.acked})
	}
	// Keep one sample at or before the window's start, for interpolation.
	for len(b.samples) > 2 && b.samples[1].busy <= b.busy-budgetTau {
		b.samples = b.samples[1:]
	}
	b.rate = b.goodput()
	if acked > 0 {
		b.signal()
	}
}

// goodput is the bytes acknowledged over the last budgetTau of busy time
// (all of it while there is less). The acknowledged total is read between
// samples by linear interpolation: parts that end at one instant (several
// answers read at once) count as sent over the time before them, as they
// were, not as a burst. The caller holds mu.
func (b *partBudget) goodput() float64 {
	if b.busy <= 0 {
		return 0
	}
	from := b.busy - budgetTau
	if from <= 0 {
		return float64(b.acked) / b.busy.Seconds()
	}
	s := b.samples
	at := float64(s[0].acked)
	if len(s) > 1 && s[0].busy < from {
		f := float64(from-s[0].busy) / float64(s[1].busy-s[0].busy)
		at += f * float64(s[1].acked-s[0].acked)
	}
	return (float64(b.acked) - at) / budgetTau.Seconds()
}

// ackedTotal is every byte COS acknowledged so far (puts and parts), for
// the engine's speed.
func (b *partBudget) ackedTotal() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.acked
}

// budgetStore feeds the part budget's goodput: every put and part upload
// reports its start and the bytes COS acknowledged.
type budgetStore struct {
	objectStore
	b *partBudget
}

func (s budgetStore) put(ctx context.Context, key string, body io.Reader, size int64, o writeOpts) (reply, error) {
	s.b.begin()
	rep, err := s.objectStore.put(ctx, key, body, size, o)
	s.b.end(okBytes(size, err))
	return rep, err
}

func (s budgetStore) uploadPart(ctx context.Context, key, uploadID string, n int, body io.Reader, size int64) (reply, error) {
	s.b.begin()
	rep, err := s.objectStore.uploadPart(ctx, key, uploadID, n, body, size)
	s.b.end(okBytes(size, err))
	return rep, err
}

func okBytes(size int64, err error) int64 {
	if err != nil {
		return 0
	}
	return size
}

// KillBound is the most body bytes the engine claims a kill (SIGKILL,
// power loss) can cost with the adaptive request limit (no --concurrency)
// on a line that carries at most lineRate bytes per second upstream, for
// files of at most putMax bytes sent in one PUT: the part budget, a full
// request window of PUTs under MinPartSize, and the small files' extra
// slots (smallgate.go: their first wave holds up to smallExtraBytes before
// the line is measured). The extra slots count whatever the line's round
// trip: on a capped line a small PUT's time to first byte includes its
// wait behind the others, which opens them on a short line too. The budget
// is budgetLead of the goodput, where the goodput read over budgetTau can
// overread the line by the one part that ended at the window's edge; and
// one part (or one PUT of MinPartSize and up) at least. The soaks
// (internal/soak) enforce it per kill; with a pinned limit the bound is
// the limit x the part size.
func KillBound(lineRate float64, partSize, putMax int64) int64 {
	goodput := lineRate + float64(partSize)/budgetTau.Seconds()
	parts := max(partSize, int64(goodput*budgetLead.Seconds()))
	window := adaptMaxLimit * min(putMax, MinPartSize-1)
	extra := min(smallExtraBytes, smallExtraMax*min(putMax, smallRequestMax))
	return parts + window + extra
}
