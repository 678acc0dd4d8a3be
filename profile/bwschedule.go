package profile

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"cosdrop/auth"
)

// A bandwidth schedule is the app-wide upload limit as a timetable, in the
// spirit of rclone's --bwlimit timetable (https://rclone.org/docs/#bwlimit-bandwidth-spec)
// but with day ranges and a written default, so an admin can say
//
//	mon-fri 08:00-19:00 2MiB/s; otherwise unlimited
//
// Grammar (case-insensitive, entries separated by ";" or ","):
//
//	spec   = entry { (";" | ",") entry }
//	entry  = [days] [window] rate | "otherwise" rate
//	days   = day ["-" day] | "weekdays" | "weekends" | "daily"
//	day    = mon | tue | wed | thu | fri | sat | sun
//	window = HH:MM "-" HH:MM   (24:00 may end a window; an end at or
//	                            before the start runs past midnight)
//	rate   = "unlimited" | "off" | "0" | NUMBER [unit] ["/s"]
//	unit   = B | K | KiB | KB | M | MiB | MB | G | GiB | GB
//
// K/M/G and KiB/MiB/GiB are binary, KB/MB/GB decimal (as `--limit`). An
// entry with neither days nor window ("2MiB/s", "otherwise 2MiB/s") is the
// default, at most one; with none the default is unlimited. The first
// entry that covers a moment wins. A day range may wrap (fri-mon). Times are
// the computer's local wall clock, so a limit set for office hours follows
// daylight saving time.

// Bandwidth schedule codes (Error.Field "bandwidth-schedule").
const (
	CodeScheduleTooLong  auth.Code = "schedule-too-long"
	CodeScheduleEntry    auth.Code = "schedule-entry"
	CodeScheduleRate     auth.Code = "schedule-rate"
	CodeScheduleTime     auth.Code = "schedule-time"
	CodeScheduleDefault  auth.Code = "schedule-default"
	CodeScheduleTooSmall auth.Code = "schedule-too-small"
)

func init() {
	templates[CodeScheduleTooLong] = "the bandwidth schedule is longer than {{.Max}} characters"
	templates[CodeScheduleEntry] = "the bandwidth schedule entry {{.Value}} is not understood; write e.g. \"mon-fri 08:00-19:00 2MiB/s; otherwise unlimited\""
	templates[CodeScheduleRate] = "{{.Value}} is not a rate; write e.g. 2MiB/s, 500KB/s or unlimited"
	templates[CodeScheduleTime] = "{{.Value}} is not a time window; write e.g. 08:00-19:00"
	templates[CodeScheduleDefault] = "the bandwidth schedule names more than one default rate ({{.Value}})"
	templates[CodeScheduleTooSmall] = "the rate {{.Value}} is below 1KiB/s; write unlimited for no limit"
}

const (
	maxScheduleLen = 1000
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
	maxRate        = 1 << 40 // 1 TiB/s: anything above is "unlimited" by another name
)

// BandwidthSchedule is a parsed timetable: the limit in force for every
// minute of the week. The zero value is "unlimited, always".
type BandwidthSchedule struct {
	text string
	segs []bwSeg // sorted by start; segs[0].start == 0; neighbours differ
}

// bwSeg is a stretch of the week (from start, in minutes after Monday
// 00:00, to the next segment's start) with one limit.
type bwSeg struct {
	start int
	limit int64 // bytes/s, 0 = unlimited
}

// bwEntry is one parsed entry: the minutes of the week it covers.
type bwEntry struct {
	spans [][2]int // [from, to) minutes of the week
	limit int64
}

var (
	bwRateRE   = regexp.MustCompile(`^(?i)([0-9]+(?:\.[0-9]+)?)(b|k|kb|kib|m|mb|mib|g|gb|gib)?(/s)?$`)
	bwWindowRE = regexp.MustCompile(`^([0-9]{1,2}):([0-9]{2})-([0-9]{1,2}):([0-9]{2})$`)
	bwDays     = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
)

// ParseBandwidthSchedule reads a schedule (see the grammar above). "" is
// unlimited. Errors are *Error for the field "bandwidth-schedule".
func ParseBandwidthSchedule(spec string) (BandwidthSchedule, error) {
	if len(spec) > maxScheduleLen {
		return BandwidthSchedule{}, profileErr("bandwidth-schedule", CodeScheduleTooLong, "Max", maxScheduleLen)
	}
	var entries []bwEntry
	def, haveDef := int64(0), false
	for _, raw := range strings.FieldsFunc(spec, func(r rune) bool { return r == ';' || r == ',' }) {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		e, isDef, err := parseBWEntry(raw)
		if err != nil {
			return BandwidthSchedule{}, err
		}
		if isDef {
			if haveDef {
				return BandwidthSchedule{}, profileErr("bandwidth-schedule", CodeScheduleDefault, "Value", quote(strings.TrimSpace(raw)))
			}
			def, haveDef = e.limit, true
			continue
		}
		entries = append(entries, e)
	}
	s := BandwidthSchedule{segs: compileBW(entries, def)}
	s.text = canonicalBW(spec)
	return s, nil
}

// parseBWEntry reads one entry; isDef says it has neither days nor window.
func parseBWEntry(raw string) (e bwEntry, isDef bool, err error) {
	f := strings.Fields(strings.ToLower(raw))
	bad := func() (bwEntry, bool, error) {
		return bwEntry{}, false, profileErr("bandwidth-schedule", CodeScheduleEntry, "Value", quote(strings.TrimSpace(raw)))
	}
	if len(f) > 0 && f[0] == "otherwise" {
		if len(f) != 2 {
			return bad()
		}
		e.limit, err = parseBWRate(f[1])
		return e, true, err
	}
	days := uint8(0x7f)
	if len(f) > 0 {
		if d, ok := parseBWDays(f[0]); ok {
			days, f = d, f[1:]
		}
	}
	from, to, whole := 0, minutesPerDay, true
	if len(f) > 0 && strings.Contains(f[0], ":") {
		if from, to, err = parseBWWindow(f[0]); err != nil {
			return bwEntry{}, false, err
		}
		whole, f = false, f[1:]
	}
	// "2 MiB/s" may carry a space; any other second word is not a rate.
	if len(f) == 0 || len(f) > 2 || len(f) == 2 && strings.Trim(f[0], "0123456789.") != "" {
		return bad()
	}
	if e.limit, err = parseBWRate(strings.Join(f, "")); err != nil {
		return bwEntry{}, false, err
	}
	isDef = whole && days == 0x7f && len(strings.Fields(raw)) == len(f)
	for d := range 7 {
		if days&(1<<d) == 0 {
			continue
		}
		lo, hi := d*minutesPerDay+from, d*minutesPerDay+to
		if hi <= lo { // past midnight
			hi += minutesPerDay
		}
		if hi > minutesPerWeek { // past Sunday midnight: wrap to Monday
			e.spans = append(e.spans, [2]int{lo, minutesPerWeek}, [2]int{0, hi - minutesPerWeek})
		} else {
			e.spans = append(e.spans, [2]int{lo, hi})
		}
	}
	return e, isDef, nil
}

// parseBWDays reads "mon", "mon-fri", "fri-mon", "weekdays", "weekends",
// "daily" into a bit set (bit 0 = Monday).
func parseBWDays(s string) (uint8, bool) {
	switch s {
	case "weekdays":
		return 0x1f, true
	case "weekends":
		return 0x60, true
	case "daily":
		return 0x7f, true
	}
	a, b, isRange := strings.Cut(s, "-")
	i, j := slices.Index(bwDays, a), slices.Index(bwDays, b)
	if !isRange {
		j = i
	}
	if i < 0 || j < 0 {
		return 0, false
	}
	var set uint8
	for d := i; ; d = (d + 1) % 7 {
		set |= 1 << d
		if d == j {
			return set, true
		}
	}
}

// parseBWWindow reads "08:00-19:00" into minutes of the day.
func parseBWWindow(s string) (from, to int, err error) {
	m := bwWindowRE.FindStringSubmatch(s)
	bad := profileErr("bandwidth-schedule", CodeScheduleTime, "Value", quote(s))
	if m == nil {
		return 0, 0, bad
	}
	n := make([]int, 4)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	from, to = n[0]*60+n[1], n[2]*60+n[3]
	if n[1] > 59 || n[3] > 59 || n[0] > 23 || to > minutesPerDay || from == to {
		return 0, 0, bad
	}
	return from, to, nil
}

// parseBWRate reads a rate in bytes per second; 0 means unlimited.
func parseBWRate(s string) (int64, error) {
	switch s {
	case "unlimited", "off", "0":
		return 0, nil
	}
	m := bwRateRE.FindStringSubmatch(s)
	if m == nil {
		return 0, profileErr("bandwidth-schedule", CodeScheduleRate, "Value", quote(s))
	}
	v, err := strconv.ParseFloat(m[1], 64)
	mult := map[string]float64{"": 1, "b": 1, "k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
		"m": 1 << 20, "mib": 1 << 20, "mb": 1e6, "g": 1 << 30, "gib": 1 << 30, "gb": 1e9}[strings.ToLower(m[2])]
	if err != nil || v*mult > maxRate {
		return 0, profileErr("bandwidth-schedule", CodeScheduleRate, "Value", quote(s))
	}
	if v == 0 {
		return 0, nil
	}
	if v*mult < 1<<10 {
		return 0, profileErr("bandwidth-schedule", CodeScheduleTooSmall, "Value", quote(s))
	}
	return int64(v * mult), nil
}

// compileBW turns entries (first match wins) and the default into the
// week's segments.
func compileBW(entries []bwEntry, def int64) []bwSeg {
	cuts := []int{0}
	for _, e := range entries {
		for _, sp := range e.spans {
			cuts = append(cuts, sp[0], sp[1]%minutesPerWeek)
		}
	}
	sort.Ints(cuts)
	var segs []bwSeg
	for i, c := range cuts {
		if i > 0 && c == cuts[i-1] {
			continue
		}
		lim := def
	find:
		for _, e := range entries {
			for _, sp := range e.spans {
				if c >= sp[0] && c < sp[1] {
					lim = e.limit
					break find
				}
			}
		}
		if len(segs) == 0 || segs[len(segs)-1].limit != lim {
			segs = append(segs, bwSeg{start: c, limit: lim})
		}
	}
	return segs
}

// canonicalBW is spec with its whitespace tidied, for display.
func canonicalBW(spec string) string {
	var parts []string
	for _, raw := range strings.FieldsFunc(spec, func(r rune) bool { return r == ';' || r == ',' }) {
		if f := strings.Fields(raw); len(f) > 0 {
			parts = append(parts, strings.Join(f, " "))
		}
	}
	return strings.Join(parts, "; ")
}

// String is the schedule as written, whitespace tidied ("" = unlimited).
func (s BandwidthSchedule) String() string { return s.text }

// Constant reports whether the limit never changes, and that limit.
func (s BandwidthSchedule) Constant() (int64, bool) {
	if len(s.segs) <= 1 {
		return s.limitOf(0), true
	}
	return 0, false
}

func (s BandwidthSchedule) limitOf(i int) int64 {
	if len(s.segs) == 0 {
		return 0
	}
	return s.segs[i].limit
}

// minuteOfWeek is t's minute after Monday 00:00 on t's own wall clock.
func minuteOfWeek(t time.Time) int {
	day := (int(t.Weekday()) + 6) % 7 // Monday = 0
	return day*minutesPerDay + t.Hour()*60 + t.Minute()
}

// segAt is the index of the segment holding minute m.
func (s BandwidthSchedule) segAt(m int) int {
	return sort.Search(len(s.segs), func(i int) bool { return s.segs[i].start > m }) - 1
}

// LimitAt is the limit in force at t, in bytes per second (0 = unlimited).
func (s BandwidthSchedule) LimitAt(t time.Time) int64 {
	if len(s.segs) == 0 {
		return 0
	}
	return s.segs[s.segAt(minuteOfWeek(t))].limit
}

// NextChange is the first moment after t when the limit differs from
// LimitAt(t), and that limit; ok is false when it never changes.
func (s BandwidthSchedule) NextChange(t time.Time) (next time.Time, limit int64, ok bool) {
	if _, constant := s.Constant(); constant {
		return time.Time{}, 0, false
	}
	m := minuteOfWeek(t)
	i := s.segAt(m)
	cur := s.segs[i].limit
	for k := 1; k <= len(s.segs); k++ {
		j := (i + k) % len(s.segs)
		if s.segs[j].limit == cur {
			continue
		}
		delta := (s.segs[j].start - m + minutesPerWeek) % minutesPerWeek
		if delta == 0 {
			delta = minutesPerWeek
		}
		// Wall-clock arithmetic (time.Date normalises the minutes), so
		// "08:00" stays 08:00 across a daylight-saving change.
		next = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute()+delta, 0, 0, t.Location())
		if !next.After(t) { // an hour repeated at the autumn change
			next = t.Truncate(time.Minute).Add(time.Duration(delta) * time.Minute)
		}
		return next, s.segs[j].limit, true
	}
	return time.Time{}, 0, false
}

// FormatRate writes a rate the way the schedule grammar reads it back
// ("2MiB/s", "500KB/s", "unlimited").
func FormatRate(bps int64) string {
	if bps <= 0 {
		return "unlimited"
	}
	for _, u := range []struct {
		n    int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}, {1e9, "GB"}, {1e6, "MB"}, {1e3, "KB"}} {
		if bps%u.n == 0 {
			return fmt.Sprintf("%d%s/s", bps/u.n, u.name)
		}
	}
	return fmt.Sprintf("%dB/s", bps)
}

func checkBandwidthSchedule(spec string) error {
	_, err := ParseBandwidthSchedule(spec)
	return err
}
