package uploader

import (
	"context"
	"sync"
)

// gate is the engine's one limit of in-flight requests, shared by every file
// and part. Its size can change while running; waiters are served in FIFO
// order so a big file's parts cannot starve small files.
type gate struct {
	mu      sync.Mutex
	limit   int
	used    int
	peak    int // the most requests ever in flight at once (tests)
	waiters []chan struct{}
}

func newGate(n int) *gate { return &gate{limit: n} }

// acquire blocks until a slot is free or ctx ends.
func (g *gate) acquire(ctx context.Context) error {
	g.mu.Lock()
	if g.used < g.limit && len(g.waiters) == 0 {
		g.used++
		g.peak = max(g.peak, g.used)
		g.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	g.waiters = append(g.waiters, ch)
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		for i, w := range g.waiters {
			if w == ch {
				g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
				return ctx.Err()
			}
		}
		// Granted while we were giving up: hand the slot on.
		g.used--
		g.grant()
		return ctx.Err()
	}
}

func (g *gate) release() {
	g.mu.Lock()
	g.used--
	g.grant()
	g.mu.Unlock()
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
	return g.used
}

func (g *gate) grant() {
	for g.used < g.limit && len(g.waiters) > 0 {
		ch := g.waiters[0]
		g.waiters = g.waiters[1:]
		g.used++
		g.peak = max(g.peak, g.used)
		close(ch)
	}
}

// size is the current limit.
func (g *gate) size() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit
}
