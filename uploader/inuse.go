package uploader

import (
	"context"
	"fmt"
	"os"
)

// CodeFileInUse marks a file another program holds open with a sharing
// mode that denies reading, or with a byte-range lock over what CosDrop
// reads (Windows: Office does both while a document is open). It is
// transient: the read is tried again under the retry policy, and a task
// that runs out of tries fails with this code, its upload kept for Retry.
const CodeFileInUse = "FileInUse"

// readError wraps a failure to open or read the file to upload for op:
// FileInUse (retried) when another program holds the file locked, else
// FileMissing (final).
func readError(op string, err error) error {
	return fmt.Errorf("%s: %w", op, &localError{code: readCode(err), err: err})
}

// openRetrying opens the file to upload, trying again under the retry
// policy while another program holds it open with a sharing mode that
// denies reading.
func (w *worker) openRetrying() (*os.File, error) {
	var f *os.File
	err := w.retry("open file", func(context.Context) error {
		var err error
		f, err = openLocal(w.r.Path)
		if err != nil {
			return &localError{code: readCode(err), err: err}
		}
		return nil
	})
	return f, err
}

// readRetrying runs read (a read of the already open file) under the
// retry policy, so a byte-range lock another program holds for a while
// delays the read instead of failing the task.
func (w *worker) readRetrying(op string, read func() error) error {
	return w.retry(op, func(context.Context) error {
		if err := read(); err != nil {
			return &localError{code: readCode(err), err: err}
		}
		return nil
	})
}

// readCode is the task error code for a failed open or read.
func readCode(err error) string {
	if fileInUse(err) {
		return CodeFileInUse
	}
	return CodeFileMissing
}
