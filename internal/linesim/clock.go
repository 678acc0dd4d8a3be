package linesim

import (
	"sync"
	"time"
)

// Clock is the line's time source.
type Clock interface {
	Now() time.Time
	// SleepUntil returns once Now is at or after t.
	SleepUntil(t time.Time)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) SleepUntil(t time.Time) {
	if d := time.Until(t); d > 0 {
		time.Sleep(d)
	}
}

// bucket is the line's shared upstream capacity: a virtual clock of when
// the line is next free. reserve books n bytes and returns when their last
// byte has been clocked onto the line.
type bucket struct {
	mu   sync.Mutex
	rate float64 // bytes per second; 0 is unlimited
	next time.Time
}

// bucketSlack is how far behind now the line's clock may lag and still be
// used: a sleeper that wakes late (timer granularity, a loaded machine)
// gets that time back instead of losing capacity for good. It is a burst
// of at most slack x rate bytes (120 KiB at 12 MiB/s).
const bucketSlack = 10 * time.Millisecond

func newBucket(rate int64) *bucket { return &bucket{rate: float64(rate)} }

func (b *bucket) reserve(now time.Time, n int) time.Time {
	if b.rate <= 0 {
		return now
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	start := b.next
	if start.IsZero() {
		start = now
	}
	if floor := now.Add(-bucketSlack); start.Before(floor) {
		start = floor
	}
	b.next = start.Add(time.Duration(float64(n) / b.rate * float64(time.Second)))
	if b.next.Before(now) {
		return now
	}
	return b.next
}
