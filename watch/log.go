package watch

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Decisions are kept in an append-only JSON-lines file in the watch's
// state directory, not in the engine's bbolt journal: a support person
// can grep it (or jq it) with the app running, it needs no new engine
// API, and a watch that decides 1,000 files a minute adds no journal
// transactions. It is bounded by rotation: past MaxLogBytes the file
// becomes LogName+".1" (replacing the older one), so the two together
// stay under twice that size.
const (
	LogName     = "watch-decisions.jsonl"
	MaxLogBytes = 4 << 20
	// recentMax is how many decisions Recent keeps for the window.
	recentMax = 200
)

// Log is the durable record of a watch's decisions, and the recent ones
// in memory for the window. Its methods are safe for concurrent use.
type Log struct {
	mu     sync.Mutex
	path   string
	max    int64
	f      *os.File
	size   int64
	recent []Decision // ring of the last recentMax, oldest first
	err    error      // the last write error, reported once by Err
}

// OpenLog opens (creating) the decision log in dir and reads its last
// decisions back for Recent.
func OpenLog(dir string) (*Log, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("watch log: %w", err)
	}
	l := &Log{path: filepath.Join(dir, LogName), max: MaxLogBytes}
	l.readTail()
	if err := l.open(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Log) open() error {
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("watch log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("watch log: %w", err)
	}
	l.f, l.size = f, fi.Size()
	return nil
}

// readTail loads the newest decisions of the current file (a damaged line
// is skipped: the log is a record, not state).
func (l *Log) readTail() {
	f, err := os.Open(l.path)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var d Decision
		if json.Unmarshal(sc.Bytes(), &d) == nil {
			l.remember(d)
		}
	}
}

func (l *Log) remember(d Decision) {
	if len(l.recent) >= recentMax {
		l.recent = append(l.recent[:0:0], l.recent[len(l.recent)-recentMax+1:]...)
	}
	l.recent = append(l.recent, d)
}

// Path is the current log file (support asks for it).
func (l *Log) Path() string { return l.path }

// Write appends d as one line, rotating first when the file is full.
func (l *Log) Write(d Decision) {
	b, err := json.Marshal(d)
	if err != nil {
		return
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	l.remember(d)
	if l.f == nil {
		return
	}
	if l.size+int64(len(b)) > l.max && l.size > 0 {
		l.rotate()
	}
	n, err := l.f.Write(b)
	l.size += int64(n)
	if err != nil {
		l.err = err
	}
}

// rotate moves the full file to LogName.1 and starts a new one; under mu.
func (l *Log) rotate() {
	l.f.Close()
	l.f = nil
	if err := os.Rename(l.path, l.path+".1"); err != nil {
		l.err = err
	}
	if err := l.open(); err != nil {
		l.err = err
	}
}

// Recent returns up to n of the newest decisions, newest first.
func (l *Log) Recent(n int) []Decision {
	l.mu.Lock()
	defer l.mu.Unlock()
	n = min(n, len(l.recent))
	out := make([]Decision, 0, n)
	for i := len(l.recent) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, l.recent[i])
	}
	return out
}

// Err returns the last write error since the previous call, if any (a
// full disk): the caller tells the user once.
func (l *Log) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	err := l.err
	l.err = nil
	return err
}

// Close closes the file.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
