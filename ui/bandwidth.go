package ui

import (
	"strings"
	"sync/atomic"
	"time"

	"cosdrop/profile"
)

// The window's speed limit (issue 24, item 3). The user's own limit, set
// in the toolbar or in Settings (a rate or a timetable), wins; without
// one the profile's bandwidth_schedule applies (the admin's timetable);
// without either there is no limit. The ticker goroutine puts the limit
// in force at each boundary, mid-upload (the engine's SetRateLimit applies
// to the next chunk), and the status bar says which limit is in force and
// when it changes next.

// prefSchedule is the user's limit as schedule text ("" = none chosen,
// follow the profile). prefRate is the number older versions stored.
const prefSchedule = "bandwidth-schedule"

// bandwidthNow is the window's clock for the timetable; tests fix it.
var bandwidthNow = time.Now

// bandwidth is the speed limit in force and the timetable it follows. It
// reads the user's choice from the app's preferences and the profile's
// timetable from the window's session, and shows the limit in the toolbar
// and the status bar. Its own fields are atomics: the ticker goroutine
// reads them, the Fyne goroutine replaces them.
type bandwidth struct {
	w           *mainWindow
	rate        atomic.Int64 // the limit in force, bytes/s; also what the next engine opened starts with
	sched       atomic.Pointer[profile.BandwidthSchedule]
	fromProfile atomic.Bool
	shown       atomic.Pointer[string] // the status text last reported
}

// userSchedule is the user's own limit as schedule text, "" for none: the
// Settings text, or the number an older version stored.
func (b *bandwidth) userSchedule() string {
	p := b.w.app.Preferences()
	if s := p.String(prefSchedule); s != "" {
		return s
	}
	if n := p.Int(prefRate); n > 0 {
		return profile.FormatRate(int64(n))
	}
	return ""
}

// setUserSchedule checks spec, remembers it and puts it in force; "" hands
// the limit back to the profile. The error is worded (errText).
func (b *bandwidth) setUserSchedule(spec string) error {
	spec = strings.Join(strings.Fields(spec), " ")
	if spec != "" {
		if _, err := profile.ParseBandwidthSchedule(spec); err != nil {
			return err
		}
	}
	p := b.w.app.Preferences()
	p.SetString(prefSchedule, spec)
	p.SetInt(prefRate, 0) // the text is the one setting from now on
	b.refreshSchedule()
	return nil
}

// effectiveSchedule is the user's limit, else the profile's timetable,
// else none; fromProfile says it is the profile's.
func (b *bandwidth) effectiveSchedule() (s profile.BandwidthSchedule, fromProfile bool) {
	if spec := b.userSchedule(); spec != "" {
		if s, err := profile.ParseBandwidthSchedule(spec); err == nil {
			return s, false
		}
	}
	if b.w.sess != nil && b.w.sess.profile.BandwidthSchedule != "" {
		if s, err := profile.ParseBandwidthSchedule(b.w.sess.profile.BandwidthSchedule); err == nil {
			return s, true
		}
	}
	return profile.BandwidthSchedule{}, false
}

// refreshSchedule puts the effective limit in force at once and shows it
// in the toolbar and the status bar (Fyne goroutine).
func (b *bandwidth) refreshSchedule() {
	s, fromProfile := b.effectiveSchedule()
	b.fromProfile.Store(fromProfile)
	b.sched.Store(&s)
	b.w.bar.showSchedule(s)
	text, _ := b.followBandwidth(bandwidthNow(), true)
	b.w.status.setLimit(text)
}

// followBandwidth applies the limit in force at now when it differs from
// the one applied (or always, with force), and reports the status text
// when it changed. The ticker calls it every tick, so a boundary takes
// effect within a tick, and a laptop waking after one catches up at once.
func (b *bandwidth) followBandwidth(now time.Time, force bool) (string, bool) {
	s := b.sched.Load()
	if s == nil {
		return "", false
	}
	if lim := s.LimitAt(now); force || lim != b.rate.Load() {
		b.rate.Store(lim) // also what the next engine opened starts with
		b.w.call(func(e Engine) { e.SetRateLimit(lim) })
		go b.w.watches.setRate(lim) // it may be starting, holding its lock: not on the ticker
	}
	text := limitText(*s, b.fromProfile.Load(), now)
	if old := b.shown.Load(); !force && old != nil && *old == text {
		return "", false
	}
	b.shown.Store(&text)
	return text, true
}

// limitText is the status bar's words for the limit in force at now:
// "Limit 2 MiB/s until 19:00", "No limit until Monday 08:00", or "" when
// there is no limit and none is coming.
func limitText(s profile.BandwidthSchedule, fromProfile bool, now time.Time) string {
	lim := s.LimitAt(now)
	next, _, changes := s.NextChange(now)
	var text string
	switch {
	case !changes && lim == 0:
		return ""
	case !changes:
		text = T("Limit {{.Rate}}", map[string]any{"Rate": humanSpeed(float64(lim))})
	case lim == 0:
		text = T("No limit until {{.When}}", map[string]any{"When": whenText(next, now)})
	default:
		text = T("Limit {{.Rate}} until {{.When}}", map[string]any{"Rate": humanSpeed(float64(lim)), "When": whenText(next, now)})
	}
	if fromProfile {
		text += " " + T("(the profile's timetable)")
	}
	return text
}

// whenText is a moment within the coming week as a person says it: "19:00"
// today, "tomorrow 08:00", "Monday 08:00".
func whenText(next, now time.Time) string {
	hm := next.Format("15:04")
	switch {
	case sameDay(next, now):
		return hm
	case sameDay(next, now.AddDate(0, 0, 1)):
		return T("tomorrow {{.Time}}", map[string]any{"Time": hm})
	}
	return T("{{.Day}} {{.Time}}", map[string]any{"Day": dayName(next.Weekday()), "Time": hm})
}

func sameDay(a, b time.Time) bool {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	return ya == yb && ma == mb && da == db
}

// dayName is a weekday's name in the user's language.
func dayName(d time.Weekday) string {
	return [...]string{T("Sunday"), T("Monday"), T("Tuesday"), T("Wednesday"), T("Thursday"), T("Friday"), T("Saturday")}[d]
}

// setRate gives the watch folders' engine the window's limit. Each engine
// applies it to its own connections, so while both upload the app may
// send up to twice the limit.
func (r *watchRunner) setRate(bps int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rate = bps
	if r.cur != nil {
		r.cur.Engine.SetRateLimit(bps)
	}
}
