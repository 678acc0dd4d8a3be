package ui

import (
	"context"
	"io"
	"time"

	"cosdrop/uploader"
)

// Engine is the part of *uploader.Engine the window uses. The window talks
// to the engine only through it, so tests can run the real engine or a
// scripted one, and the UI never holds engine locks or task pointers.
//
// Implementations must be safe for concurrent use: the window calls the
// mutating methods (Add to SetRateLimit) from the Fyne goroutine, and
// SetRateLimit also from the ticker goroutine at a timetable's boundary,
// so they must not block (the engine's are messages to its loop, or
// atomics); it calls Changes and Totals from its ticker goroutine, never
// from the Fyne goroutine.
type Engine interface {
	Add(paths ...string) uploader.BatchID
	AddFiles(files ...uploader.FileRef) uploader.BatchID
	Pause(ids ...uploader.TaskID)
	Resume(ids ...uploader.TaskID)
	Cancel(ids ...uploader.TaskID)
	Retry(ids ...uploader.TaskID)
	Remove(ids ...uploader.TaskID)
	PauseAll()
	ResumeAll()
	RetryFailed()
	ClearFinished()
	SetRateLimit(bytesPerSec int64)
	Get(id uploader.TaskID) (uploader.Snapshot, bool)
	Changes(since uint64) (changed []uploader.Snapshot, cursor uint64)
	Totals() uploader.Totals
	PresignedURL(ctx context.Context, id uploader.TaskID, expires time.Duration) (string, error)
	ExportHistory(w io.Writer, format string) error
	Close() error
}

// stateRemoved is how the change feed reports a task that Remove or
// ClearFinished took out of the queue.
const stateRemoved = uploader.Removed

// The real engine is what the window drives in the app.
var _ Engine = (*uploader.Engine)(nil)
