package uploader

import "time"

// renameTries bounds retryRename: about 6 s in all, longer than a virus
// scanner's look at a freshly written file usually takes.
const renameTries = 8

// retryRename renames from to to with rename (os.Rename), trying again
// with a growing pause while the failure is one another program holding
// the file causes (renameBlocked): on Windows an antivirus or indexer that
// opens a new file without FILE_SHARE_DELETE makes MoveFileEx fail with
// "Access is denied" or a sharing violation for a moment.
// https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-movefileexw
func retryRename(rename func(from, to string) error, from, to string) error {
	wait := 25 * time.Millisecond
	for try := 1; ; try++ {
		err := rename(from, to)
		if err == nil || try == renameTries || !renameBlocked(err) {
			return err
		}
		time.Sleep(wait) // another program's handle: nothing to poll but the rename itself
		wait *= 2
	}
}

// renameBlocked reports a rename refused because another program holds
// the file: a sharing violation (fileInUse) or, on Windows, "Access is
// denied" (accessDenied), which is what MoveFileEx answers for a file
// open without FILE_SHARE_DELETE.
func renameBlocked(err error) bool { return fileInUse(err) || accessDenied(err) }
