package session

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"cosdrop/uploader"
)

// A running CosDrop (the window or `cosdrop upload`) answers on a local
// socket next to its journal, so `cosdrop status` gets live snapshots in
// well under a second instead of waiting for a journal it cannot open
// (bbolt allows one process at a time). The window also listens on a
// socket in the data directory and takes files from a second launch
// (single instance). Sockets are themselves 0600, and a socket whose path
// is too long lives in the user's private folder (fallbackDir); Go's "unix" network works on Linux,
// macOS and Windows 10+.

// ipcTimeout bounds a whole request on a local socket.
const ipcTimeout = 2 * time.Second

// request is one line a client sends.
type request struct {
	Op    string   `json:"op"` // "status", "leftovers", "receipts" or "add"
	Paths []string `json:"paths,omitempty"`
}

// reply is one line the server answers.
type reply struct {
	Tasks     []wireTask          `json:"tasks,omitempty"`
	Leftovers []uploader.Leftover `json:"leftovers,omitempty"`
	Receipts  int                 `json:"receipts,omitempty"` // receipts waiting to be written
	OK        bool                `json:"ok"`
	Error     string              `json:"error,omitempty"`
}

// wireTask is what status shows of a task, with empty fields left out:
// a third of a full Snapshot's JSON, so a queue of 100,000 tasks answers
// in well under a second. (The error history and timestamps stay in the
// running process; `cosdrop status` prints neither.)
type wireTask struct {
	ID         uploader.TaskID     `json:"id"`
	Batch      uploader.BatchID    `json:"b,omitempty"`
	Path       string              `json:"p,omitempty"`
	Key        string              `json:"k,omitempty"`
	Size       int64               `json:"s,omitempty"`
	Acked      int64               `json:"a,omitempty"`
	Speed      float64             `json:"v,omitempty"`
	State      uploader.State      `json:"st,omitempty"`
	Attempts   int                 `json:"n,omitempty"`
	LastErr    *uploader.TaskError `json:"e,omitempty"`
	UploadID   string              `json:"u,omitempty"`
	ETag       string              `json:"t,omitempty"`
	CRC64      uint64              `json:"c,omitempty"`
	RequestIDs []string            `json:"r,omitempty"`
	Note       json.RawMessage     `json:"o,omitempty"`
	// Unverified marks a done task COS could not confirm (the negative, so
	// the usual verified task costs nothing on the wire).
	Unverified   bool   `json:"uv,omitempty"`
	RequestedKey string `json:"rk,omitempty"`
}

func toWire(in []uploader.Snapshot) []wireTask {
	out := make([]wireTask, len(in))
	for i, s := range in {
		out[i] = wireTask{ID: s.ID, Batch: s.Batch, Path: s.Path, Key: s.Key, Size: s.Size, Acked: s.Acked, Speed: s.Speed,
			State: s.State, Attempts: s.Attempts, LastErr: s.LastErr, UploadID: s.UploadID, ETag: s.ETag, CRC64: s.CRC64,
			RequestIDs: s.RequestIDs, Unverified: s.State == uploader.Done && !s.Verified}
		if s.RequestedKey != s.Key {
			out[i].RequestedKey = s.RequestedKey
		}
		if b, err := json.Marshal(s.Note); err == nil && string(b) != `""` && string(b) != `{}` {
			out[i].Note = b
		}
	}
	return out
}

func fromWire(in []wireTask) []uploader.Snapshot {
	out := make([]uploader.Snapshot, len(in))
	for i, w := range in {
		out[i] = uploader.Snapshot{ID: w.ID, Batch: w.Batch, Path: w.Path, Key: w.Key, Size: w.Size, Acked: w.Acked, Speed: w.Speed,
			State: w.State, Attempts: w.Attempts, LastErr: w.LastErr, UploadID: w.UploadID, ETag: w.ETag, CRC64: w.CRC64,
			RequestIDs: w.RequestIDs, Verified: !w.Unverified, RequestedKey: w.RequestedKey}
		if out[i].RequestedKey == "" {
			out[i].RequestedKey = w.Key
		}
		if len(w.Note) > 0 {
			_ = json.Unmarshal(w.Note, &out[i].Note)
		}
	}
	return out
}

// StatusSocket is the socket path of the process running on the journal in
// stateDir: in the state directory itself, or, when that path is too long
// for a unix socket (~100 bytes), in the user's private fallback folder
// (fallbackDir) named by a hash of stateDir.
func StatusSocket(stateDir string) string { return socketPath(stateDir, "status.sock") }

// WindowSocket is the socket path of the window running on dataDir.
func WindowSocket(dataDir string) string { return socketPath(dataDir, "window.sock") }

func socketPath(dir, name string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	p := filepath.Join(abs, name)
	if len(p) <= 100 {
		return p
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(fallbackDir(), hex.EncodeToString(sum[:8])+"-"+name)
}

// fallbackDir holds the sockets whose own path is too long. Its name is
// predictable, so another local user could create it first and listen
// there (issue 20, finding 6): $XDG_RUNTIME_DIR, the user's own runtime
// folder (https://specifications.freedesktop.org/basedir-spec/latest/),
// is used where it exists; otherwise a folder in the shared temp dir that
// checkPrivateDir must find to be the user's own, 0700, and no link.
func fallbackDir() string {
	if run := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(run) {
		if fi, err := os.Lstat(run); err == nil && privateDirProblem(fi, os.Getuid(), 0o022) == "" {
			return filepath.Join(run, "cosdrop")
		}
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("cosdrop-%d", os.Getuid()))
}

// UnsafeSocketDirError: the folder for a local socket is not this user's
// private folder, so CosDrop neither listens nor connects there.
type UnsafeSocketDirError struct {
	Dir    string
	Reason string // privateDirProblem's words
}

func (e *UnsafeSocketDirError) Error() string {
	return T("CosDrop does not use the folder {{.Dir}} for its local socket: {{.Reason}}. Another user of this computer could take over its messages. Remove that folder, or set XDG_RUNTIME_DIR to your own private folder.",
		map[string]any{"Dir": e.Dir, "Reason": e.Reason})
}

// checkSocketDir makes sure the folder of socket path may be used: the
// fallback folder must be the user's own (create: make it first when
// missing); a socket next to the journal or in the data directory lives
// in a folder the user chose, and is itself 0600.
func checkSocketDir(path string, create bool) error {
	dir := filepath.Dir(path)
	if dir != fallbackDir() {
		if create {
			return os.MkdirAll(dir, 0o700)
		}
		return nil
	}
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) && create {
		if err = os.Mkdir(dir, 0o700); err == nil || errors.Is(err, fs.ErrExist) {
			fi, err = os.Lstat(dir) // whoever made it, it is checked as it is now
		}
	}
	if err != nil {
		return err
	}
	if why := privateDirProblem(fi, os.Getuid(), 0o077); why != "" {
		return &UnsafeSocketDirError{Dir: dir, Reason: why}
	}
	return nil
}

// privateDirProblem words why fi (from Lstat) is not a private folder of
// the user uid: a link, not a folder, another owner, or permission bits
// in forbidden set; "" when it is private. Where the system has no owner
// and mode bits (Windows: the per-user temp folder's ACL protects it),
// only the link and folder checks apply.
func privateDirProblem(fi fs.FileInfo, uid int, forbidden fs.FileMode) string {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return T("it is a link")
	case !fi.IsDir():
		return T("it is not a folder")
	}
	owner, ok := fileOwner(fi)
	if !ok {
		return ""
	}
	if owner != uid {
		return T("it belongs to another user")
	}
	if perm := fi.Mode().Perm(); perm&forbidden != 0 {
		return T("others may use it (mode {{.Mode}}, not 0700)", map[string]any{"Mode": fmt.Sprintf("%04o", perm)})
	}
	return ""
}

// listener serves one socket until closed.
type listener struct {
	l    net.Listener
	path string
	wg   sync.WaitGroup
	once sync.Once
}

// listen opens a unix socket at path, owner-only. A socket file left by a
// process that died is removed; one that answers belongs to a live
// process, and listen fails.
func listen(path string, handle func(request) reply) (*listener, error) {
	if err := checkSocketDir(path, true); err != nil {
		return nil, err
	}
	if c, err := net.DialTimeout("unix", path, 200*time.Millisecond); err == nil {
		c.Close()
		return nil, fmt.Errorf("another CosDrop already listens on %s", path)
	}
	_ = os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	_ = os.Chmod(path, 0o600)
	s := &listener{l: l, path: path}
	s.wg.Add(1)
	go s.serve(handle)
	return s, nil
}

func (s *listener) serve(handle func(request) reply) {
	defer s.wg.Done()
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(ipcTimeout))
			var req request
			if err := json.NewDecoder(bufio.NewReader(c)).Decode(&req); err != nil {
				return
			}
			_ = json.NewEncoder(c).Encode(handle(req))
		}()
	}
}

// Close stops accepting, waits for requests in flight and removes the
// socket file.
func (s *listener) Close() error {
	var err error
	s.once.Do(func() {
		err = s.l.Close()
		s.wg.Wait()
		_ = os.Remove(s.path)
	})
	return err
}

// call sends one request to the socket at path and reads the reply.
func call(path string, req request) (reply, error) {
	if err := checkSocketDir(path, false); err != nil {
		return reply{}, err
	}
	c, err := net.DialTimeout("unix", path, 500*time.Millisecond)
	if err != nil {
		return reply{}, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(ipcTimeout))
	if err := json.NewEncoder(c).Encode(req); err != nil {
		return reply{}, err
	}
	var rep reply
	if err := json.NewDecoder(c).Decode(&rep); err != nil {
		return reply{}, err
	}
	if rep.Error != "" {
		return rep, errors.New(rep.Error)
	}
	return rep, nil
}

// snapshotter is the part of the engine the status socket reads.
type snapshotter interface {
	Changes(since uint64) ([]uploader.Snapshot, uint64)
	Leftovers() ([]uploader.Leftover, error)
}

// receiptCounter is the engine's count of receipts waiting to be
// written (an engine, not every test's fake, has one).
type receiptCounter interface{ PendingReceipts() (int, error) }

// ServeStatus answers status requests for the engine running on stateDir
// until the returned closer runs. Start calls it for every engine.
func ServeStatus(stateDir string, e snapshotter) (func() error, error) {
	l, err := listen(StatusSocket(stateDir), func(req request) reply {
		switch req.Op {
		case "status":
			tasks, _ := e.Changes(0)
			return reply{OK: true, Tasks: toWire(tasks)}
		case "leftovers":
			l, err := e.Leftovers()
			if err != nil {
				return reply{Error: err.Error()}
			}
			return reply{OK: true, Leftovers: l}
		case "receipts":
			rc, ok := e.(receiptCounter)
			if !ok {
				return reply{OK: true}
			}
			n, err := rc.PendingReceipts()
			if err != nil {
				return reply{Error: err.Error()}
			}
			return reply{OK: true, Receipts: n}
		}
		return reply{Error: "unknown request " + req.Op}
	})
	if err != nil {
		return nil, err
	}
	return l.Close, nil
}

// LiveStatus asks the CosDrop running on stateDir for its tasks; ok is
// false when none answers.
func LiveStatus(stateDir string) (tasks []uploader.Snapshot, ok bool) {
	rep, err := call(StatusSocket(stateDir), request{Op: "status"})
	if err != nil || !rep.OK {
		return nil, false
	}
	return fromWire(rep.Tasks), true
}

// ListenWindow makes this process the single CosDrop window on dataDir:
// files another launch hands over arrive on paths (absolute paths, one
// slice per launch). It fails when another window already listens.
func ListenWindow(dataDir string, paths func([]string)) (func() error, error) {
	l, err := listen(WindowSocket(dataDir), func(req request) reply {
		if req.Op != "add" {
			return reply{Error: "unknown request " + req.Op}
		}
		paths(req.Paths)
		return reply{OK: true}
	})
	if err != nil {
		return nil, err
	}
	return l.Close, nil
}

// HandOff gives paths (made absolute) to the window running on dataDir;
// false when no window answers, so the caller opens one itself.
func HandOff(dataDir string, paths []string) bool {
	abs := make([]string, 0, len(paths))
	for _, p := range paths {
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
		abs = append(abs, p)
	}
	rep, err := call(WindowSocket(dataDir), request{Op: "add", Paths: abs})
	return err == nil && rep.OK
}
