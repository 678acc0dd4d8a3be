package watch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/fsnotify/fsnotify"

	"cosdrop/uploader"
)

func (a stat) same(b stat) bool { return a.size == b.size && a.mtime.Equal(b.mtime) }

func statOf(fi os.FileInfo) stat { return stat{size: fi.Size(), mtime: fi.ModTime()} }

// keyRel is the relative path a file's key is built from: the watched
// folder's name, then the path inside it, exactly as `cosdrop upload
// FOLDER` keys it (so both share the journal's tasks).
func keyRel(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		rel = filepath.Base(p)
	}
	return filepath.ToSlash(filepath.Join(filepath.Base(root), rel))
}

// inRoot is p's slash path inside the watched folder root: what exclude
// rules match ("sub/a.png"; a folder gets a trailing slash from the
// caller), as they match inside a dropped folder.
func inRoot(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.Base(p)
	}
	return filepath.ToSlash(rel)
}

// rescan walks every watched folder: folders get watches, files not yet
// decided at their current size and mtime start to settle. It is what
// makes lost events harmless.
func (w *Watcher) rescan() {
	seen := map[string]bool{}
	for _, root := range w.roots {
		fi, err := os.Stat(root)
		if err == nil && !fi.IsDir() {
			err = &fs.PathError{Op: "watch", Path: root, Err: errors.New("not a folder")}
		}
		if errors.Is(err, fs.ErrNotExist) {
			w.folderGone(root)
			continue
		}
		if err != nil {
			w.noteFolder(root, err)
			continue
		}
		if w.noted[root] == FolderError || w.noted[root] == FolderGone {
			delete(w.noted, root)
			delete(w.noted, "\x00"+root)
		}
		w.addTree(root, seen)
	}
	for p := range w.known {
		if !seen[p] {
			delete(w.known, p) // gone: forget it (a new file there is new)
		}
	}
}

// addTree watches dir and the folders under it and considers their files.
// seen, when not nil, collects the files found.
func (w *Watcher) addTree(dir string, seen map[string]bool) {
	root := w.rootOf(dir)
	if root == "" {
		return
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if w.ctx.Err() != nil {
			return filepath.SkipAll
		}
		if err != nil {
			w.noteFolder(p, err)
			return nil
		}
		if d.IsDir() {
			if p != root && (w.isStateDir(root, p, d) || w.skip(root, p, inRoot(root, p)+"/", true)) {
				return filepath.SkipDir
			}
			w.watch(p)
			return nil
		}
		if isLink(d.Type()) && w.leftOutLink(root, p) {
			return nil
		}
		fi, err := os.Stat(p) // follows links to files inside the folder
		if err != nil || !fi.Mode().IsRegular() {
			return nil
		}
		if seen != nil {
			seen[p] = true
		}
		w.consider(root, p, fi)
		return nil
	})
}

func (w *Watcher) watch(dir string) {
	if w.fsw == nil || w.watched[dir] {
		return
	}
	if err := w.fsw.Add(dir); err != nil {
		// E.g. the inotify watch limit: the rescan still finds its files.
		w.noteFolder(dir, err)
		return
	}
	w.watched[dir] = true
}

// onEvent reacts to one file-system event. Events only say where to look:
// the file's state is read from the disk.
func (w *Watcher) onEvent(ev fsnotify.Event) {
	p := filepath.Clean(ev.Name)
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		delete(w.noted, p)
		delete(w.noted, "\x01"+p)
		if w.watched[p] {
			delete(w.watched, p)
			w.fsw.Remove(p) // a moved folder's watch would report its old name
		}
		if slices.Contains(w.roots, p) {
			if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
				w.folderGone(p)
			}
		}
		return // a pending file that went is recorded as gone when it settles
	}
	fi, err := os.Lstat(p)
	if err != nil {
		return
	}
	if fi.IsDir() {
		// A new folder: watch it and take the files that arrived before
		// the watch did.
		if root := w.rootOf(p); root != "" && !w.skip(root, p, inRoot(root, p)+"/", true) {
			w.addTree(p, nil)
		}
		return
	}
	root := w.rootOf(p)
	if root == "" || isLink(fi.Mode()) && w.leftOutLink(root, p) {
		return
	}
	if fi, err = os.Stat(p); err == nil && fi.Mode().IsRegular() {
		w.consider(root, p, fi)
	}
}

// skip reports (and records once) that a file has a temporary name or
// that rel is excluded. A temporary name is told first, though the
// default excludes list the same patterns: "temporary" says the file may
// yet be renamed into place and uploaded, "excluded" that it never will.
func (w *Watcher) skip(root, p, rel string, dir bool) bool {
	code, pat := Code(""), ""
	if !dir {
		if pt, ok := temporary(rel); ok {
			code, pat = Temporary, pt
		}
	}
	if code == "" && w.o.Exclude != nil {
		if pt, ok := w.o.Exclude(rel); ok {
			code, pat = Excluded, pt
		}
	}
	if code == "" {
		return false
	}
	if w.noted[p] != code {
		w.noted[p] = code
		w.record(Decision{Code: code, Folder: root, Path: p, Args: map[string]string{"pattern": pat}})
	}
	return true
}

// consider starts a file settling unless it is skipped, already settling
// or in flight, or decided at this size and mtime.
func (w *Watcher) consider(root, p string, fi os.FileInfo) {
	if w.skip(root, p, inRoot(root, p), false) {
		return
	}
	if w.pending[p] != nil || w.inflight[p] != nil {
		return // settle (or the outcome's recheck) sees any change
	}
	st := statOf(fi)
	if k, ok := w.known[p]; ok && k.same(st) {
		return
	}
	f := &fileState{root: root, rel: keyRel(root, p), stat: st, since: w.o.Now(), quiet: !w.scanned}
	w.pending[p] = f
	if !f.quiet {
		w.record(Decision{Code: Waiting, Folder: root, Path: p, Size: st.size, MTime: st.mtime})
	}
}

// settle hands over the files whose size and mtime stayed unchanged for
// the settle window, as one batch.
func (w *Watcher) settle() {
	now := w.o.Now()
	var ready []string
	for p, f := range w.pending {
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() {
			delete(w.pending, p)
			w.record(Decision{Code: Gone, Folder: f.root, Path: p, Size: f.size, MTime: f.mtime})
			continue
		}
		if st := statOf(fi); !st.same(f.stat) {
			f.stat, f.since = st, now // still being written: the window starts again
			if f.quiet {
				f.quiet = false
				w.record(Decision{Code: Waiting, Folder: f.root, Path: p, Size: st.size, MTime: st.mtime})
			}
			continue
		}
		if now.Sub(f.since) >= w.o.Settle && !w.leftOutLink(f.root, p) {
			// Checked again at hand-over: a file may have been replaced by
			// a link while it settled.
			ready = append(ready, p)
		}
	}
	if busy := openForWriting(ready); len(busy) > 0 {
		ready = slices.DeleteFunc(ready, func(p string) bool {
			if !busy[p] {
				return false
			}
			if f := w.pending[p]; !f.openNoted {
				f.openNoted = true
				w.record(Decision{Code: StillOpen, Folder: f.root, Path: p, Size: f.size, MTime: f.mtime})
			}
			return true
		})
	}
	if len(ready) == 0 || w.paused {
		return
	}
	sort.Strings(ready)
	refs := make([]uploader.FileRef, len(ready))
	for i, p := range ready {
		f := w.pending[p]
		refs[i] = uploader.FileRef{Path: p, Rel: f.rel, Root: f.root, At: f.mtime}
	}
	at := timeNow()
	batch := w.o.Engine.AddFiles(refs...)
	for _, p := range ready {
		w.inflight[p] = &submission{fileState: w.pending[p], batch: batch, at: at}
		delete(w.pending, p)
	}
}

// folderGone records once that the watched folder root was deleted or
// moved away (a support question: "why did the uploads stop?"); the
// rescan keeps looking for it and watches it again when it is back.
func (w *Watcher) folderGone(root string) {
	if w.noted[root] == FolderGone {
		return
	}
	delete(w.noted, "\x00"+root)
	w.noted[root] = FolderGone
	w.record(Decision{Code: FolderGone, Folder: root, Path: root})
}
