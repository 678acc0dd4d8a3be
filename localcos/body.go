package localcos

import (
	"context"
	"errors"
	"io"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// errInjectedReset ends a body read when the fault plan resets the
// connection.
var errInjectedReset = errors.New("localcos: connection reset by fault plan")

// Traffic limits of x-cos-traffic-limit, in bit/s (https://cloud.tencent.com/document/product/436/7749).
const (
	minTrafficLimit = 819200
	maxTrafficLimit = 838860800
)

// trafficLimit parses x-cos-traffic-limit (a header, or a form field for POST)
// into bytes per second; 0 means none.
func trafficLimit(v string) (int64, *apiError) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < minTrafficLimit || n > maxTrafficLimit {
		return 0, errInvalidArgument("x-cos-traffic-limit must be an integer between 819200 and 838860800 (bit/s).")
	}
	return n / 8, nil
}

// throttled paces reads through token buckets: the request's own traffic
// limit and the plan's shared bandwidth cap.
type throttled struct {
	ctx      context.Context
	r        io.Reader
	limiters []*rate.Limiter
}

func newThrottled(ctx context.Context, r io.Reader, limiters ...*rate.Limiter) io.Reader {
	var ls []*rate.Limiter
	for _, l := range limiters {
		if l != nil {
			ls = append(ls, l)
		}
	}
	if len(ls) == 0 {
		return r
	}
	return &throttled{ctx: ctx, r: r, limiters: ls}
}

func (t *throttled) Read(p []byte) (int, error) {
	for _, l := range t.limiters {
		if b := l.Burst(); len(p) > b {
			p = p[:b]
		}
	}
	n, err := t.r.Read(p)
	if n > 0 {
		for _, l := range t.limiters {
			if werr := l.WaitN(t.ctx, n); werr != nil && err == nil {
				err = werr
			}
		}
	}
	return n, err
}

// bodyReader is a request body as handlers see it: counted, throttled and
// subject to the plan's reset and stall.
type bodyReader struct {
	q        *request
	r        io.Reader
	resetAt  int64
	stallAt  int64
	stallFor time.Duration
}

// bodyReader wraps the request body; the traffic limit is applied by the
// handler once it has validated the header (see limitBody).
func (s *Server) bodyReader(q *request, act faultAction) *bodyReader {
	return &bodyReader{q: q, r: newThrottled(q.r.Context(), q.r.Body, s.faults.bandwidthLimiter()),
		resetAt: act.resetAt, stallAt: act.stallAt, stallFor: act.stallFor}
}

// limit adds a per-request rate limit in bytes per second.
func (b *bodyReader) limit(bytesPerSec int64) {
	if bytesPerSec > 0 {
		b.r = newThrottled(b.q.r.Context(), b.r, newLimiter(bytesPerSec))
	}
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n := b.q.received
	if b.resetAt >= 0 {
		if n >= b.resetAt {
			b.q.reset = true
			return 0, errInjectedReset
		}
		if rest := b.resetAt - n; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	if b.stallAt >= 0 {
		if n >= b.stallAt {
			b.stallAt = -1
			b.q.s.stall(b.q, b.stallFor)
		} else if rest := b.stallAt - n; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	m, err := b.r.Read(p)
	b.q.received += int64(m)
	if err == io.EOF && b.resetAt >= 0 && b.q.received >= b.resetAt {
		// The body ended exactly at the reset point: still reset, so the
		// client never gets an answer.
		b.q.reset = true
		return m, errInjectedReset
	}
	return m, err
}

// limiterFor returns a limiter for bytesPerSec, or nil for no limit.
func limiterFor(bytesPerSec int64) *rate.Limiter {
	if bytesPerSec <= 0 {
		return nil
	}
	return newLimiter(bytesPerSec)
}
