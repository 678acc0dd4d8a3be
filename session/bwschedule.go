package session

import (
	"context"
	"time"

	"cosdrop/profile"
)

// BandwidthSchedule is the app-wide upload limit as a timetable; the
// grammar is in profile/bwschedule.go (profile parses it because a
// profile file carries one and is validated there, below this layer).
type BandwidthSchedule = profile.BandwidthSchedule

// ParseBandwidthSchedule reads a timetable such as
// "mon-fri 08:00-19:00 2MiB/s; otherwise unlimited"; ErrText words its
// error in the user's language.
func ParseBandwidthSchedule(spec string) (BandwidthSchedule, error) {
	return profile.ParseBandwidthSchedule(spec)
}

// FormatRate writes a rate as the schedule grammar reads it ("2MiB/s").
func FormatRate(bps int64) string { return profile.FormatRate(bps) }

// Clock is the time a schedule follower reads and waits on; tests pass a
// fake one, so no test waits on the wall clock.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type wallClock struct{}

func (wallClock) Now() time.Time                         { return time.Now() }
func (wallClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// WallClock is the computer's clock.
var WallClock Clock = wallClock{}

// scheduleRecheck bounds every wait: a timer does not run while a laptop
// sleeps on every OS, and the wall clock may be set; re-reading it each
// minute puts the right limit in force at most a minute late either way.
const scheduleRecheck = time.Minute

// FollowSchedule applies s's limit through apply now and again at each
// change, until ctx ends. A constant schedule is applied once and the
// follower returns. apply is called only when the limit changes.
func FollowSchedule(ctx context.Context, s BandwidthSchedule, clk Clock, apply func(bytesPerSec int64)) {
	last := int64(-1)
	for {
		now := clk.Now()
		if lim := s.LimitAt(now); lim != last {
			apply(lim)
			last = lim
		}
		next, _, ok := s.NextChange(now)
		if !ok {
			return
		}
		wait := min(max(next.Sub(now), 0), scheduleRecheck)
		select {
		case <-ctx.Done():
			return
		case <-clk.After(wait):
		}
	}
}

// ProfileSchedule is the timetable p's admin set, if any (Validate has
// already refused a bad one, so an error here means a hand-edited file).
func ProfileSchedule(p profile.Profile) (BandwidthSchedule, bool, error) {
	if p.BandwidthSchedule == "" {
		return BandwidthSchedule{}, false, nil
	}
	s, err := profile.ParseBandwidthSchedule(p.BandwidthSchedule)
	return s, err == nil, err
}
