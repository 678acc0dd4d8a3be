package session

import (
	"cmp"
	"slices"

	"cosdrop/uploader"
)

// Status reads the tasks of the journal in dir: it calls count once with
// how many there are, then fn with each in ID order. They come from the
// CosDrop process running on it (its status socket) when there is one,
// else from the file one at a time, so `cosdrop status` prints a journal
// of any size without holding it (uploader.EachTask). A damaged journal
// gives what could be read and then an error saying so; an error fn
// returns ends the walk.
func Status(dir string, count func(n int), fn func(uploader.Snapshot) error) error {
	if tasks, ok := LiveStatus(dir); ok {
		slices.SortFunc(tasks, func(a, b uploader.Snapshot) int { return cmp.Compare(a.ID, b.ID) })
		count(len(tasks))
		for _, s := range tasks {
			if err := fn(s); err != nil {
				return err
			}
		}
		return nil
	}
	err := uploader.EachTask(dir, count, fn)
	if err == nil {
		// The tasks read fine; say so too if the rest of the file (the
		// freelist an upload would write through) is damaged.
		if cerr := uploader.CheckJournalSpace(dir); IsDamaged(cerr) {
			err = cerr
		}
	}
	return err
}

// Leftovers lists the multipart uploads the journal in dir knows are
// still open on COS (their parts billed until aborted): from the running
// CosDrop when one answers, else from the file.
func Leftovers(dir string) ([]uploader.Leftover, error) {
	if rep, err := call(StatusSocket(dir), request{Op: "leftovers"}); err == nil && rep.OK {
		return rep.Leftovers, nil
	}
	return uploader.ReadLeftovers(dir)
}

// PendingReceipts is how many receipts wait in the journal in dir to be
// written to the bucket (offline, or refused): from the running CosDrop
// when one answers, else from the file.
func PendingReceipts(dir string) (int, error) {
	if rep, err := call(StatusSocket(dir), request{Op: "receipts"}); err == nil && rep.OK {
		return rep.Receipts, nil
	}
	return uploader.ReadPendingReceipts(dir)
}

// PendingReceiptsText words n receipts waiting to be written; "" for none.
func PendingReceiptsText(n int) string {
	if n == 0 {
		return ""
	}
	return TN("{{.Count}} receipts wait to be written to the bucket", n)
}
