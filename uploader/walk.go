package uploader

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// walkFlush is how many tasks a folder walk writes per journal transaction.
const walkFlush = 512

// Add queues files and folders as one batch and returns at once; folders
// are walked in the background and their files stream into the queue
// (Totals.Scanning counts walks in progress). A folder's files keep their
// structure in the keys: dropping "Photos" gives keys "<prefix>Photos/...".
// Unreadable paths and refused keys become failed tasks naming the file.
func (e *Engine) Add(paths ...string) BatchID {
	e.mu.Lock()
	e.nextBatch++
	id := e.nextBatch
	b := e.batchLocked(id)
	b.scanning = true
	e.scanning++
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return id
	}
	e.wg.Add(1)
	go e.walk(id, b, paths)
	return id
}

type walker struct {
	e       *Engine
	batch   BatchID
	b       *batch
	seen    map[string]string // key -> first local path, to report duplicates
	pending []*record
	reuse   []TaskID
}

func (e *Engine) walk(id BatchID, b *batch, paths []string) {
	defer e.wg.Done()
	w := &walker{e: e, batch: id, b: b, seen: map[string]string{}}
	for _, p := range paths {
		if e.ctx.Err() != nil {
			break
		}
		w.addPath(p)
	}
	w.flush()
	e.mu.Lock()
	b.scanning = false
	e.scanning--
	e.checkBatchLocked(id)
	e.mu.Unlock()
}

func (w *walker) addPath(p string) {
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = p
	}
	fi, err := os.Stat(abs)
	if err != nil {
		w.failed(abs, "read file", CodeFileMissing, fmt.Sprintf("cannot read %s: %v", abs, err))
		return
	}
	if !fi.IsDir() {
		w.addFile(abs, filepath.Base(abs), fi)
		return
	}
	parent := filepath.Dir(abs)
	filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
		if w.e.ctx.Err() != nil {
			return filepath.SkipAll
		}
		if err != nil {
			w.failed(path, "read folder", CodeFileMissing, fmt.Sprintf("cannot read %s: %v", path, err))
			return nil
		}
		if d.IsDir() {
			return nil
		}
		info, err := os.Stat(path) // follows symlinks to files
		if err != nil {
			w.failed(path, "read file", CodeFileMissing, fmt.Sprintf("cannot read %s: %v", path, err))
			return nil
		}
		if info.IsDir() || !info.Mode().IsRegular() {
			return nil // sockets, devices, symlinked folders: not files to upload
		}
		rel, err := filepath.Rel(parent, path)
		if err != nil {
			rel = filepath.Base(path)
		}
		w.addFile(path, filepath.ToSlash(rel), info)
		return nil
	})
}

func (w *walker) newRecord(path string) *record {
	return &record{Batch: w.batch, Path: path, State: Queued, Created: stampNow()}
}

func (w *walker) failed(path, op, code, msg string) {
	r := w.newRecord(path)
	r.State = Failed
	r.Finished = r.Created
	r.addError(TaskError{Op: op, Code: code, Message: msg, Time: r.Created.Time()})
	w.push(r)
}

func (w *walker) addFile(path, rel string, fi os.FileInfo) {
	r := w.newRecord(path)
	r.Size, r.MTime = fi.Size(), fi.ModTime().UnixNano()
	r.Key = expandKey(w.e.cfg.Prefix, rel, w.b.time)
	if w.e.cfg.Signer != nil {
		r.Key = "" // the signing server picks the key
	} else if err := checkKey(path, r.Key); err != nil {
		r.State, r.Finished = Failed, r.Created
		r.addError(TaskError{Op: "check key", Code: CodeInvalidKey, Message: err.Error(), Time: r.Created.Time()})
	} else if first, dup := w.seen[r.Key]; dup {
		r.State, r.Finished = Failed, r.Created
		r.addError(TaskError{Op: "check key", Code: CodeDuplicateKey, Time: r.Created.Time(),
			Message: fmt.Sprintf("%s and %s both map to the object key %q; only the first is uploaded", first, path, r.Key)})
	} else {
		w.seen[r.Key] = path
	}
	if strings.HasSuffix(path, r.Key) {
		// The key is the file's relative path (no prefix): share the
		// path's memory rather than hold a second copy per task.
		r.Key = path[len(path)-len(r.Key):]
	}
	if w.e.byPath != nil && r.State == Queued {
		w.e.mu.Lock()
		id, ok := w.e.byPath[path]
		t := w.e.tasks[id]
		w.e.mu.Unlock()
		if ok && t != nil && w.e.record(t).Key == r.Key {
			w.reuse = append(w.reuse, id)
			if len(w.reuse) >= walkFlush {
				w.flush()
			}
			return
		}
	}
	w.push(r)
}

func (w *walker) push(r *record) {
	w.pending = append(w.pending, r)
	if len(w.pending) >= walkFlush {
		w.flush()
	}
}

// flush makes the walked tasks durable, then shows and queues them.
func (w *walker) flush() {
	e := w.e
	if len(w.pending) > 0 {
		e.mu.Lock()
		for _, r := range w.pending {
			e.nextID++
			r.ID = e.nextID
		}
		e.mu.Unlock()
		if e.crashed.Load() {
			return
		}
		if err := e.j.saveTasks(w.pending); err != nil {
			// Without a journal the tasks could not survive a restart;
			// show them failed rather than silently upload untracked.
			for _, r := range w.pending {
				r.State = Failed
				r.addError(TaskError{Op: "journal", Code: "JournalError", Message: err.Error(), Time: time.Now()})
			}
		}
		e.mu.Lock()
		for _, r := range w.pending {
			t := &task{rec: *r}
			e.tasks[r.ID] = t
			e.accountLocked(&t.rec, +1)
			e.touchLocked(t)
			if e.byPath != nil {
				e.byPath[r.Path] = r.ID
			}
			if r.State == Queued {
				e.queue = append(e.queue, r.ID)
			} else if k, ok := eventFor[r.State]; ok {
				e.events.push(Event{Kind: k, Batch: r.Batch, Task: r.ID, Snapshot: t.snapshotLocked(), Time: time.Now()})
			}
		}
		e.mu.Unlock()
		w.pending = w.pending[:0]
		e.kick()
	}
	for _, id := range w.reuse {
		e.adopt(id, w.batch)
	}
	w.reuse = w.reuse[:0]
	e.kick()
}

// adopt moves an existing task into batch (ResumeExisting): unfinished and
// failed tasks are queued again, done ones stay done if the file is unchanged.
func (e *Engine) adopt(id TaskID, b BatchID) {
	e.mu.Lock()
	t := e.tasks[id]
	e.mu.Unlock()
	if t == nil {
		return
	}
	r := e.record(t)
	unchanged := false
	if fi, err := os.Stat(r.Path); err == nil {
		unchanged = fi.Size() == r.Size && fi.ModTime().UnixNano() == r.MTime
	}
	e.update(t, false, func(r *record) { r.Batch = b })
	switch {
	case r.State == Paused || r.State == Queued:
		e.Resume(id)
	case r.State == Failed || r.State == Canceled:
		e.Retry(id)
	case (r.State == Done || r.State == Skipped) && !unchanged:
		// The file changed after it was uploaded: upload it again.
		e.update(t, true, func(r *record) {
			r.State, r.UploadID, r.Acked, r.Resolved, r.Note = Queued, "", 0, false, ""
		})
		e.mu.Lock()
		e.queue = append(e.queue, id)
		e.mu.Unlock()
	}
	e.kick()
}
