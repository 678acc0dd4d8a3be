package session

import (
	"testing"

	"cosdrop/uploader"
)

// statusList collects what Status walks, checking that the count it
// announces first is the number of tasks that follow, in ID order.
func statusList(t *testing.T, dir string) ([]uploader.Snapshot, error) {
	t.Helper()
	var out []uploader.Snapshot
	announced := -1
	err := Status(dir, func(n int) { announced = n }, func(s uploader.Snapshot) error {
		if len(out) > 0 && s.ID <= out[len(out)-1].ID {
			t.Errorf("task %d after task %d: not in ID order", s.ID, out[len(out)-1].ID)
		}
		out = append(out, s)
		return nil
	})
	if err == nil && announced != len(out) {
		t.Errorf("Status announced %d tasks and gave %d", announced, len(out))
	}
	return out, err
}
