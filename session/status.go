package session

import "cosdrop/uploader"

// Status returns the tasks of the journal in dir: from the CosDrop
// process running on it (its status socket) when there is one, else read
// from the file. A damaged journal gives what could be read and an error
// saying so.
func Status(dir string) ([]uploader.Snapshot, error) {
	if tasks, ok := LiveStatus(dir); ok {
		return tasks, nil
	}
	snaps, err := uploader.ReadJournal(dir)
	if err == nil {
		// The tasks read fine; say so too if the rest of the file (the
		// freelist an upload would write through) is damaged.
		if cerr := uploader.CheckJournal(dir); IsDamaged(cerr) {
			err = cerr
		}
	}
	return snaps, err
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
