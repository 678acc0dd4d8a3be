package ui

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"sync"
	"time"

	"cosdrop/uploader"
)

// scriptEngine is an Engine whose tasks change only when the test says so,
// for the tests that count exactly which rows a tick refreshes. Tests that
// check behaviour against COS use the real engine and localcos instead.
type scriptEngine struct {
	mu      sync.Mutex
	tasks   map[uploader.TaskID]*uploader.Snapshot
	removed []uploader.Snapshot
	version uint64
	nextID  uploader.TaskID
	batch   uploader.BatchID
	calls   []string
}

func newScriptEngine() *scriptEngine {
	return &scriptEngine{tasks: map[uploader.TaskID]*uploader.Snapshot{}}
}

func (e *scriptEngine) bump(s *uploader.Snapshot) {
	e.version++
	s.Version = e.version
}

// set changes one task the way the engine would (test helper).
func (e *scriptEngine) set(id uploader.TaskID, f func(s *uploader.Snapshot)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.tasks[id]
	f(s)
	e.bump(s)
}

func (e *scriptEngine) Add(paths ...string) uploader.BatchID {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.batch++
	e.calls = append(e.calls, "add")
	for _, p := range paths {
		e.nextID++
		s := &uploader.Snapshot{ID: e.nextID, Batch: e.batch, Path: p, Key: "uploads/" + filepath.Base(p),
			Size: 1000, State: uploader.Queued, Created: time.Unix(1700000000, 0)}
		e.bump(s)
		e.tasks[s.ID] = s
	}
	return e.batch
}

func (e *scriptEngine) each(ids []uploader.TaskID, name string, f func(s *uploader.Snapshot)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, name)
	for _, id := range ids {
		if s := e.tasks[id]; s != nil {
			f(s)
			e.bump(s)
		}
	}
}

func (e *scriptEngine) Pause(ids ...uploader.TaskID) {
	e.each(ids, "pause", func(s *uploader.Snapshot) { s.State = uploader.Paused })
}
func (e *scriptEngine) Resume(ids ...uploader.TaskID) {
	e.each(ids, "resume", func(s *uploader.Snapshot) { s.State = uploader.Queued })
}
func (e *scriptEngine) Cancel(ids ...uploader.TaskID) {
	e.each(ids, "cancel", func(s *uploader.Snapshot) { s.State = uploader.Canceled })
}
func (e *scriptEngine) Retry(ids ...uploader.TaskID) {
	e.each(ids, "retry", func(s *uploader.Snapshot) { s.State = uploader.Queued })
}
func (e *scriptEngine) Remove(ids ...uploader.TaskID) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, id := range ids {
		if s := e.tasks[id]; s != nil {
			delete(e.tasks, id)
			r := uploader.Snapshot{ID: id, Batch: s.Batch, State: uploader.Removed}
			e.bump(&r)
			e.removed = append(e.removed, r)
		}
	}
}
func (e *scriptEngine) ids(f func(uploader.State) bool) []uploader.TaskID {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []uploader.TaskID
	for id, s := range e.tasks {
		if f(s.State) {
			out = append(out, id)
		}
	}
	return out
}
func (e *scriptEngine) PauseAll() {
	e.Pause(e.ids(func(s uploader.State) bool { return !s.Final() })...)
}
func (e *scriptEngine) ResumeAll() {
	e.Resume(e.ids(func(s uploader.State) bool { return s == uploader.Paused })...)
}
func (e *scriptEngine) RetryFailed() {
	e.Retry(e.ids(func(s uploader.State) bool { return s == uploader.Failed })...)
}
func (e *scriptEngine) ClearFinished() {
	e.Remove(e.ids(func(s uploader.State) bool { return s == uploader.Done || s == uploader.Skipped })...)
}
func (e *scriptEngine) SetRateLimit(int64) {}
func (e *scriptEngine) Get(id uploader.TaskID) (uploader.Snapshot, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s := e.tasks[id]; s != nil {
		return *s, true
	}
	return uploader.Snapshot{}, false
}
func (e *scriptEngine) Changes(since uint64) ([]uploader.Snapshot, uint64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []uploader.Snapshot
	for _, s := range e.tasks {
		if s.Version > since {
			out = append(out, *s)
		}
	}
	for _, r := range e.removed {
		if r.Version > since && since > 0 {
			out = append(out, r)
		}
	}
	return out, e.version
}
func (e *scriptEngine) Totals() uploader.Totals {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := uploader.Totals{Tasks: len(e.tasks)}
	for _, s := range e.tasks {
		t.Bytes += s.Size
		t.Acked += s.Acked
		switch s.State {
		case uploader.Queued:
			t.Queued++
		case uploader.Paused:
			t.Paused++
		case uploader.Done:
			t.Done++
		case uploader.Failed:
			t.Failed++
		case uploader.Canceled:
			t.Canceled++
		case uploader.Skipped:
			t.Skipped++
		default:
			t.Active++
		}
	}
	return t
}
func (e *scriptEngine) PresignedURL(context.Context, uploader.TaskID, time.Duration) (string, error) {
	return "", errors.New("not in tests")
}
func (e *scriptEngine) ExportHistory(w io.Writer, format string) error {
	_, err := io.WriteString(w, format)
	return err
}
func (e *scriptEngine) Close() error { return nil }

func (e *scriptEngine) AddFiles(files ...uploader.FileRef) uploader.BatchID {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	return e.Add(paths...)
}
