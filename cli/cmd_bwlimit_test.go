package cli

import (
	"strings"
	"testing"

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
