package uploader

import (
	"context"
	"sync"
	"time"
)

// gate is the engine's one limit of in-flight requests, shared by every file
// and part. Its size can change while running; waiters are served in FIFO
// order so a big file's parts cannot starve small files. Small requests may
// also take one of the gate's extra slots (smallgate.go), which never count
// against the limit and so never take a slot a part waits for.
type gate struct {
	mu      sync.Mutex
	limit   int
	used    int
	peak    int // the most requests ever in flight at once, extra slots included (tests)
	waiters []*waiter
	small   smallSlots
	clock   func() time.Time            // time.Now; tests set their own
	after   func(time.Duration, func()) // time.AfterFunc; tests set their own
	kick    func()                      // wakes the engine's dispatcher (smallgate.go); nil in tests
}

// waiter is one request waiting for a slot; size > 0 marks a small request
// that an extra slot may serve (extra then says so).
type waiter struct {
	ch    chan struct{}
	size  int64
	extra bool
}

func newGate(n int) *gate {
	return &gate{limit: n, clock: time.Now, after: func(d time.Duration, f func()) { time.AfterFunc(d, f) }}
}

// acquire blocks until a slot is free or ctx ends.
func (g *gate) acquire(ctx context.Context) error {
	_, err := g.acquireSized(ctx, 0)
	return err
}

// acquireSized is acquire for a request of size body bytes (0: not a
// small request). It reports whether the slot is an extra one, to be handed
// back with releaseSized.
func (g *gate) acquireSized(ctx context.Context, size int64) (bool, error) {
	g.mu.Lock()
	g.askSmall(size)
	if g.used < g.limit && len(g.waiters) == 0 {
		g.used++
		g.note()
		g.mu.Unlock()
		return false, nil
	}
	if g.small.fits(g.clock(), size, g.limit) && !g.smallWaiting() {
		g.small.take(size)
		g.note()
		g.mu.Unlock()
		return true, nil
	}
	w := &waiter{ch: make(chan struct{}), size: size}
	g.waiters = append(g.waiters, w)
	g.mu.Unlock()
	select {
	case <-w.ch:
		return w.extra, nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		for i, x := range g.waiters {
			if x == w {
				g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
				return false, ctx.Err()
			}
		}
		// Granted while we were giving up: hand the slot on.
		g.free(w.extra, size)
		g.grant()
		return false, ctx.Err()
	}
}

func (g *gate) release() { g.releaseSized(false, 0) }

// releaseSized hands back a slot acquireSized gave.
func (g *gate) releaseSized(extra bool, size int64) {
	g.mu.Lock()
	g.free(extra, size)
	g.grant()
	g.mu.Unlock()
}

func (g *gate) free(extra bool, size int64) {
	if extra {
		g.small.give(size)
		return
	}
	g.used--
}

func (g *gate) setLimit(n int) {
	g.mu.Lock()
	g.limit = n
	g.grant()
	g.mu.Unlock()
}

// inUse is the number of requests in flight (for tests and totals).
func (g *gate) inUse() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.used + g.small.n
}

func (g *gate) note() { g.peak = max(g.peak, g.used+g.small.n) }

// grant serves waiters: the limit's slots in FIFO order, then extra slots
// to the small requests still waiting, also in order.
func (g *gate) grant() {
	for g.used < g.limit && len(g.waiters) > 0 {
		w := g.waiters[0]
		g.waiters = g.waiters[1:]
		g.used++
		g.note()
		close(w.ch)
	}
	kept := g.waiters[:0]
	now := g.clock()
	for _, w := range g.waiters {
		if g.small.fits(now, w.size, g.limit) {
			g.small.take(w.size)
			g.note()
			w.extra = true
			close(w.ch)
			continue
		}
		kept = append(kept, w)
	}
	clear(g.waiters[len(kept):])
	g.waiters = kept
}

// smallWaiting reports whether a small request waits (a newcomer queues
// behind it rather than overtaking it for an extra slot).
func (g *gate) smallWaiting() bool {
	for _, w := range g.waiters {
		if w.size > 0 {
			return true
		}
	}
	return false
}

// size is the current limit.
func (g *gate) size() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit
}
