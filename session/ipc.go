package session

import (
	"bufio"
	"encoding/json"
	"errors"
	"net"
	"path/filepath"
	"sync"
	"time"

	"cosdrop/uploader"
)

// A running CosDrop (the window or `cosdrop upload`) answers on a local
// endpoint next to its journal, so `cosdrop status` gets live snapshots in
// well under a second instead of waiting for a journal it cannot open
// (bbolt allows one process at a time). The window also listens on an
// endpoint in the data directory and takes files from a second launch
// (single instance). The requests and answers below are the same on every
// system; only the transport differs. On Linux and macOS it is a unix
// socket, 0600, in a folder only the user may use (ipc_unix.go). On Windows
// it is loopback TCP, found through an endpoint file only the user may read,
// with a key both ends prove they know before any request
// (ipc_windows.go, ipcauth.go).

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

// StatusSocket is where the process running on the journal in stateDir
// answers status: a unix socket in the state directory (or, when that path
// is too long for one, in the user's private fallback folder), and on
// Windows the endpoint file there (ipc_windows.go).
func StatusSocket(stateDir string) string { return socketPath(stateDir, statusName) }

// WindowSocket is where the window running on dataDir takes files.
func WindowSocket(dataDir string) string { return socketPath(dataDir, windowName) }

// listener serves one endpoint until closed. openEndpoint (ipc_unix.go,
// ipc_windows.go) makes it: the transport's listener, its check of a new
// connection before any request is read, and what tells clients where it
// listens, removed on Close.
type listener struct {
	l      net.Listener
	admit  func(net.Conn) bool
	remove func()
	wg     sync.WaitGroup
	once   sync.Once
}

// listen opens the endpoint at path. One left by a process that died is
// replaced; one that answers belongs to a live process, and listen fails.
func listen(path string, handle func(request) reply) (*listener, error) {
	s, err := openEndpoint(path)
	if err != nil {
		return nil, err
	}
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
			if !s.admit(c) {
				return
			}
			var req request
			if err := json.NewDecoder(bufio.NewReader(c)).Decode(&req); err != nil {
				return
			}
			_ = json.NewEncoder(c).Encode(handle(req))
		}()
	}
}

// Close stops accepting, waits for requests in flight and removes the
// endpoint.
func (s *listener) Close() error {
	var err error
	s.once.Do(func() {
		err = s.l.Close()
		s.wg.Wait()
		s.remove()
	})
	return err
}

// call sends one request to the endpoint at path and reads the reply.
func call(path string, req request) (reply, error) {
	c, err := dialEndpoint(path, 500*time.Millisecond)
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

// WindowRunning reports whether a CosDrop window answers on dataDir,
// handing it nothing (start at login leaves a running window in the tray).
func WindowRunning(dataDir string) bool {
	c, err := dialEndpoint(WindowSocket(dataDir), time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
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
