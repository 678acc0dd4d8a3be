package cli

import (
	"context"
	"errors"

	"cosdrop/session"
)

// bwlimitOverride reads --bwlimit into o. It may not be given with
// --limit: two limits would leave the user guessing which one applies.
func bwlimitOverride(f uploadFlags, o *session.Overrides) error {
	if f.bwlimit == "" {
		return nil
	}
	if f.limit != "" {
		return errors.New(tr("use either --limit or --bwlimit, not both"))
	}
	s, err := session.ParseBandwidthSchedule(f.bwlimit)
	if err != nil {
		return errors.New(tr("--bwlimit:") + " " + session.ErrText(err))
	}
	o.Schedule = &s
	return nil
}

// rateSetter is the engine as the schedule follower uses it.
type rateSetter interface{ SetRateLimit(bytesPerSec int64) }

// followBandwidth changes e's limit at each boundary of the timetable in
// force (--bwlimit, else the profile's) until ctx ends; a fixed limit
// needs nothing, the engine started with it.
func followBandwidth(ctx context.Context, f uploadFlags, spec session.Engine, e rateSetter) {
	s := spec.Schedule
	if s == nil && f.bwlimit != "" { // the Sandbox's engine does not carry it
		if p, err := session.ParseBandwidthSchedule(f.bwlimit); err == nil {
			s = &p
		}
	}
	if s == nil {
		return
	}
	if _, constant := s.Constant(); constant {
		return
	}
	go session.FollowSchedule(ctx, *s, session.WallClock, e.SetRateLimit)
}
