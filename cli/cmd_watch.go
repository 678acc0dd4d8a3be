package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"cosdrop/profile"
	"cosdrop/session"
	"cosdrop/uploader"
	"cosdrop/watch"
)

func init() {
	register("watch", "Upload new and changed files of folders as they settle, until stopped", runWatch)
}

var watchSynopsis = "[--profile P | --endpoint URL --bucket B --region R] [--prefix T] [--sts-url U] " +
	"[--concurrency N] [--part-size SIZE] [--limit RATE] [--on-conflict " + strings.Join(profile.PolicyNames(false), "|") + "] " +
	"[--settle 3s] [--rescan 1m] [--state-dir DIR] [--json] [--set-aside-damaged] [DIR...]"

type watchFlags struct {
	uploadFlags
	settle, rescan time.Duration
}

func runWatch(args []string) int {
	var f watchFlags
	fs := newFlagSet("watch", watchSynopsis)
	f.register(fs, tr("profile to upload with (see 'cosdrop profile'); without DIR, its watch folders"))
	fs.DurationVar(&f.settle, "settle", watch.DefaultSettle, tr("how long a file's size and time must stay unchanged before it is uploaded"))
	fs.DurationVar(&f.rescan, "rescan", watch.DefaultRescan, tr("how often every folder is checked again, in case file-system events were lost"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	for _, d := range fs.Args() {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			// Printed as is: a path is the user's own words (ErrText
			// would redact a long random-looking one).
			fmt.Fprintf(os.Stderr, "%s "+tr("%s is not a folder")+"\n", tr("Error:"), safe(d))
			return 2
		}
	}
	folders, err := watchFolders(f, fs.Args())
	if err != nil {
		errLine(err)
		return 2
	}
	spec, err := watchConfig(f)
	if err != nil {
		errLine(err)
		return 2
	}
	out := newWatchOutput(os.Stdout, f.json)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := session.WatchOptions{OnDecision: out.decision, Settle: f.settle, Rescan: f.rescan}
	w, err := session.StartWatch(spec, folders, opts)
	if err != nil && session.IsDamaged(err) && f.setAside {
		res, aerr := session.SetAsideJournal(spec.Config.StateDir)
		if aerr != nil {
			fmt.Fprintln(os.Stderr, tr("Error:"), session.ErrText(aerr))
			return 1
		}
		fmt.Fprintln(os.Stderr, session.SetAsideText(res))
		if spec, err = watchConfig(f); err == nil {
			w, err = session.StartWatch(spec, folders, opts)
		}
	}
	if err != nil {
		errLine(err)
		return 1
	}
	out.started(w.Watcher.Folders(), spec.Config.StateDir, w.Log.Path())
	followBandwidth(ctx, f.uploadFlags, spec, w.Engine) // cmd_bwlimit.go: --bwlimit or the profile's timetable
	<-ctx.Done()
	if err := w.Close(); err != nil {
		errLine(err)
		return 1
	}
	out.stopped()
	return 0
}

// watchFolders returns the folders to watch: the named ones (which must
// be folders now: a typo should not wait silently), or the profile's.
// (The exclude rules are the engine's: StartWatch applies them.)
func watchFolders(f watchFlags, named []string) ([]string, error) {
	if f.settle <= 0 || f.rescan <= 0 {
		return nil, errors.New(tr("--settle and --rescan must be positive durations, e.g. 3s and 1m"))
	}
	if f.profile == "" || f.profile == session.SandboxName {
		if len(named) == 0 {
			return nil, errors.New(tr("Name at least one folder to watch, or a profile with watch folders."))
		}
		return named, nil
	}
	p, err := profile.NewProfiles(profile.ConfigDir()).Get(f.profile)
	if err != nil {
		return nil, err
	}
	if len(named) > 0 {
		return named, nil
	}
	if len(p.WatchFolders) == 0 {
		return nil, fmt.Errorf(tr("profile %s has no watch folders: name a folder, or add some in the window"), p.Name)
	}
	return p.WatchFolders, nil
}

// watchConfig is uploadConfig with the watch's own journal: "watch-P"
// for a profile (shared with the window's watch of P, whose lock keeps
// the two from running at once), "watch-endpoint-..." for an endpoint.
func watchConfig(f watchFlags) (session.Engine, error) {
	if f.profile == session.SandboxName {
		// The Sandbox's objects live in one folder that only one server
		// may serve: while the window has the Sandbox open (its journal
		// is held), a second server must not start on them.
		if _, err := uploader.JournalBucket(filepath.Join(session.DefaultDataDir(), session.WindowStateName(session.SandboxName))); err != nil {
			return session.Engine{}, err
		}
	}
	own := f.stateDir == ""
	if own && f.profile != "" {
		f.stateDir = filepath.Join(session.DefaultDataDir(), session.WatchStateName(f.profile))
	}
	spec, err := uploadConfig(f.uploadFlags)
	if err != nil {
		return spec, err
	}
	if own && f.profile == "" {
		sd := spec.Config.StateDir
		spec.Config.StateDir = filepath.Join(filepath.Dir(sd), "watch-"+filepath.Base(sd))
	}
	return spec, nil
}

// watchOutput prints one line (or one JSON event) per decision.
type watchOutput struct {
	mu   sync.Mutex
	w    io.Writer
	json bool
	enc  *json.Encoder
}

func newWatchOutput(w io.Writer, asJSON bool) *watchOutput {
	return &watchOutput{w: w, json: asJSON, enc: json.NewEncoder(w)}
}

// watchEvent is one --json line: a decision with its words, or the
// start and end of the watch.
type watchEvent struct {
	Event string `json:"event"`
	*watch.Decision
	Text     string    `json:"text,omitempty"`
	At       time.Time `json:"at,omitzero"`
	Folders  []string  `json:"folders,omitempty"`
	StateDir string    `json:"state_dir,omitempty"`
	Log      string    `json:"log,omitempty"`
}

func (o *watchOutput) decision(d watch.Decision) {
	o.mu.Lock()
	defer o.mu.Unlock()
	text := session.WatchText(d)
	if o.json {
		o.enc.Encode(watchEvent{Event: "decision", Decision: &d, Text: text})
		return
	}
	fmt.Fprintf(o.w, "%s %-9s %s: %s\n", d.Time.Format("15:04:05"), d.Code, d.Path, text)
}

func (o *watchOutput) started(folders []string, stateDir, log string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.json {
		o.enc.Encode(watchEvent{Event: "started", At: time.Now(), Folders: folders, StateDir: stateDir, Log: log})
		return
	}
	fmt.Fprintf(os.Stderr, tr("Watching %d folder(s); decisions are also recorded in %s. Press Ctrl+C to stop.")+"\n", len(folders), log)
}

func (o *watchOutput) stopped() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.json {
		o.enc.Encode(watchEvent{Event: "stopped", At: time.Now()})
		return
	}
	fmt.Fprintln(os.Stderr, tr("Stopped watching. Files not uploaded yet are found again at the next start."))
}
