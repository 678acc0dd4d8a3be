// Package watch uploads the files that appear or change in watched local
// folders ("hot folders"). It is Fyne-free and shared by `cosdrop watch`
// and the window.
//
// Three rules keep it from dropping or mangling files (the field's
// complaints: ShareX uploaded 7 of 50 new files, missed ".tmp" renamed to
// ".png", fired on files still being written; COSBrowser re-sent
// everything at each boot):
//
//   - File-system events (fsnotify) only say where to look. A periodic
//     rescan of every watched folder backs them up, so a file is found even
//     when events are lost (an inotify queue overflow, a network folder, a
//     watch limit reached).
//   - A file is handed to the engine only once it settles: its size and
//     modification time unchanged for the settle window. Temporary names
//     and excluded names are never handed over; a rename into place is a
//     new name, and settles like any file.
//   - A key template's {date} is the file's modification date, so a
//     restart on another day finds the same key (and the journal's task).
//   - Files go through the engine's own add path (uploader.Engine.AddFiles,
//     keyed as `cosdrop upload FOLDER` keys them) with ResumeExisting, so
//     the journal decides what was already sent: a restart that finds the
//     same file, size and mtime sends nothing.
//
// Every file seen gets a Decision, written to the Log.
package watch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"cosdrop/uploader"
)

// Defaults used when an Options field is zero.
const (
	DefaultSettle = 3 * time.Second
	DefaultRescan = time.Minute
	// resultPoll is how often the engine's change feed is read for the
	// outcome of handed-over files.
	resultPoll = 150 * time.Millisecond
)

// Engine is what a watch needs of uploader.Engine.
type Engine interface {
	AddFiles(files ...uploader.FileRef) uploader.BatchID
	Changes(since uint64) ([]uploader.Snapshot, uint64)
}

// Options configure a Watcher. Zero values pick the defaults.
type Options struct {
	Folders []string
	Engine  Engine
	// Settle is how long size and modification time must stay unchanged.
	Settle time.Duration
	// Rescan is the period of the full rescan that backs up events.
	Rescan time.Duration
	// Exclude reports whether a file's slash path inside its watched
	// folder ("sub/name"; a folder with a trailing "/") is excluded, and
	// by which pattern (the profile's rules: profile.Rules.Excluded, which
	// matches paths inside a dropped or watched folder).
	Exclude func(rel string) (pattern string, ok bool)
	// Log records every decision; nil records none.
	Log *Log
	// StateDir is the engine's state folder: left out when it lies inside
	// a watched folder (its journal changes with every upload).
	StateDir string
	// OnDecision is called with every decision, from the watch's
	// goroutine; it must not block (the CLI prints a line).
	OnDecision func(Decision)

	// Now, Tick and RescanTick drive settling and rescans (tests inject
	// a clock and ticks); nil means the real clock and tickers.
	Now        func() time.Time
	Tick       <-chan time.Time
	RescanTick <-chan time.Time
	// NoEvents turns file-system events off, leaving the rescan alone to
	// find files (tests of lost events).
	NoEvents bool
	// testErrs stands in for fsnotify's error channel (tests: an overflow).
	testErrs chan error
}

// Watcher watches folders until Close.
type Watcher struct {
	o       Options
	roots   []string // absolute
	fsw     *fsnotify.Watcher
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	syncReq chan chan struct{}
	rescanQ chan struct{}
	pauseQ  chan bool

	// Owned by the run goroutine.
	watched  map[string]bool        // folders with an fsnotify watch
	pending  map[string]*fileState  // waiting to settle
	inflight map[string]*submission // handed to the engine, outcome not yet seen
	known    map[string]stat        // decided (uploaded, unchanged, identical) at this size and mtime
	noted    map[string]Code        // temporary, excluded, folder errors already recorded
	cursor   uint64
	tickers  []*time.Ticker
	// scanned: the first scan is over. Files it finds wait quietly: a
	// restart over 10,000 unchanged files records 10,000 outcomes
	// ("unchanged"), not 20,000 lines, so the bounded log keeps its
	// history. One that is still changing is recorded as waiting then.
	scanned bool
	paused  bool // hand nothing over (files keep settling and are handed over on resume)
}

type stat struct {
	size  int64
	mtime time.Time
}

type fileState struct {
	root, rel string // rel: key-relative path ("Folder/sub/a.png")
	stat
	since     time.Time // when this size and mtime were first seen (Options.Now)
	openNoted bool      // StillOpen was recorded
	quiet     bool      // found by the first scan; Waiting not recorded yet
}

type submission struct {
	*fileState
	batch uploader.BatchID
	at    time.Time // wall clock at hand-over: an earlier Finished means the journal had it
}

// Start begins watching o.Folders. The first scan runs in the background:
// every file already there is handed over once it settles (unchanged ones
// are journal lookups).
func Start(o Options) (*Watcher, error) {
	if o.Engine == nil {
		return nil, errors.New("watch: no engine")
	}
	if len(o.Folders) == 0 {
		return nil, errors.New("watch: no folder to watch")
	}
	w := &Watcher{o: o, done: make(chan struct{}), syncReq: make(chan chan struct{}), rescanQ: make(chan struct{}, 1), pauseQ: make(chan bool),
		watched: map[string]bool{}, pending: map[string]*fileState{}, inflight: map[string]*submission{},
		known: map[string]stat{}, noted: map[string]Code{}}
	for _, f := range o.Folders {
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil, fmt.Errorf("watch %s: %w", f, err)
		}
		w.roots = append(w.roots, filepath.Clean(abs))
	}
	w.defaults()
	if !o.NoEvents {
		fsw, err := fsnotify.NewWatcher()
		if err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
		w.fsw = fsw
	}
	_, w.cursor = o.Engine.Changes(math.MaxUint64) // only outcomes from now on
	w.ctx, w.cancel = context.WithCancel(context.Background())
	go w.run()
	return w, nil
}

func (w *Watcher) defaults() {
	if w.o.Settle <= 0 {
		w.o.Settle = DefaultSettle
	}
	if w.o.Rescan <= 0 {
		w.o.Rescan = DefaultRescan
	}
	if w.o.Now == nil {
		w.o.Now = time.Now
	}
	if w.o.Tick == nil {
		t := time.NewTicker(max(w.o.Settle/4, 20*time.Millisecond))
		w.tickers = append(w.tickers, t)
		w.o.Tick = t.C
	}
	if w.o.RescanTick == nil {
		t := time.NewTicker(w.o.Rescan)
		w.tickers = append(w.tickers, t)
		w.o.RescanTick = t.C
	}
}

// Folders returns the watched folders (absolute).
func (w *Watcher) Folders() []string { return append([]string(nil), w.roots...) }

// Rescan asks for a full rescan now (the window's "check now").
func (w *Watcher) Rescan() {
	select {
	case w.rescanQ <- struct{}{}:
	default:
	}
}

// SetPaused stops (true) or resumes (false) handing files to the engine:
// while paused the watch keeps noticing and settling files, and hands
// them over when resumed ("pause all" in the tray). Pausing the engine's
// running uploads is the caller's (Engine.PauseAll).
func (w *Watcher) SetPaused(paused bool) {
	select {
	case w.pauseQ <- paused:
	case <-w.done:
	}
}

// Close stops watching and waits for the watch's goroutine. Files not yet
// handed over are found again by the next start's scan.
func (w *Watcher) Close() error {
	w.cancel()
	<-w.done
	for _, t := range w.tickers {
		t.Stop()
	}
	if w.fsw != nil {
		return w.fsw.Close()
	}
	return nil
}

// sync waits until the run goroutine has handled everything sent before
// it (tests).
func (w *Watcher) sync() {
	ch := make(chan struct{})
	select {
	case w.syncReq <- ch:
		<-ch
	case <-w.done:
	}
}

func (w *Watcher) run() {
	defer close(w.done)
	var events <-chan fsnotify.Event
	var errs <-chan error
	if w.fsw != nil {
		events, errs = w.fsw.Events, w.fsw.Errors
	}
	if w.o.testErrs != nil {
		errs = w.o.testErrs
	}
	w.rescan()
	w.scanned = true
	poll := time.NewTicker(resultPoll)
	defer poll.Stop()
	for {
		select {
		case <-w.ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			w.onEvent(ev)
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			// An overflow (or any watch error) means events were lost:
			// the rescan finds what they would have said.
			w.record(Decision{Code: EventsLost, Args: map[string]string{"error": err.Error()}})
			w.rescan()
		case <-w.o.Tick:
			w.settle()
			w.results()
		case <-w.o.RescanTick:
			w.rescan()
		case <-w.rescanQ:
			w.rescan()
		case <-poll.C:
			w.results()
		case p := <-w.pauseQ:
			w.paused = p
		case ch := <-w.syncReq:
			close(ch)
		}
	}
}

// record writes a decision to the log and the listener.
func (w *Watcher) record(d Decision) {
	if d.Time.IsZero() {
		d.Time = time.Now()
	}
	if w.o.Log != nil {
		w.o.Log.Write(d)
	}
	if w.o.OnDecision != nil {
		w.o.OnDecision(d)
	}
}

// noteFolder records a folder problem once until it changes.
func (w *Watcher) noteFolder(dir string, err error) {
	msg := err.Error()
	if w.noted[dir] == FolderError && w.noted["\x00"+dir] == Code(msg) {
		return
	}
	w.noted[dir], w.noted["\x00"+dir] = FolderError, Code(msg)
	root := w.rootOf(dir)
	w.record(Decision{Code: FolderError, Folder: root, Path: dir, Args: map[string]string{"error": msg}})
}

// rootOf is the watched folder holding p.
func (w *Watcher) rootOf(p string) string {
	for _, r := range w.roots {
		if p == r || isUnder(p, r) {
			return r
		}
	}
	return ""
}

func isUnder(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && !filepath.IsAbs(rel) && rel != ".." && !startsDotDot(rel)
}

func startsDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:2] == ".." && os.IsPathSeparator(rel[2])
}
