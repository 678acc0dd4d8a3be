package uploader

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"
)

// adaptive finds, while the engine runs, how many requests in flight fill
// the line without queueing, so nobody has to know their network.
//
// Design: a throughput hill-climb in epochs, in the spirit of BBR's probing
// and AIMD's backing off. An epoch lasts at least adaptEpochMin and at
// least two average request times, so that it sees the effect of the
// current limit; its goodput is the bytes COS acknowledged per second.
//   - Slow start: every request that completes adds one to the limit, as
//     TCP's slow start adds to its window per ACK, up to twice the limit
//     the epoch started with. The limit thus doubles per round trip, not
//     per epoch (an epoch is at least two request times): on a 200 ms line
//     with small files the climb from 8 to the ~80 requests in flight that
//     the bandwidth-delay product asks for takes four round trips instead
//     of eight, and a batch of 300 small files lasts about a second on that
//     line, so a slower climb ends after the batch does (issue 22, measured
//     with `make bench-wan`). An epoch whose goodput grew by more than
//     adaptGain keeps the limit; the first epoch without such growth ends
//     slow start and falls back to the limit the last paying epoch started
//     with.
//   - Holding: the limit stays; the held goodput is tracked. Every
//     adaptReprobe epochs the controller probes, alternately up and down,
//     by an eighth of the limit. A probe up is kept (and repeated) only if
//     goodput grew by more than the margin; a probe down is kept (and
//     repeated) while goodput fell by less than the margin, because the
//     same goodput with fewer requests in flight means the others were
//     only queueing. A probe that does not pay goes back to the last good
//     limit. On a line whose every request waits a fixed round trip, the
//     margin settles at about 1-adaptElasticity of the line's capacity.
//   - A collapse (goodput under adaptLoss of the held value while holding)
//     cuts the limit by a fifth and starts probing down from there.
//   - COS's 503 SlowDown or a 429 halves the limit at once (multiplicative
//     decrease), whatever the epoch says.
//
// A pinned limit (--concurrency N) switches all of this off. Small files
// and parts share the one limit through the engine's FIFO gate, so the
// controller never favours one kind of request.
type adaptive struct {
	mu       sync.Mutex
	pinned   bool
	limit    int
	min, max int
	onChange func(int) // called with the new limit, outside mu

	start time.Time // of the current epoch; zero before the first sample
	bytes int64     // acknowledged in this epoch
	reqs  int       // completed in this epoch
	busy  time.Duration
	slow  bool // a SlowDown arrived in this epoch

	slowStart  bool
	epochLimit int     // the limit when the epoch started: slow start grows to twice it
	held       float64 // goodput at heldLimit
	heldLimit  int     // the last limit that paid
	probe      int     // +1 probing up, -1 probing down, 0 holding
	lastProbe  int     // direction of the last probe, to alternate
	quiet      int     // epochs held since the last probe
}

// Tuning of the controller; see adaptive's godoc.
const (
	adaptEpochMin     = 300 * time.Millisecond
	adaptSlowEpochMin = 100 * time.Millisecond
	adaptGain         = 1.05 // slow start: goodput must grow 5% for a doubling to count
	adaptElasticity   = 0.15 // see margin
	adaptLoss         = 0.70 // goodput below 70% of the held value is a collapse
	adaptReprobe      = 4    // held epochs before the next probe
	adaptMinLimit     = 2
	adaptMaxLimit     = 128
	adaptStepDenom    = 8 // steady growth: an eighth of the limit, at least 1
)

// newAdaptive starts at initial requests in flight. pinned fixes the limit
// there for good.
func newAdaptive(initial int, pinned bool, onChange func(int)) *adaptive {
	a := &adaptive{limit: initial, min: adaptMinLimit, max: adaptMaxLimit, pinned: pinned,
		onChange: onChange, slowStart: true}
	if pinned {
		a.min, a.max = initial, initial
	}
	a.limit = min(max(a.limit, a.min), a.max)
	a.epochLimit = a.limit
	return a
}

// Limit is the current number of requests allowed in flight.
func (a *adaptive) Limit() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.limit
}

// observe records one finished request: the bytes COS acknowledged (0 for a
// failed one), how long it took, and whether COS asked to slow down.
func (a *adaptive) observe(now time.Time, bytes int64, took time.Duration, slowDown bool) {
	if a.pinned {
		return
	}
	a.mu.Lock()
	if a.start.IsZero() {
		a.start = now.Add(-took)
	}
	a.bytes += bytes
	a.reqs++
	a.busy += took
	a.slow = a.slow || slowDown
	grew := a.slowStart && !slowDown && bytes > 0 && a.limit < min(2*max(a.epochLimit, 1), a.max)
	if grew {
		a.limit++
	}
	changed, limit := a.maybeEndEpoch(now)
	changed = changed || grew
	a.mu.Unlock()
	if changed && a.onChange != nil {
		a.onChange(limit)
	}
}

// maybeEndEpoch closes the epoch when it has lasted long enough and decides
// the next limit. The caller holds mu.
func (a *adaptive) maybeEndEpoch(now time.Time) (bool, int) {
	if a.slow {
		return a.cut(now, 0.5)
	}
	dur := now.Sub(a.start)
	avg := a.busy / time.Duration(max(a.reqs, 1))
	minEpoch := adaptEpochMin
	if a.slowStart {
		// Slow start compares doublings, whose effect shows at once: short
		// epochs let a batch of small files reach the line's rate within
		// its first second instead of ending before the climb does.
		minEpoch = adaptSlowEpochMin
	}
	if dur < minEpoch || dur < 2*avg || a.reqs < 2 {
		return false, a.limit
	}
	rate := float64(a.bytes) / dur.Seconds()
	old := a.limit
	switch {
	case a.slowStart:
		a.slowStep(rate)
	case a.probe > 0:
		a.probeStep(rate, rate >= a.held*(1+a.margin(old)))
	case a.probe < 0:
		a.probeStep(rate, rate >= a.held*(1-a.margin(old)))
	case rate < a.held*adaptLoss:
		a.limit = max(a.min, a.limit*4/5)
		a.held, a.heldLimit, a.probe, a.lastProbe = rate, a.limit, -1, -1
	default:
		a.hold(rate)
	}
	a.limit = min(max(a.limit, a.min), a.max)
	a.resetEpoch(now)
	return a.limit != old, a.limit
}

// slowStep doubles the limit while goodput keeps growing.
func (a *adaptive) slowStep(rate float64) {
	if rate > a.held*adaptGain {
		// The limit already grew during the epoch, one per completion.
		a.held, a.heldLimit = rate, a.epochLimit
		return
	}
	a.slowStart = false
	a.limit = max(a.heldLimit, a.min)
}

// probeStep keeps a probe that paid (and takes another step the same way)
// or goes back to the last good limit.
func (a *adaptive) probeStep(rate float64, paid bool) {
	if !paid {
		a.limit, a.probe = a.heldLimit, 0
		return
	}
	if a.probe > 0 {
		a.held = rate
	} // a step down is judged against the goodput before the first step, so small losses cannot add up
	a.heldLimit = a.limit
	a.limit += a.probe * a.step()
	if a.limit < a.min || a.limit > a.max {
		a.limit, a.probe = a.heldLimit, 0
	}
}

// hold tracks the goodput at the held limit and starts a probe now and then.
func (a *adaptive) hold(rate float64) {
	if a.held == 0 {
		a.held = rate // the first epoch after a cut
	}
	a.held = (a.held + rate) / 2
	a.quiet++
	if a.quiet < adaptReprobe {
		return
	}
	a.quiet = 0
	a.probe = -a.lastProbe
	if a.probe == 0 {
		a.probe = 1
	}
	a.lastProbe = a.probe
	a.heldLimit = a.limit
	a.limit += a.probe * a.step()
}

func (a *adaptive) step() int { return max(1, a.limit/adaptStepDenom) }

// margin is the change of goodput that makes the last probe step, from
// heldLimit to limit, worth it: adaptElasticity of the relative change in
// requests in flight. Judging up and down steps by the same margin keeps
// the limit where one more request in flight adds that share of itself to
// the goodput: past it, more requests mostly wait in a queue.
func (a *adaptive) margin(limit int) float64 {
	d := float64(limit-a.heldLimit) / float64(max(a.heldLimit, 1))
	return adaptElasticity * max(d, -d)
}

// cut lowers the limit by factor at once (SlowDown) and holds there: the
// line told us where its edge is.
func (a *adaptive) cut(now time.Time, factor float64) (bool, int) {
	old := a.limit
	a.limit = max(a.min, int(float64(a.limit)*factor))
	a.slowStart, a.probe, a.quiet = false, 0, 0
	a.held, a.heldLimit = 0, a.limit
	a.resetEpoch(now)
	return a.limit != old, a.limit
}

func (a *adaptive) resetEpoch(now time.Time) {
	a.start, a.bytes, a.reqs, a.busy, a.slow = now, 0, 0, 0, false
	a.epochLimit = a.limit
}

// pin fixes the limit at n (n > 0) or hands it back to the controller
// (n <= 0, starting again from the current limit); it returns the limit.
func (a *adaptive) pin(n int) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if n > 0 {
		a.pinned, a.limit, a.min, a.max = true, n, n, n
		return n
	}
	a.pinned, a.min, a.max = false, adaptMinLimit, adaptMaxLimit
	a.limit = min(max(a.limit, a.min), a.max)
	a.slowStart, a.probe, a.quiet, a.held, a.heldLimit = true, 0, 0, 0, a.limit
	a.start, a.epochLimit = time.Time{}, a.limit
	return a.limit
}

// measuredStore feeds the controller: every put and part upload reports
// its bytes and time, and any answer asking to slow down is seen at once.
type measuredStore struct {
	objectStore
	a *adaptive
}

func (m measuredStore) put(ctx context.Context, key string, body io.Reader, size int64, o writeOpts) (reply, error) {
	start := time.Now()
	rep, err := m.objectStore.put(ctx, key, body, size, o)
	m.observe(start, size, err)
	return rep, err
}

func (m measuredStore) uploadPart(ctx context.Context, key, uploadID string, n int, body io.Reader, size int64) (reply, error) {
	start := time.Now()
	rep, err := m.objectStore.uploadPart(ctx, key, uploadID, n, body, size)
	m.observe(start, size, err)
	return rep, err
}

// observe reports one request; a canceled one (pause, shutdown) says
// nothing about the line.
func (m measuredStore) observe(start time.Time, size int64, err error) {
	now := time.Now()
	switch {
	case err == nil:
		m.a.observe(now, size, now.Sub(start), false)
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
	default:
		m.a.observe(now, 0, now.Sub(start), slowDown(err))
	}
}

// slowDown reports whether COS (or a proxy before it) asked for less load:
// 503 SlowDown or 429.
func slowDown(err error) bool {
	er, ok := cosError(err)
	if !ok {
		return false
	}
	status := 0
	if er.Response != nil {
		status = er.Response.StatusCode
	}
	return er.Code == "SlowDown" || status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests
}
