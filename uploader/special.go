package uploader

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// Notes and codes for what a dropped folder holds besides files (issue 14,
// finding 3): nothing inside a drop is left out without a word.
const (
	// NoteNotAFile: an entry of a dropped folder is not a file and was
	// left out; args "kind": symlinked_folder, fifo, device, socket, other.
	NoteNotAFile NoteCode = "not_a_file"
	// NoteEmptyFolder: a dropped folder holds no files (the task's path is
	// the folder).
	NoteEmptyFolder NoteCode = "empty_folder"
)

// CodeSizeUnknown: the system says the file is empty but reading it gives
// bytes (files in /proc and /sys), so its size cannot be trusted.
const CodeSizeUnknown = "SizeUnknown"

// CodeAlternateStream: the path names an alternate data stream of a
// Windows file ("report.txt:hidden"), never uploaded: a stream is hidden
// data attached to a file, not a file the user can see.
const CodeAlternateStream = "AlternateStream"

// refuseStream fails path when it names an alternate data stream; it
// reports whether it did.
func (w *walker) refuseStream(path string) bool {
	if !isStream(path) {
		return false
	}
	w.failed(path, "read file", CodeAlternateStream, fmt.Sprintf("%s names an alternate data stream of a file, not a file", path))
	return true
}

// Kinds of left-out entries (NoteNotAFile's "kind").
const (
	KindSymlinkedFolder = "symlinked_folder"
	KindFIFO            = "fifo"
	KindDevice          = "device"
	KindSocket          = "socket"
	KindOther           = "other"
	// KindLinkOutside: a link (symbolic, or a Windows junction) inside a
	// dropped folder leading to a file outside it; args "target".
	KindLinkOutside = "link_outside"
	// KindStateFolder: the state folder CosDrop runs on (its journal) lies
	// inside a dropped folder; it is not part of the upload.
	KindStateFolder = "state_folder"
)

// specialKind names what a non-regular entry is; "" for a regular file.
// fi is what os.Stat says (symlinks followed), link whether the entry
// itself is a symlink.
func specialKind(fi fs.FileInfo, link bool) string {
	m := fi.Mode()
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir() && link:
		return KindSymlinkedFolder
	case m&fs.ModeNamedPipe != 0:
		return KindFIFO
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return KindDevice
	case m&fs.ModeSocket != 0:
		return KindSocket
	}
	return KindOther
}

// sizeLies reports whether a file the system calls empty has content: the
// kernel's pseudo files (/proc, /sys) report size 0 and produce text when
// read. Uploading by the reported size would store 0 bytes and call it
// verified; reading until EOF instead would store a snapshot no rerun can
// check (each read differs, the size and mtime say nothing), and a
// multipart upload needs the size before it starts. So such a file is
// refused, in plain words.
func sizeLies(path string, size int64) bool {
	if size != 0 {
		return false
	}
	f, err := openLocal(path)
	if err != nil {
		return false // the upload's own open reports it
	}
	defer f.Close()
	var b [1]byte
	n, _ := f.Read(b[:])
	return n > 0
}

// LinkLeadsOutside reports where p really leads when that is outside the
// folder root, both resolved (so a folder that is itself reached through a
// link still holds its own files). On Windows the resolution follows
// junctions too. A folder's content may come from others (a shared or
// team folder, an unpacked archive): without this check, a link planted as
// "photo.jpg -> ~/.ssh/id_rsa" would make CosDrop upload any file its user
// can read. A path that cannot be resolved (a dangling link) is not
// outside: there is no file to upload. Hard links cannot be told apart
// from files and are uploaded.
func LinkLeadsOutside(root, p string) (target string, outside bool) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", false
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		realRoot = root
	}
	rel, err := filepath.Rel(realRoot, real)
	if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
		return "", false
	}
	return real, true
}
