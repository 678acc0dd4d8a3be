package watch

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
)

// openForWriting returns the paths of files that some process (one whose
// /proc entry this user may read) has open for writing: settled by size
// and time, but an application may still be about to write more (a
// download paused between chunks). Only /proc/*/fd links are read for
// every descriptor; fdinfo only for the candidates' own descriptors, so
// a check costs one readlink per open descriptor on the machine, and runs
// only when files are ready.
func openForWriting(paths []string) map[string]bool {
	want := make(map[string]string, len(paths)) // resolved -> as watched
	for _, p := range paths {
		r, err := filepath.EvalSymlinks(p)
		if err != nil {
			r = p
		}
		want[r] = p
	}
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	for _, pr := range procs {
		if _, err := strconv.Atoi(pr.Name()); err != nil {
			continue
		}
		dir := "/proc/" + pr.Name()
		fds, err := os.ReadDir(dir + "/fd")
		if err != nil {
			continue // another user's process, or gone
		}
		for _, fd := range fds {
			target, err := os.Readlink(dir + "/fd/" + fd.Name())
			if err != nil {
				continue
			}
			if p, ok := want[target]; ok && writable(dir+"/fdinfo/"+fd.Name()) {
				out[p] = true
			}
		}
	}
	return out
}

// writable reads an fdinfo file's "flags:" (octal open flags) and reports
// write access (O_WRONLY or O_RDWR).
func writable(fdinfo string) bool {
	b, err := os.ReadFile(fdinfo)
	if err != nil {
		return false
	}
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("flags:")); ok {
			f, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 8, 64)
			return err == nil && f&3 != 0
		}
	}
	return false
}
