package ui

import (
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/session"
	"cosdrop/uploader"
	"cosdrop/watch"
)

// prefSandboxWatch holds the Sandbox's watch folders (it has no profile
// file to keep them in).
const prefSandboxWatch = "sandbox-watch-folders"

// watchRunner runs the active profile's watch folders while the app
// lives: started with the session, stopped before it closes (the watch's
// engine shares the session's credentials and, for the Sandbox, its
// server). Its methods block on journals and engines: call them off the
// Fyne goroutine. mu serialises them, so a release waits for a start in
// progress.
type watchRunner struct {
	mu    sync.Mutex
	cur   *session.Watching
	owner *openedProfile
	err   error // why the watch of the current session is not running
	// settle overrides the settle window (tests); 0 = watch's default.
	settle time.Duration
	// gen numbers follow requests (Fyne goroutine); applied is the newest
	// carried out. Requests run on their own goroutines, so an older one
	// (the session's empty folder list) can arrive after a newer one (a
	// folder just added): it is dropped.
	gen     atomic.Uint64
	applied uint64
	paused  bool  // "pause all": kept across restarts of the watch
	rate    int64 // the window's speed limit in force, for the watch's own engine (bandwidth.go)
}

// folders returns the watch folders of s: its profile's (read again, so
// a change saved elsewhere counts), or the Sandbox's preference.
func (w *mainWindow) watchFolders(s *openedProfile) []string {
	if s.sandbox {
		return w.app.Preferences().StringList(prefSandboxWatch)
	}
	if w.opener == nil || w.opener.profiles == nil {
		return nil
	}
	p, err := w.opener.profiles.Get(s.name)
	if err != nil {
		return s.profile.WatchFolders
	}
	return p.WatchFolders
}

// followWatch (re)starts the watch for s in the background and says so
// above the list if it cannot run.
func (w *mainWindow) followWatch(s *openedProfile) {
	w.askProposedWatch(s)
	folders := w.watchFolders(s)
	dataDir := ""
	if w.opener != nil {
		dataDir = w.opener.dataDir
	}
	gen := w.watches.gen.Add(1)
	w.async(func() {
		err := w.watches.follow(gen, s, folders, dataDir)
		if err != nil {
			fyne.Do(func() {
				w.showNotice(T("Watch folders are not running: {{.Err}}", map[string]any{"Err": errText(err)}))
			})
		}
	})
}

// follow stops the running watch and starts s's, if it has folders.
func (r *watchRunner) follow(gen uint64, s *openedProfile, folders []string, dataDir string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen < r.applied {
		return nil // a newer request was carried out already
	}
	r.applied = gen
	r.stopLocked()
	r.owner, r.err = s, nil
	if len(folders) == 0 || s.s == nil || dataDir == "" {
		return nil
	}
	cfg := s.s.Config // the session's bucket, credentials and policy; the watch's own journal
	cfg.StateDir = filepath.Join(dataDir, session.WatchStateName(s.name))
	if s.sandbox {
		// The Sandbox's server may have a new port this launch.
		if err := uploader.RebindJournal(cfg.StateDir, cfg.BucketURL); err != nil {
			r.err = err
			return err
		}
	}
	// StartWatch applies the engine's exclude rules (the profile's, and the defaults).
	wt, err := session.StartWatch(session.Engine{Config: cfg}, folders, session.WatchOptions{Settle: r.settle})
	if err != nil {
		r.err = err
		return err
	}
	r.cur = wt
	wt.Engine.SetRateLimit(r.rate) // the session's copy may predate a boundary
	if r.paused {
		wt.Watcher.SetPaused(true)
	}
	return nil
}

// setPaused pauses (or resumes) the watch: nothing new is handed over and
// its engine's uploads pause. For the tray's "pause all / resume all".
func (r *watchRunner) setPaused(paused bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.paused = paused
	if r.cur == nil {
		return
	}
	r.cur.Watcher.SetPaused(paused)
	if paused {
		r.cur.Engine.PauseAll()
	} else {
		r.cur.Engine.ResumeAll()
	}
}

// release stops the watch if it belongs to s (s is about to close).
func (r *watchRunner) release(s *openedProfile) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.owner == s {
		r.stopLocked()
		r.owner = nil
	}
}

// stop stops whatever watch runs (the app quits).
func (r *watchRunner) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopLocked()
}

func (r *watchRunner) stopLocked() {
	if r.cur != nil {
		_ = r.cur.Close()
		r.cur = nil
	}
}

// state is what the watch dialog shows: the running folders, why the
// watch is not running, the newest decisions and where they are logged.
func (r *watchRunner) state(n int) watchState {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil {
		return watchState{err: r.err}
	}
	return watchState{folders: r.cur.Watcher.Folders(), recent: r.cur.Log.Recent(n), logPath: r.cur.Log.Path()}
}

// active is how many folders the watch watches now (0 when none runs):
// the tray's status, and whether closing the window leaves work behind.
func (r *watchRunner) active() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil {
		return 0
	}
	return len(r.cur.Watcher.Folders())
}

// watchState is a copy of what the watch dialog shows.
type watchState struct {
	folders []string
	err     error
	recent  []watch.Decision
	logPath string
}

// askProposedWatch asks about the first watch folder an imported profile
// proposes (profile.Profile.ProposedWatchFolders): nothing there is watched
// until the user says yes, since a profile file anyone could forge would
// otherwise start uploading a folder as soon as it is active. The answer
// is saved, and saving asks about the next one (saveWatchFolders ->
// followWatch), so each folder gets its own question.
func (w *mainWindow) askProposedWatch(s *openedProfile) {
	if s.sandbox || w.opener == nil || w.opener.profiles == nil || w.asking {
		return
	}
	p, err := w.opener.profiles.Get(s.name)
	if err != nil || len(p.ProposedWatchFolders) == 0 {
		return
	}
	dir := p.ProposedWatchFolders[0]
	w.asking = true
	msg := T("The profile {{.Profile}} proposes to watch the folder {{.Folder}}. Every new or changed file in it would be uploaded to COS without asking. Watch this folder?",
		map[string]any{"Profile": s.name, "Folder": dir})
	d := dialog.NewConfirm(T("Watch this folder?"), msg, func(yes bool) {
		w.asking = false
		p.ConfirmWatchFolder(dir, yes)
		if err := w.opener.profiles.Put(p); err != nil {
			dialog.ShowError(errors.New(errText(err)), w.win)
			return
		}
		w.followWatch(s) // the next proposal, and the watch with this folder
	}, w.win)
	d.SetConfirmText(T("Watch it"))
	d.SetDismissText(T("Do not watch"))
	d.Show()
}

// saveWatchFolders stores s's watch folders (the profile file, or the
// Sandbox's preference) and restarts its watch.
func (w *mainWindow) saveWatchFolders(s *openedProfile, dirs []string) error {
	if s.sandbox {
		w.app.Preferences().SetStringList(prefSandboxWatch, dirs)
	} else {
		if w.opener == nil || w.opener.profiles == nil {
			return errors.New(T("This profile cannot be changed here."))
		}
		p, err := w.opener.profiles.Get(s.name)
		if err != nil {
			return err
		}
		p.WatchFolders = dirs
		if err := p.Validate(); err != nil {
			return err
		}
		if err := w.opener.profiles.Put(p); err != nil {
			return err
		}
	}
	w.followWatch(s)
	return nil
}

// showWatchFolders opens the watch folders dialog of the active profile:
// its folders (add, remove) and the newest decisions, refreshed while it
// is open.
func (w *mainWindow) showWatchFolders() {
	s := w.sess
	if s == nil {
		return
	}
	v := newWatchView(w, s)
	d := dialog.NewCustom(T("Watch folders of {{.Name}}", map[string]any{"Name": profileLabel(s.name)}), T("Close"), v.content, w.win)
	d.Resize(fyne.NewSize(820, 560))
	// Refreshed once a second while open, each time on the Fyne goroutine
	// through w.later, which tests run when they choose: a ticker
	// goroutine's fyne.Do runs on that goroutine under Fyne's test driver
	// and raced the test whenever it took over a second to close the
	// dialog (a busy machine).
	open := true
	var again func()
	again = func() {
		if open {
			v.refresh()
			w.later(time.Second, again)
		}
	}
	w.later(time.Second, again)
	w.dialogs.present(d)
	d.SetOnClosed(func() { open = false }) // Fyne chains it after present's own
	v.refresh()
}

// watchView is the dialog's content; Fyne goroutine only.
type watchView struct {
	w        *mainWindow
	s        *openedProfile
	folders  []string
	recent   []watch.Decision
	list     *widget.List
	log      *widget.List
	status   *widget.Label
	content  fyne.CanvasObject
	selected int
}

func newWatchView(w *mainWindow, s *openedProfile) *watchView {
	v := &watchView{w: w, s: s, folders: w.watchFolders(s), selected: -1}
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.list = widget.NewList(func() int { return len(v.folders) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(v.folders[i]) })
	v.list.OnSelected = func(i widget.ListItemID) { v.selected = i }
	add := widget.NewButtonWithIcon(T("Add watch folder…"), theme.FolderNewIcon(), v.addDialog)
	remove := widget.NewButtonWithIcon(T("Remove watch folder"), theme.DeleteIcon(), func() {
		if v.selected >= 0 && v.selected < len(v.folders) {
			v.save(slices.Delete(slices.Clone(v.folders), v.selected, v.selected+1))
		}
	})
	v.log = widget.NewList(func() int { return len(v.recent) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(decisionLine(v.recent[i])) })
	top := container.NewBorder(widget.NewLabel(T("New and changed files in these folders are uploaded once they stop changing, while CosDrop runs.")),
		container.NewHBox(add, remove), nil, nil, v.list)
	bottom := container.NewBorder(container.NewVBox(v.status, widget.NewLabel(T("Recent decisions (newest first):"))), nil, nil, nil, v.log)
	split := container.NewVSplit(top, bottom)
	split.Offset = 0.35
	v.content = split
	return v
}

// decisionLine is one decision in the dialog: time, file, what happened.
func decisionLine(d watch.Decision) string {
	return d.Time.Local().Format("15:04:05") + "  " + filepath.Base(d.Path) + "  " + session.WatchText(d)
}

func (v *watchView) refresh() {
	st := v.w.watches.state(100)
	switch {
	case st.err != nil:
		v.status.SetText(T("Not watching: {{.Err}}", map[string]any{"Err": errText(st.err)}))
	case len(st.folders) == 0:
		v.status.SetText(T("Not watching: add a folder to start."))
	default:
		v.status.SetText(N("Watching {{.Count}} folders. Every decision is also recorded in {{.Path}}.",
			len(st.folders), map[string]any{"Count": len(st.folders), "Path": st.logPath}))
	}
	v.recent = st.recent
	v.log.Refresh()
}

func (v *watchView) addDialog() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			v.w.dialogs.showError(err)
			return
		}
		if u != nil {
			v.add(u.Path())
		}
	}, v.w.win)
	d.Resize(fyne.NewSize(800, 560))
	v.w.dialogs.present(d)
}

// add adds a folder (once) and saves.
func (v *watchView) add(dir string) {
	dir = filepath.Clean(dir)
	if slices.Contains(v.folders, dir) {
		return
	}
	v.save(append(slices.Clone(v.folders), dir))
}

func (v *watchView) save(dirs []string) {
	if err := v.w.saveWatchFolders(v.s, dirs); err != nil {
		v.w.dialogs.showError(errors.New(errText(err)))
		return
	}
	v.folders, v.selected = dirs, -1
	v.list.UnselectAll()
	v.list.Refresh()
	v.refresh()
}
