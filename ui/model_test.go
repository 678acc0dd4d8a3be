package ui

import (
	"testing"

	"cosdrop/uploader"
)

// A drop whose files all finish between two polls (small files on a fast
// line) is announced finished once, with every file counted; a skipped
// entry published ahead of the drop's files does not end the drop early.
// Before, a task first seen already done never counted, so the drop never
// finished: no notification and no automatic "Copy links".
func TestBatchFinishedWhenSeenOnlyDone(t *testing.T) {
	m := newQueueModel()
	m.merge(nil, uploader.Totals{}) // the session's first poll: its backlog
	m.take()
	snaps := []uploader.Snapshot{
		{ID: 1, Batch: 7, State: uploader.Skipped},
		{ID: 2, Batch: 7, State: uploader.Done},
		{ID: 3, Batch: 7, State: uploader.Queued},
	}
	m.merge(snaps, uploader.Totals{})
	if u := m.take(); len(u.finished) != 0 {
		t.Fatalf("the drop finished while a file is queued: %+v", u.finished)
	}
	m.merge([]uploader.Snapshot{{ID: 3, Batch: 7, State: uploader.Done}}, uploader.Totals{})
	u := m.take()
	if len(u.finished) != 1 || u.finished[0].Done != 3 {
		t.Fatalf("finished %+v, want the drop once with 3 done", u.finished)
	}
	m.merge([]uploader.Snapshot{{ID: 4, Batch: 8, State: uploader.Done}, {ID: 5, Batch: 8, State: uploader.Done}}, uploader.Totals{})
	if u := m.take(); len(u.finished) != 1 || u.finished[0].Batch != 8 || u.finished[0].Done != 2 {
		t.Fatalf("a drop seen only done: finished %+v", u.finished)
	}
}
