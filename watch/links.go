package watch

import (
	"io/fs"
	"os"

	"cosdrop/uploader"
)

// isLink reports whether a directory entry's type is a link of some
// kind: a symbolic link, or (Windows, Go 1.23+) a junction or other
// reparse point, which Lstat reports as irregular.
func isLink(m fs.FileMode) bool { return m&(fs.ModeSymlink|fs.ModeIrregular) != 0 }

// leftOutLink records (once until it changes) and reports that p is a
// link leading outside the watched folder root: anyone who may write into
// a shared scan or team folder could otherwise plant
// "innocent.txt -> ~/.ssh/id_rsa" and have this user's CosDrop upload the
// key. Such a file is never considered or handed over.
func (w *Watcher) leftOutLink(root, p string) bool {
	target, out := uploader.LinkLeadsOutside(root, p)
	if !out {
		return false
	}
	delete(w.pending, p)
	if w.noted[p] != LinkOutside || w.noted["\x01"+p] != Code(target) {
		w.noted[p], w.noted["\x01"+p] = LinkOutside, Code(target)
		w.record(Decision{Code: LinkOutside, Folder: root, Path: p, Args: map[string]string{"target": target}})
	}
	return true
}

// isStateDir records (once) and reports that the folder p is the watch's
// own state folder: its journal and decision log change with every
// upload, so watching it would upload them again and again. Compared by
// identity, so another spelling of the path is recognised too.
func (w *Watcher) isStateDir(root, p string, d fs.DirEntry) bool {
	if w.o.StateDir == "" {
		return false
	}
	st, err := os.Stat(w.o.StateDir)
	if err != nil {
		return false
	}
	fi, err := d.Info()
	if !uploader.SamePath(p, w.o.StateDir) && (err != nil || !os.SameFile(fi, st)) {
		return false
	}
	if w.noted[p] != StateFolder {
		w.noted[p] = StateFolder
		w.record(Decision{Code: StateFolder, Folder: root, Path: p})
	}
	return true
}
