package session

import (
	"context"
	"sync"
	"testing"
	"time"
)

// fakeClock advances only when the follower waits: each After moves the
// clock by the wait and fires at once, so a week of schedule runs in
// microseconds and no test reads the wall clock.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
	stop  context.CancelFunc
	until time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	if !c.now.Before(c.until) {
		c.stop()
	}
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func TestFollowScheduleAppliesEachBoundary(t *testing.T) {
	s, err := ParseBandwidthSchedule("mon-fri 08:00-19:00 2MiB/s; otherwise unlimited")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mon := time.Date(2026, 11, 30, 7, 59, 30, 0, time.UTC)
	clk := &fakeClock{now: mon, stop: cancel, until: mon.Add(36 * time.Hour)}
	type change struct {
		at  time.Time
		bps int64
	}
	var got []change
	FollowSchedule(ctx, s, clk, func(bps int64) { got = append(got, change{clk.now, bps}) })
	want := []change{
		{mon, 0},
		{time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), 2 << 20},
		{time.Date(2026, 11, 30, 19, 0, 0, 0, time.UTC), 0},
		{time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), 2 << 20},
		{time.Date(2026, 12, 1, 19, 0, 0, 0, time.UTC), 0},
	}
	if len(got) != len(want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	for i := range want {
		if !got[i].at.Equal(want[i].at) || got[i].bps != want[i].bps {
			t.Errorf("change %d: %v, want %v", i, got[i], want[i])
		}
	}
	for _, w := range clk.waits {
		if w <= 0 || w > scheduleRecheck {
			t.Errorf("waited %s; every wait is in (0, %s]", w, scheduleRecheck)
		}
	}
}

func TestFollowScheduleConstantReturns(t *testing.T) {
	s, err := ParseBandwidthSchedule("5MiB/s")
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	clk := &fakeClock{now: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), stop: func() {}, until: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	FollowSchedule(context.Background(), s, clk, func(bps int64) { got = append(got, bps) })
	if len(got) != 1 || got[0] != 5<<20 || len(clk.waits) != 0 {
		t.Fatalf("applied %v after %d waits; want 5MiB/s once", got, len(clk.waits))
	}
}

func TestParseBandwidthScheduleWorded(t *testing.T) {
	_, err := ParseBandwidthSchedule("office hours 2MiB/s")
	if err == nil || ErrText(err) == "" {
		t.Fatalf("error %v", err)
	}
}

// The profile's timetable is the engine's unless the caller set a limit
// (the CLI's --limit or --bwlimit, the window's own choice).
func TestProfileEngineTakesProfileSchedule(t *testing.T) {
	o, _, p := profileHome(t)
	p.BandwidthSchedule = "2MiB/s"
	ctx := context.Background()
	spec, err := ProfileEngine(ctx, p, o.Secrets, t.TempDir(), Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	closeAll(spec.Closers)
	if spec.Schedule == nil || spec.Config.RateLimit != 2<<20 {
		t.Errorf("profile's timetable: schedule %v, limit %d", spec.Schedule, spec.Config.RateLimit)
	}
	spec, err = ProfileEngine(ctx, p, o.Secrets, t.TempDir(), Overrides{RateLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	closeAll(spec.Closers)
	if spec.Schedule != nil || spec.Config.RateLimit != 1<<20 {
		t.Errorf("--limit: schedule %v, limit %d", spec.Schedule, spec.Config.RateLimit)
	}
	mine, _ := ParseBandwidthSchedule("unlimited")
	spec, err = ProfileEngine(ctx, p, o.Secrets, t.TempDir(), Overrides{Schedule: &mine})
	if err != nil {
		t.Fatal(err)
	}
	closeAll(spec.Closers)
	if spec.Schedule != &mine || spec.Config.RateLimit != 0 {
		t.Errorf("--bwlimit unlimited: schedule %v, limit %d", spec.Schedule, spec.Config.RateLimit)
	}
}
