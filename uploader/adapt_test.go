package uploader

import (
	"testing"
	"time"
)

// line is a simulated network for the controller: every request of size
// bytes waits latency (the round trip and the server's answer), and the n
// requests in flight share capacity bytes/s. Goodput is n·size/(latency +
// n·size/capacity): it grows with n towards the capacity, while each
// request takes longer, as over a real shared link.
type line struct {
	latency  time.Duration
	capacity float64 // bytes per second
	size     int64
}

func (l line) took(n int) time.Duration {
	return l.latency + time.Duration(float64(n)*float64(l.size)/l.capacity*float64(time.Second))
}

// drive runs the controller against l for d of simulated time and returns
// the goodput over the last half, as a fraction of the capacity.
func drive(a *adaptive, l line, now *time.Time, d time.Duration, slowEvery int) float64 {
	end := now.Add(d)
	half := now.Add(d / 2)
	var late int64
	for i := 1; now.Before(end); i++ {
		n := a.Limit()
		took := l.took(n)
		*now = now.Add(took / time.Duration(n)) // n requests finish per took
		a.observe(*now, l.size, took, slowEvery > 0 && i%slowEvery == 0)
		if now.After(half) {
			late += l.size
		}
	}
	return float64(late) / (d / 2).Seconds() / l.capacity
}

func TestAdaptiveGrowsOnAFastFarLine(t *testing.T) {
	// 32 KiB files, 40 ms per answer, 12 MiB/s: eight in flight fill only
	// about a third of the line (the measured 0.45 of capacity).
	l := line{latency: 40 * time.Millisecond, capacity: 12 << 20, size: 32 << 10}
	now := time.Unix(0, 0)
	a := newAdaptive(DefaultConcurrency, false, nil)
	fixed := drive(newAdaptive(DefaultConcurrency, true, nil), l, &now, 20*time.Second, 0)
	got := drive(a, l, &now, 60*time.Second, 0)
	if a.Limit() <= DefaultConcurrency {
		t.Fatalf("limit stayed at %d on a line that needs more in flight", a.Limit())
	}
	if got < 0.75 || got < fixed*1.5 {
		t.Fatalf("adaptive goodput %.2f of capacity (fixed %d in flight: %.2f); want >= 0.75 and 1.5x fixed", got, DefaultConcurrency, fixed)
	}
}

func TestAdaptiveDoesNotInflateForBigParts(t *testing.T) {
	// 8 MiB parts on a 12 MiB/s line: a few in flight already fill it, and
	// more only queue. The limit must come back near where it started.
	l := line{latency: 40 * time.Millisecond, capacity: 12 << 20, size: 8 << 20}
	now := time.Unix(0, 0)
	a := newAdaptive(DefaultConcurrency, false, nil)
	got := drive(a, l, &now, 10*time.Minute, 0)
	if got < 0.9 {
		t.Fatalf("goodput %.2f of capacity, want >= 0.9", got)
	}
	if a.Limit() > 2*DefaultConcurrency {
		t.Fatalf("limit grew to %d where more in flight only queues", a.Limit())
	}
}

func TestAdaptiveHalvesOnSlowDown(t *testing.T) {
	l := line{latency: 40 * time.Millisecond, capacity: 12 << 20, size: 32 << 10}
	now := time.Unix(0, 0)
	a := newAdaptive(DefaultConcurrency, false, nil)
	drive(a, l, &now, 30*time.Second, 0)
	before := a.Limit()
	var seen []int
	a.onChange = func(n int) { seen = append(seen, n) }
	now = now.Add(time.Millisecond)
	a.observe(now, 0, 50*time.Millisecond, true)
	if a.Limit() != max(adaptMinLimit, before/2) {
		t.Fatalf("after SlowDown the limit is %d, want %d (half of %d)", a.Limit(), before/2, before)
	}
	if len(seen) != 1 || seen[0] != a.Limit() {
		t.Fatalf("onChange saw %v, want [%d]", seen, a.Limit())
	}
	// A COS that keeps saying SlowDown drives the limit to the floor.
	drive(a, l, &now, 20*time.Second, 3)
	if a.Limit() != adaptMinLimit {
		t.Fatalf("under constant SlowDown the limit is %d, want the floor %d", a.Limit(), adaptMinLimit)
	}
}

func TestAdaptiveBacksOffOnACollapsingLine(t *testing.T) {
	now := time.Unix(0, 0)
	a := newAdaptive(DefaultConcurrency, false, nil)
	drive(a, line{latency: 40 * time.Millisecond, capacity: 12 << 20, size: 32 << 10}, &now, 60*time.Second, 0)
	before := a.Limit()
	// The line collapses to 1 MiB/s: more in flight now only queues.
	drive(a, line{latency: 40 * time.Millisecond, capacity: 1 << 20, size: 32 << 10}, &now, 10*time.Minute, 0)
	if after := a.Limit(); after >= before {
		t.Fatalf("limit %d after the line collapsed, was %d: want it lower", after, before)
	}
}

func TestAdaptivePinnedNeverMoves(t *testing.T) {
	now := time.Unix(0, 0)
	for _, n := range []int{1, 3, 200} {
		a := newAdaptive(n, true, func(int) { t.Fatalf("a pinned limit changed") })
		drive(a, line{latency: 40 * time.Millisecond, capacity: 12 << 20, size: 32 << 10}, &now, 30*time.Second, 5)
		if a.Limit() != n {
			t.Fatalf("pinned at %d, now %d", n, a.Limit())
		}
	}
}

func TestAdaptiveStaysWithinBounds(t *testing.T) {
	now := time.Unix(0, 0)
	a := newAdaptive(DefaultConcurrency, false, nil)
	// An infinitely fast line rewards every step: the ceiling must hold.
	drive(a, line{latency: time.Millisecond, capacity: 1 << 40, size: 1 << 10}, &now, 60*time.Second, 0)
	if a.Limit() > adaptMaxLimit || a.Limit() < adaptMinLimit {
		t.Fatalf("limit %d outside [%d, %d]", a.Limit(), adaptMinLimit, adaptMaxLimit)
	}
}

func TestAdaptiveFillsASlowFarLine(t *testing.T) {
	// 200 ms per answer, 1 MiB/s (a mobile hotspot to a far region): the
	// issue's goal is 0.8 of the line for small files and one big file.
	for _, size := range []int64{32 << 10, 8 << 20} {
		now := time.Unix(0, 0)
		a := newAdaptive(DefaultConcurrency, false, nil)
		got := drive(a, line{latency: 200 * time.Millisecond, capacity: 1 << 20, size: size}, &now, 20*time.Minute, 0)
		if got < 0.8 {
			t.Errorf("requests of %d bytes: goodput %.2f of capacity with limit %d, want >= 0.8", size, got, a.Limit())
		}
	}
}
