package profile

import (
	"errors"
	"strings"
	"testing"
	"time"

	"cosdrop/auth"
)

// monday is a fixed Monday 00:00 UTC: the tests never read the wall clock.
var monday = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

func at(day, hour, minute int) time.Time {
	return monday.Add(time.Duration(day)*24*time.Hour + time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
}

func TestBandwidthScheduleLimitAt(t *testing.T) {
	const office = "mon-fri 08:00-19:00 2MiB/s; sat-sun unlimited; otherwise 10MiB/s"
	cases := []struct {
		spec string
		t    time.Time
		want int64
	}{
		{"", at(0, 9, 0), 0},
		{"2MiB/s", at(3, 3, 0), 2 << 20},
		{"08:00-19:00 2MiB/s, otherwise unlimited", at(0, 8, 0), 2 << 20},
		{"08:00-19:00 2MiB/s, otherwise unlimited", at(0, 7, 59), 0},
		{"08:00-19:00 2MiB/s, otherwise unlimited", at(6, 18, 59), 2 << 20},
		{"08:00-19:00 2MiB/s, otherwise unlimited", at(6, 19, 0), 0},
		{office, at(4, 12, 0), 2 << 20},
		{office, at(4, 20, 0), 10 << 20},
		{office, at(5, 12, 0), 0},
		{"weekdays 22:00-06:00 500KB/s", at(4, 23, 0), 500e3}, // Friday night
		{"weekdays 22:00-06:00 500KB/s", at(5, 5, 59), 500e3}, // into Saturday
		{"weekdays 22:00-06:00 500KB/s", at(0, 5, 0), 0},      // Monday early: Sunday had none
		{"sun 22:00-06:00 1M", at(0, 5, 0), 1 << 20},          // wraps past the week's end
		{"fri-mon 4M", at(0, 12, 0), 4 << 20},
		{"fri-mon 4M", at(1, 12, 0), 0},
		{"09:00-17:00 1MiB/s; 08:00-19:00 3MiB/s", at(0, 10, 0), 1 << 20}, // first match wins
		{"09:00-17:00 1MiB/s; 08:00-19:00 3MiB/s", at(0, 8, 30), 3 << 20},
		{"00:00-24:00 1.5MiB", at(2, 23, 59), 1536 << 10},
		{"Mon 2 MiB/s", at(0, 1, 0), 2 << 20},
	}
	for _, c := range cases {
		s, err := ParseBandwidthSchedule(c.spec)
		if err != nil {
			t.Fatalf("%q: %v", c.spec, err)
		}
		if got := s.LimitAt(c.t); got != c.want {
			t.Errorf("%q at %s: %d, want %d", c.spec, c.t.Format("Mon 15:04"), got, c.want)
		}
	}
}

func TestBandwidthScheduleNextChange(t *testing.T) {
	s, err := ParseBandwidthSchedule("mon-fri 08:00-19:00 2MiB/s; otherwise unlimited")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		t, next time.Time
		limit   int64
	}{
		{at(0, 7, 30), at(0, 8, 0), 2 << 20},
		{at(0, 7, 30).Add(17 * time.Second), at(0, 8, 0), 2 << 20},
		{at(0, 8, 0), at(0, 19, 0), 0},
		{at(4, 19, 0), at(7, 8, 0), 2 << 20}, // Friday evening: next Monday
		{at(6, 23, 59), at(7, 8, 0), 2 << 20},
	}
	for _, c := range cases {
		next, limit, ok := s.NextChange(c.t)
		if !ok || !next.Equal(c.next) || limit != c.limit {
			t.Errorf("after %s: %s %d %v, want %s %d", c.t.Format("Mon 15:04:05"), next.Format("Mon 2 15:04"), limit, ok, c.next.Format("Mon 2 15:04"), c.limit)
		}
	}
	if _, _, ok := mustBW(t, "2MiB/s").NextChange(at(0, 0, 0)); ok {
		t.Error("a constant limit has a next change")
	}
	if _, _, ok := mustBW(t, "08:00-19:00 unlimited").NextChange(at(0, 0, 0)); ok {
		t.Error("unlimited in and out of the window still changes")
	}
}

// Office hours stay 08:00 on the wall clock across a daylight-saving change.
func TestBandwidthScheduleDST(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	s := mustBW(t, "08:00-19:00 2MiB/s")
	// Sunday 2026-03-29 02:00 the clocks go forward.
	next, _, ok := s.NextChange(time.Date(2026, 3, 28, 20, 0, 0, 0, loc))
	if want := time.Date(2026, 3, 29, 8, 0, 0, 0, loc); !ok || !next.Equal(want) {
		t.Errorf("next change %s, want %s", next, want)
	}
}

func TestBandwidthScheduleErrors(t *testing.T) {
	for spec, code := range map[string]auth.Code{
		"2MiB/s; otherwise 1MiB/s":  CodeScheduleDefault,
		"08:00-19:00":               CodeScheduleEntry,
		"mon-fri":                   CodeScheduleEntry,
		"25:00-26:00 1M":            CodeScheduleTime,
		"08:00-08:00 1M":            CodeScheduleTime,
		"08:60-09:00 1M":            CodeScheduleTime,
		"8-19 1M":                   CodeScheduleEntry,
		"mon-fri 08:00-19:00 fast":  CodeScheduleRate,
		"100":                       CodeScheduleTooSmall,
		"otherwise":                 CodeScheduleEntry,
		"funday 1M":                 CodeScheduleEntry,
		"99999999G":                 CodeScheduleRate,
		string(make([]byte, 1001)):  CodeScheduleTooLong,
		"mon 08:00-09:00 1M 2M 3M ": CodeScheduleEntry,
	} {
		_, err := ParseBandwidthSchedule(spec)
		var pe *Error
		if !errors.As(err, &pe) || pe.Message.Code != code || pe.Field != "bandwidth-schedule" {
			t.Errorf("%.30q: %v, want %s", spec, err, code)
		}
	}
}

// A profile file carrying a bad schedule is refused on import.
func TestProfileValidatesBandwidthSchedule(t *testing.T) {
	p := Profile{Name: "Office", Mode: ModeSTS, Bucket: "b-1250000000", Region: "ap-guangzhou",
		CredentialURL: "https://sts.example.com/", BandwidthSchedule: "mon-fri 08:00-19:00 2MiB/s; otherwise unlimited"}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	p.BandwidthSchedule = "office hours 2MiB/s"
	if err := p.Validate(); err == nil {
		t.Fatal("a bad schedule validated")
	}
}

func TestFormatRate(t *testing.T) {
	for bps, want := range map[int64]string{0: "unlimited", 2 << 20: "2MiB/s", 1536 << 10: "1536KiB/s", 500e3: "500KB/s", 1025: "1025B/s"} {
		if got := FormatRate(bps); got != want {
			t.Errorf("FormatRate(%d) = %q, want %q", bps, got, want)
		}
		if r, err := parseBWRate(strings.ToLower(want)); bps > 0 && (err != nil || r != bps) {
			t.Errorf("%q reads back as %d, %v", want, r, err)
		}
	}
}

func mustBW(t *testing.T, spec string) BandwidthSchedule {
	t.Helper()
	s, err := ParseBandwidthSchedule(spec)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// FuzzParseBandwidthSchedule: any text parses or is refused with a worded
// error, never a panic; a parsed schedule is consistent with itself (its
// tidied text reads back the same, and NextChange agrees with LimitAt).
func FuzzParseBandwidthSchedule(f *testing.F) {
	for _, s := range []string{"", "2MiB/s", "mon-fri 08:00-19:00 2MiB/s; otherwise unlimited",
		"weekdays 22:00-06:00 500KB/s, sat-sun off", "sun 22:00-06:00 1M; fri-mon 4M; otherwise 10MiB/s"} {
		f.Add(s, uint16(600))
	}
	f.Fuzz(func(t *testing.T, spec string, minute uint16) {
		s, err := ParseBandwidthSchedule(spec)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("%q: unworded error %v", spec, err)
			}
			return
		}
		again, err := ParseBandwidthSchedule(s.String())
		if err != nil || len(again.segs) != len(s.segs) {
			t.Fatalf("%q: tidied %q reads back as %v, %v", spec, s.String(), again.segs, err)
		}
		for i := range s.segs {
			if again.segs[i] != s.segs[i] {
				t.Fatalf("%q: tidied %q differs: %v vs %v", spec, s.String(), again.segs, s.segs)
			}
		}
		now := at(0, 0, int(minute)%minutesPerWeek).Add(13 * time.Second)
		cur := s.LimitAt(now)
		next, lim, ok := s.NextChange(now)
		if !ok {
			if _, constant := s.Constant(); !constant {
				t.Fatalf("%q: changes but NextChange says never", spec)
			}
			return
		}
		if !next.After(now) || next.Sub(now) > 7*24*time.Hour || lim == cur || s.LimitAt(next) != lim ||
			s.LimitAt(next.Add(-time.Minute)) != cur {
			t.Fatalf("%q at %s: next %s limit %d (was %d)", spec, now, next, lim, cur)
		}
	})
}

// A profile file an admin hands out carries the timetable; a bad one is
// refused on import, naming the entry.
func TestImportBandwidthSchedule(t *testing.T) {
	doc := func(sched string) []byte {
		return []byte(`{"format": "cosdrop-profile", "version": 1, "profile": {"name": "Office", "mode": "sts",
			"bucket": "b-1250000000", "region": "ap-guangzhou", "credential_url": "https://sts.example.com/",
			"bandwidth_schedule": "` + sched + `"}}`)
	}
	p, err := ParseProfileExport(doc("mon-fri 08:00-19:00 2MiB/s; otherwise unlimited"))
	if err != nil || p.BandwidthSchedule != "mon-fri 08:00-19:00 2MiB/s; otherwise unlimited" {
		t.Fatalf("import: %q, %v", p.BandwidthSchedule, err)
	}
	_, err = ParseProfileExport(doc("mon-fri 8am-7pm 2MiB/s"))
	var pe *Error
	if !errors.As(err, &pe) || pe.Field != "bandwidth-schedule" {
		t.Fatalf("bad timetable imported: %v", err)
	}
}
