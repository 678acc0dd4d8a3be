package uploader

import (
	"fmt"
	"path/filepath"
	"time"
)

// FileRef names one file for AddFiles: its path, and the slash-separated
// relative path its key is built from (what Add would use had the file's
// folder been dropped: "Photos/2024/a.jpg" for a file of a dropped
// "Photos").
type FileRef struct {
	Path string
	Rel  string
	// Root is the folder the file was found in (the watched folder):
	// rules that match paths inside a dropped folder match the file's
	// path inside Root. "" means the file's own folder.
	Root string
	// At, when set, is the time the key template's {date} {yyyy} {mm}
	// {dd} take for this file instead of the batch's (a watch passes the
	// file's modification time, so a restart on another day finds the
	// same key, and the journal's task, again).
	At time.Time
}

// AddFiles queues files as one batch, like Add, but with the relative path
// of each file's key given by the caller rather than found by a walk. A
// watched folder uses it: the watcher decides which files are ready, and
// each is keyed exactly as `cosdrop upload FOLDER` keys it, through the same
// walker, key checks and ResumeExisting adoption as Add (so a rerun of a
// finished, unchanged file is a journal lookup, not a request).
func (e *Engine) AddFiles(files ...FileRef) BatchID {
	return e.startBatch(func(w *walker) { w.addRefs(files) })
}

// addRefs adds each file under its given relative path until the engine
// closes.
func (w *walker) addRefs(files []FileRef) {
	at := w.time // the batch's; a file's own At replaces it for that file
	for _, f := range files {
		if w.e.ctx.Err() != nil {
			return
		}
		abs, err := filepath.Abs(f.Path)
		if err != nil {
			abs = f.Path
		}
		if w.refuseStream(abs) {
			continue
		}
		fi, err := statLocal(abs)
		switch {
		case err != nil:
			w.failed(abs, "read file", CodeFileMissing, fmt.Sprintf("cannot read %s: %v", abs, err))
		case !fi.Mode().IsRegular():
			w.failed(abs, "read file", CodeFileMissing, fmt.Sprintf("%s is not a regular file", abs))
		default:
			w.time = at
			if !f.At.IsZero() {
				w.time = f.At
			}
			root := f.Root
			if root == "" {
				root = filepath.Dir(abs)
			}
			w.addFile(abs, f.Rel, len(abs)-len(relIn(root, abs)), fi)
		}
	}
}
