package uploader

import "testing"

// batchSnapshots waits until batch id is walked and every task of it is
// final, and returns its tasks by path.
func batchSnapshots(t *testing.T, e *Engine, id BatchID) map[string]Snapshot {
	t.Helper()
	var out map[string]Snapshot
	waitFor(t, func() bool {
		if e.Totals().Scanning > 0 {
			return false
		}
		all, _ := e.Changes(0)
		out = map[string]Snapshot{}
		for _, s := range all {
			if s.Batch != id {
				continue
			}
			if !s.State.Final() {
				return false
			}
			out[s.Path] = s
		}
		return len(out) > 0
	})
	return out
}
