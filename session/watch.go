package session

import (
	"errors"
	"path/filepath"
	"time"

	"cosdrop/uploader"
	"cosdrop/watch"
)

// WatchStateName is the journal directory of a profile's watch folders.
// A watch has its own engine and journal, apart from the window's queue
// ("gui-") and `cosdrop upload` ("profile-"): its thousands of unattended
// files do not flood the queue a person works in, it always runs with
// ResumeExisting (a restart is a journal lookup) whatever the window's
// policy, and the journal's lock lets only one process watch a profile's
// folders at a time (the window or `cosdrop watch`, never both).
func WatchStateName(profile string) string { return "watch-" + safeName(profile) }

// WatchOptions are a watch's settings besides its engine and folders.
type WatchOptions struct {
	// Exclude is the exclude rule (profile.Rules.Excluded); nil means the
	// engine's (the profile's rules and the default excludes). Temporary
	// names are always skipped.
	Exclude func(rel string) (pattern string, ok bool)
	// OnDecision hears every decision; it must not block.
	OnDecision func(watch.Decision)
	// Settle and Rescan: zero picks watch's defaults.
	Settle, Rescan time.Duration
}

// Watching is a running watch: its engine, the watcher and its decision
// log. Close it once.
type Watching struct {
	Engine  *uploader.Engine
	Watcher *watch.Watcher
	Log     *watch.Log
	closers []func() error
}

// StartWatch starts an engine for spec (ResumeExisting and AutoResume on:
// files are matched with the journal, unfinished ones carry on) and a
// watcher over folders feeding it. The decision log lives next to the
// journal. A journal another process holds is reported as that error
// (uploader's busy journal), before anything watches.
func StartWatch(spec Engine, folders []string, o WatchOptions) (*Watching, error) {
	if len(folders) == 0 {
		return nil, errors.New(T(watchNoFolder))
	}
	names := map[string]string{} // a folder's name starts its files' keys
	for _, f := range folders {
		name := filepath.Base(filepath.Clean(f))
		if other, ok := names[name]; ok {
			return nil, errors.New(T(watchSameName, map[string]any{"A": other, "B": f}))
		}
		names[name] = f
	}
	spec.Config.ResumeExisting, spec.Config.AutoResume = true, true
	spec.Config.OnConflict = unattended(spec.Config.OnConflict) // nobody is there to ask: never overwrite silently
	spec.Config.AskConflict = nil
	if o.Exclude == nil {
		o.Exclude = spec.Config.Exclude // the profile's rules (and the default excludes), as for a dropped folder
	}
	e, closers, err := Start(spec)
	if err != nil {
		return nil, err
	}
	log, err := watch.OpenLog(spec.Config.StateDir)
	if err != nil {
		closeAll(closers)
		return nil, err
	}
	w, err := watch.Start(watch.Options{Folders: folders, Engine: e, Settle: o.Settle, Rescan: o.Rescan,
		Exclude: o.Exclude, Log: log, OnDecision: o.OnDecision, StateDir: spec.Config.StateDir})
	if err != nil {
		log.Close()
		closeAll(closers)
		return nil, err
	}
	return &Watching{Engine: e, Watcher: w, Log: log, closers: closers}, nil
}

// Close stops the watcher, then the engine (it persists unfinished tasks;
// the next start resumes them), then the log.
func (w *Watching) Close() error {
	err := w.Watcher.Close()
	err = errors.Join(err, closeAll(w.closers), w.Log.Close())
	return err
}

// watchWords are the words of each decision code, translated through
// watch.<lang>.json.
var watchWords = map[watch.Code]string{
	watch.Waiting:            "waiting for the file to stop changing",
	watch.Temporary:          "temporary name ({{.pattern}}): skipped until it is renamed",
	watch.Excluded:           "excluded by the rule {{.pattern}}",
	watch.StillOpen:          "a program still has the file open for writing: waiting for it to close",
	watch.Gone:               "the file went away before it stopped changing",
	watch.Uploaded:           "uploaded and verified as {{.key}}",
	watch.UploadedUnverified: "uploaded as {{.key}}, but COS's copy could not be checked",
	watch.Identical:          "skipped: COS already has an identical {{.key}}",
	watch.Exists:             "skipped: {{.key}} already exists in COS and could not be compared",
	watch.Unchanged:          "unchanged since it was uploaded as {{.key}}: nothing sent",
	watch.Failed:             "failed: {{.reason}} (tried again at the next check)",
	watch.EventsLost:         "file-system events were lost ({{.error}}): every folder was checked again",
	watch.FolderError:        "cannot watch this folder: {{.error}} (tried again at the next check)",
	watch.LinkOutside:        "left out: a link leading outside the watched folder, to {{.target}}",
	watch.FolderGone:         "the watched folder was deleted or moved away: watching resumes if it comes back",
	watch.StateFolder:        "left out: this is CosDrop's own state folder (its upload list and this log)",
}

// Sentences of the watch besides the decisions (in watch.<lang>.json).
const (
	watchNoFolder     = "no folder to watch: name one, or add watch folders to the profile"
	watchUnknownError = "an unknown error"
	watchSameName     = "{{.A}} and {{.B}} have the same name, so their files would get the same object keys: watch one of them, or rename one"
)

// WatchText words a decision in the user's language.
func WatchText(d watch.Decision) string {
	tmpl, ok := watchWords[d.Code]
	if !ok {
		return string(d.Code)
	}
	data := map[string]any{"key": d.Key}
	for k, v := range d.Args {
		data[k] = v
	}
	if d.Code == watch.Failed {
		data["reason"] = T(watchUnknownError)
		if d.Error != nil {
			data["reason"] = Explain(*d.Error)
		}
	}
	return T(tmpl, data)
}

// WatchLogPath is where a watch over the journal in stateDir records its
// decisions (support greps it).
func WatchLogPath(stateDir string) string { return filepath.Join(stateDir, watch.LogName) }
