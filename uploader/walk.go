package uploader

import (
	"fmt"
	"hash/fnv"
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
	return e.startBatch(func(w *walker) { w.addPaths(paths) })
}

// startBatch opens a batch and fills it in the background: fill's records
// reach the loop as it pushes them, and the rest when it returns, which
// ends the walk (Add and AddFiles differ only in fill).
func (e *Engine) startBatch(fill func(w *walker)) BatchID {
	id := BatchID(e.nextBatch.Add(1))
	if e.closing.Load() {
		return id
	}
	e.inbox.put(walkedMsg{batch: id, start: true})
	e.wg.Add(1)
	at := e.cfg.Now()
	go func() {
		defer e.wg.Done()
		w := &walker{e: e, batch: id, time: at, seen: map[string]string{}}
		fill(w)
		e.inbox.put(walkedMsg{batch: id, recs: w.pending, done: true})
	}()
	return id
}

// walker turns paths into new records and sends them to the loop in
// batches; it holds no engine state.
type walker struct {
	e       *Engine
	batch   BatchID
	time    time.Time
	seen    map[string]string // key -> first local path, to report duplicates
	found   int               // records pushed (to notice an empty folder)
	pending []*record
	// plan keeps every record in pending and sends none (Plan).
	plan bool
	// stateDir is the engine's state folder, once looked up.
	stateDir os.FileInfo
}

// addPaths adds each path (a file, or a folder walked) until the engine
// closes.
func (w *walker) addPaths(paths []string) {
	for _, p := range paths {
		if w.e.ctx.Err() != nil {
			return
		}
		w.addPath(p)
	}
}

func (w *walker) addPath(p string) {
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = p
	}
	if w.refuseStream(abs) {
		return
	}
	fi, err := statLocal(abs)
	if err != nil {
		w.failed(abs, "read file", CodeFileMissing, fmt.Sprintf("cannot read %s: %v", abs, err))
		return
	}
	if !fi.IsDir() {
		if kind := specialKind(fi, false); kind != "" {
			w.leftOut(abs, note(NoteNotAFile, "kind", kind))
			return
		}
		// Dropped on its own: never excluded, the user asked for it.
		w.addFile(abs, filepath.Base(abs), len(abs)-len(filepath.Base(abs)), fi)
		return
	}
	parent := filepath.Dir(abs)
	found := w.found
	defer func() {
		if w.found == found && w.e.ctx.Err() == nil {
			w.leftOut(abs, note(NoteEmptyFolder)) // not a word would say why nothing happened
		}
	}()
	filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
		if w.e.ctx.Err() != nil {
			return filepath.SkipAll
		}
		if err != nil {
			w.failed(path, "read folder", CodeFileMissing, fmt.Sprintf("cannot read %s: %v", path, err))
			return nil
		}
		if d.IsDir() {
			if path != abs && (w.isStateDir(path, d) || w.excluded(path, relIn(abs, path)+"/")) {
				return filepath.SkipDir
			}
			return nil
		}
		// Excluded names are left out before they are read: an Office
		// lock file may be unreadable while the document is open.
		in := relIn(abs, path)
		if w.excluded(path, in) {
			return nil
		}
		info, err := statLocal(path) // follows symlinks to files
		if err != nil {
			w.failed(path, "read file", CodeFileMissing, fmt.Sprintf("cannot read %s: %v", path, err))
			return nil
		}
		if kind := specialKind(info, d.Type()&fs.ModeSymlink != 0); kind != "" {
			w.leftOut(path, note(NoteNotAFile, "kind", kind)) // FIFOs, devices, sockets, symlinked folders
			return nil
		}
		if d.Type()&(fs.ModeSymlink|fs.ModeIrregular) != 0 {
			if target, out := LinkLeadsOutside(abs, path); out {
				w.leftOut(path, note(NoteNotAFile, "kind", KindLinkOutside, "target", target))
				return nil
			}
		}
		rel, err := filepath.Rel(parent, path)
		if err != nil {
			rel = filepath.Base(path)
		}
		w.addFile(path, filepath.ToSlash(rel), len(path)-len(in), info)
		return nil
	})
}

// isStateDir records and reports that the folder at path is the state
// folder this engine runs on: its journal is in use and is no file the
// user meant to upload (issue 20, finding 16). Compared by identity, so
// another spelling of the path (a link, "..") is recognised too.
func (w *walker) isStateDir(path string, d fs.DirEntry) bool {
	if w.stateDir == nil {
		fi, err := os.Stat(w.e.cfg.StateDir)
		if err != nil {
			return false
		}
		w.stateDir = fi
	}
	fi, err := d.Info()
	if !SamePath(path, w.e.cfg.StateDir) && (err != nil || !os.SameFile(fi, w.stateDir)) {
		return false
	}
	w.leftOut(path, note(NoteNotAFile, "kind", KindStateFolder))
	return true
}

func (w *walker) newRecord(path string) *record {
	return &record{Batch: w.batch, Path: path, State: Queued, Created: stampNow()}
}

func (w *walker) failed(path, op, code, msg string) {
	r := w.newRecord(path)
	r.State = Failed
	r.Finished = r.Created
	r.addError(TaskError{Op: op, Code: code, Message: msg, Time: r.Created.Time(), Party: PartyFile})
	w.push(r)
}

// relIn is path relative to the dropped folder root (a suffix of path).
func relIn(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil && strings.HasSuffix(path, rel) {
		return rel
	}
	return filepath.Base(path)
}

// excluded records a file or folder (rel ends in a slash) of a dropped
// folder that the rules leave out, as a skipped task whose note names the
// pattern, so status and History say why it is not in COS.
func (w *walker) excluded(path, rel string) bool {
	if w.e.cfg.Exclude == nil {
		return false
	}
	pattern, ok := w.e.cfg.Exclude(filepath.ToSlash(rel))
	if !ok {
		return false
	}
	r := w.newRecord(path)
	r.State, r.Finished = Skipped, r.Created
	r.Note = note(NoteExcluded, "pattern", pattern, "rel", filepath.ToSlash(rel))
	w.push(r)
	return true
}

// addFile queues the file at path; rel (from the dropped folder's parent)
// makes its key, and relAt is where in path the rules' rel starts.
func (w *walker) addFile(path, rel string, relAt int, fi os.FileInfo) {
	r := w.newRecord(path)
	r.RelAt = relAt
	r.Size, r.MTime = fi.Size(), fi.ModTime().UnixNano()
	r.Key = expandKey(w.e.cfg.Prefix, rel, w.time)
	if w.e.cfg.Signer != nil {
		r.Key = "" // the signing server picks the key
	} else if err := checkKey(path, r.Key); err != nil {
		r.State, r.Finished = Failed, r.Created
		r.addError(TaskError{Op: "check key", Code: CodeInvalidKey, Message: err.Error(), Time: r.Created.Time(), Party: PartyUser,
			Args: map[string]string{"key": r.Key, "reason": KeyRuleOf(err)}})
	} else if first, dup := w.seen[r.Key]; dup {
		r.State, r.Finished = Failed, r.Created
		r.addError(TaskError{Op: "check key", Code: CodeDuplicateKey, Time: r.Created.Time(), Party: PartyUser,
			Args:    map[string]string{"key": r.Key, "first": first},
			Message: fmt.Sprintf("%s and %s both map to the object key %q; only the first is uploaded", first, path, r.Key)})
	} else {
		w.seen[r.Key] = path
	}
	if strings.HasSuffix(path, r.Key) {
		// The key is the file's relative path (no prefix): share the
		// path's memory rather than hold a second copy per task.
		r.Key = path[len(path)-len(r.Key):]
	}
	w.push(r)
}

// leftOut records an entry that is not uploaded, with the reason, as a
// skipped task: the window shows it in the list and the CLI in its summary.
func (w *walker) leftOut(path string, n Note) {
	r := w.newRecord(path)
	r.State, r.Finished, r.Note = Skipped, r.Created, n
	w.push(r)
}

func (w *walker) push(r *record) {
	w.found++
	w.pending = append(w.pending, r)
	if len(w.pending) >= walkFlush && !w.plan {
		w.flush()
	}
}

// flush hands the walked records to the loop and waits until it has taken
// them in: a walk of 100,000 files never holds more than one batch of full
// records, so they become stubs as fast as they are found.
func (w *walker) flush() {
	ack := make(chan struct{})
	w.e.inbox.put(walkedMsg{batch: w.batch, recs: w.pending, ack: ack})
	w.pending = nil
	select {
	case <-ack:
	case <-w.e.ctx.Done():
	}
}

// walked takes a walker's records into the engine (loop). With
// ResumeExisting a record whose path and key a task already has adopts that
// task instead: an unchanged finished task only moves to the new batch in
// memory, so rerunning a finished folder costs a map lookup per file, not
// a journal write (finding 13).
func (e *Engine) walked(m walkedMsg, st *step) {
	if m.ack != nil {
		st.acks = append(st.acks, m.ack)
	}
	b := e.batch(m.batch)
	if m.start {
		b.scanning = true
		e.mu.Lock()
		e.scanning++
		e.mu.Unlock()
		return
	}
	for _, r := range m.recs {
		if old := e.existing(r); old != nil {
			e.adopt(old, r, st)
			continue
		}
		e.nextID++
		r.ID = e.nextID
		t := &entry{id: r.ID, staged: r, fresh: true}
		e.persist(t, st)
		if e.byPath != nil {
			e.byPath[pathHash(r.Path)] = t
		}
		if r.State == Queued {
			e.queue = append(e.queue, t)
		}
	}
	if m.done {
		b.scanning = false
		e.mu.Lock()
		e.scanning--
		e.mu.Unlock()
		st.batches = append(st.batches, m.batch)
	}
}

// existing is the task ResumeExisting reuses for r, if any.
func (e *Engine) existing(r *record) *entry {
	if e.byPath == nil || r.State != Queued {
		return nil
	}
	t := e.byPath[pathHash(r.Path)]
	if t == nil || t.gone {
		return nil
	}
	// With a signing server the walked record has no key (the server
	// picks it): the same file is the same task.
	anyKey := e.cfg.Signer != nil && r.Key == ""
	if old := e.full(t); old.Path != r.Path || old.requested() != r.Key && !anyKey {
		return nil // another file (a hash collision), or another destination (a renamed task is matched by the key it asked for)
	}
	return t
}

// pathHash keys the ResumeExisting index: 8 bytes per task instead of a
// copy of its path (the journal has the path; existing compares it).
func pathHash(p string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(p))
	return h.Sum64()
}

// adopt moves an existing task into the walked record's batch: unfinished
// and failed tasks are queued again, done ones stay done if the file is
// unchanged and are uploaded again if it changed.
func (e *Engine) adopt(t *entry, walked *record, st *step) {
	if s := e.stateOf(t); t.staged == nil && (s == Done || s == Skipped) && walked.Size == t.size {
		r := e.full(t)
		if walked.MTime == r.MTime {
			// Unchanged and finished: it only joins the batch, in memory.
			e.mu.Lock()
			t.batch = walked.Batch
			if t.rec != nil {
				t.rec.Batch = walked.Batch
			}
			e.touch(t)
			e.mu.Unlock()
			st.batches = append(st.batches, walked.Batch)
			return
		}
	}
	r := e.stage(t, st)
	r.Batch = walked.Batch
	unchanged := walked.Size == r.Size && walked.MTime == r.MTime
	switch {
	case r.State == Paused:
		e.fire(t, event{Kind: evResume}, st)
	case r.State == Failed || r.State == Canceled:
		e.fire(t, event{Kind: evRetry}, st)
	case (r.State == Done || r.State == Skipped) && !unchanged:
		e.fire(t, event{Kind: evReupload}, st)
	}
}
