package cli

import (
	"strings"
	"testing"

	"cosdrop/profile"
	"cosdrop/session"
)

func TestBwlimitOverride(t *testing.T) {
	var o session.Overrides
	if err := bwlimitOverride(uploadFlags{bwlimit: "mon-fri 08:00-19:00 2MiB/s; otherwise unlimited"}, &o); err != nil || o.Schedule == nil {
		t.Fatalf("timetable refused: %v", err)
	}
	if _, constant := o.Schedule.Constant(); constant {
		t.Error("a timetable read as a fixed limit")
	}
	if err := bwlimitOverride(uploadFlags{bwlimit: "2MiB/s", limit: "1MiB"}, &session.Overrides{}); err == nil {
		t.Error("--limit with --bwlimit accepted")
	}
	err := bwlimitOverride(uploadFlags{bwlimit: "office hours 2MiB/s"}, &session.Overrides{})
	if err == nil || !strings.HasPrefix(err.Error(), "--bwlimit") || !strings.Contains(err.Error(), "office hours") {
		t.Errorf("bad timetable: %v", err)
	}
	if err := bwlimitOverride(uploadFlags{}, &o); err != nil {
		t.Error(err)
	}
}

// Admins hand the timetable out with the profile (`profile add
// --bandwidth-schedule`), checked as the editor checks it; `upload
// --bwlimit` refuses a bad one before anything starts.
func TestCLIBandwidthScheduleFlags(t *testing.T) {
	configDir := isolate(t)
	const spec = "mon-fri 08:00-19:00 2MiB/s; otherwise unlimited"
	r := runCLI(t, "profile", "add", "office", "--mode", "sts", "--bucket", "b-1250000000", "--region", "ap-guangzhou",
		"--credential-url", "https://sts.example.com", "--bandwidth-schedule", spec)
	if r.code != 0 {
		t.Fatalf("profile add: exit %d, stderr %q", r.code, r.stderr)
	}
	if p, err := profile.NewProfiles(configDir).Get("office"); err != nil || p.BandwidthSchedule != spec {
		t.Fatalf("stored %q, %v", p.BandwidthSchedule, err)
	}
	r = runCLI(t, "profile", "add", "bad", "--mode", "sts", "--bucket", "b-1250000000", "--region", "ap-guangzhou",
		"--credential-url", "https://sts.example.com", "--bandwidth-schedule", "9-5 2MiB/s")
	if r.code == 0 || !strings.Contains(r.stderr, `"9-5 2MiB/s"`) {
		t.Errorf("bad timetable: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, "upload", "--endpoint", "http://127.0.0.1:1", "--bwlimit", "mon-fri 25:00-26:00 1M", "x.txt")
	if r.code != 2 || !strings.Contains(r.stderr, "25:00-26:00") {
		t.Errorf("upload --bwlimit bad: exit %d, stderr %q", r.code, r.stderr)
	}
}
