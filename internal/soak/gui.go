//go:build linux

package soak

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"cosdrop/localcos"
	cosession "cosdrop/session"
)

// The same soak through the window (issue 14): the real app under an X
// server (DISPLAY must name one, e.g. .ci/with-xvfb.sh), on an STS profile
// pointing at serve-local under the fault plan. A driver drops the tree's
// folders onto the window with real XDND drags (.ci/xdnd_drop.py) over
// the first four launches, SIGKILLs the app at seeded random times and
// launches it again (it resumes the journal on its own), rewrites a large
// file in place once, and when the kills are over waits for every task to end.
// The end checks are the CLI soak's (verify): every file present exactly
// once with the bytes it has now (downloaded and hashed), no multipart
// upload open, the journal consistent.

// GUIConfig is one window soak's shape: Config's tree, faults and kills
// (Bin is the GUI build of cosdrop; SmallRewriteEvery is not used: a file
// whose upload is done is never read again until dropped again).
type GUIConfig struct {
	Config
	DropScript string // .ci/xdnd_drop.py
	Python     string // the python3 with python-xlib
}

// guiProfile is the profile the window soak uploads with.
const guiProfile = "soak"

// RunGUI performs the window soak. It returns an error only when the soak
// could not be carried out; the engine's failures are in Result.Problems.
func RunGUI(ctx context.Context, cfg GUIConfig) (*Result, error) {
	if os.Getenv("DISPLAY") == "" {
		return nil, errors.New("no DISPLAY: run the window soak under an X server (.ci/with-xvfb.sh)")
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Deadline+5*time.Minute)
	defer cancel()
	st, err := setStage(ctx, cfg.Config)
	if err != nil {
		return nil, err
	}
	defer st.srv.stop()

	g := &guiDriver{cfg: cfg, cli: cli{bin: cfg.Bin, home: filepath.Join(cfg.Dir, "home")}, appData: filepath.Join(cfg.Dir, "appdata")}
	g.stateDir = filepath.Join(g.appData, cosession.WindowStateName(guiProfile))
	if err := g.setUp(ctx, st.srv); err != nil {
		return nil, err
	}
	res := &Result{}
	if g.driver, err = st.driver(g.cli, g.stateDir, res); err != nil {
		return nil, err
	}
	if g.folders, err = folders(st.root); err != nil {
		return nil, err
	}
	if err := g.loop(ctx); err != nil {
		return res, err
	}
	if err := st.finish(ctx, res, g.cli, g.stateDir); err != nil {
		return res, err
	}
	verified, unverified := rowWords(filepath.Join(cfg.OutDir, "events"))
	cfg.Logf("the window's last word on each file: %d Verified, %d NOT verified (Complete's answer lost and the credentials may not read the object)", verified, unverified)
	return res, nil
}

// rowWords counts, from the window's events file, the files whose last
// finished row said Verified and NOT verified.
func rowWords(events string) (verified, unverified int) {
	b, err := os.ReadFile(events)
	if err != nil {
		return 0, 0
	}
	last := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, "\t")
		if len(f) >= 5 && f[0] == "done" {
			last[f[2]] = f[4]
		}
	}
	for _, w := range last {
		if strings.HasPrefix(w, "Verified") {
			verified++
		} else {
			unverified++
		}
	}
	return verified, unverified
}

// guiDriver launches, drops onto, kills and relaunches the window.
type guiDriver struct {
	*driver
	cfg      GUIConfig
	cli      cli
	appData  string // COSDROP_DATA_DIR: journals
	stateDir string
	folders  []string // to drop, one per launch
	dropped  int
}

// setUp adds the STS profile (key prefix "tree/", so a dropped folder
// tree/d000 keys its files as the CLI soak does) and makes it the one the
// window opens.
func (g *guiDriver) setUp(ctx context.Context, srv *server) error {
	cmd := exec.CommandContext(ctx, g.cli.bin, "profile", "add", guiProfile, "--mode", "sts", "--bucket", localcos.DefaultBucket,
		"--region", localcos.DefaultRegion, "--endpoint", srv.endpoint, "--credential-url", srv.stsURL+"/sts", "--prefix", "tree/")
	cmd.Env = g.cli.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("cosdrop profile add: %v: %s", err, out)
	}
	prefs := filepath.Join(g.cli.home, ".config", "fyne", "io.cosdrop.app")
	if err := os.MkdirAll(prefs, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(prefs, "preferences.json"), []byte(`{"profile":"`+guiProfile+`"}`), 0o600)
}

// folders are the tree's top folders, the large files' first: they are
// still uploading when a large file is rewritten, so the rewrite meets
// parts already sent.
func folders(root string) ([]string, error) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		switch {
		case e.IsDir() && e.Name() == "large":
			out = append([]string{filepath.Join(root, e.Name())}, out...)
		case e.IsDir():
			out = append(out, filepath.Join(root, e.Name()))
		}
	}
	return out, nil
}

func (g *guiDriver) loop(ctx context.Context) error {
	for n := 1; ; n++ {
		if time.Since(g.start) > g.cfg.Deadline {
			g.res.Problems = append(g.res.Problems, fmt.Sprintf("the uploads had not finished after %v (%d launches, %d kills)", g.cfg.Deadline, n-1, g.res.Kills))
			return nil
		}
		rec, err := g.oneLaunch(ctx, n)
		if err != nil {
			return err
		}
		g.res.Runs = append(g.res.Runs, rec)
		if !rec.killed {
			return nil
		}
		g.res.Kills++
		if err := g.rewrite(ctx, &g.res.Runs[len(g.res.Runs)-1]); err != nil {
			return err
		}
	}
}

// oneLaunch starts the app, drops the next folders,
// then kills it at a seeded random time while kills are due, unless every
// folder is dropped and every task has ended first; then it stops the app.
func (g *guiDriver) oneLaunch(ctx context.Context, n int) (runRecord, error) {
	rec := runRecord{n: n}
	heldBefore, err := g.held.measure(ctx)
	if err != nil {
		return rec, err
	}
	app, err := g.startApp(filepath.Join(g.cfg.OutDir, fmt.Sprintf("app-%03d.log", n)))
	if err != nil {
		return rec, err
	}
	defer app.kill() // on every error path; harmless once dead
	win, err := g.waitWindow(ctx, app)
	if err != nil {
		return rec, err
	}
	if err := g.dropNext(ctx, app, win, n); err != nil {
		return rec, err
	}
	var timer <-chan time.Time
	killsDue := g.res.Kills < g.cfg.MaxKills && time.Since(g.start) < g.cfg.KillWindow
	if killsDue || g.dropped < len(g.folders) {
		span := g.cfg.KillMax - g.cfg.KillMin
		timer = time.After(g.cfg.KillMin + time.Duration(g.rng.Int64N(int64(span)+1)))
	}
	// Once every folder is dropped, the launch also ends when every task
	// has: like the CLI soak's run that exits 0 before its kill.
	var done <-chan error
	if g.dropped == len(g.folders) {
		lctx, stop := context.WithCancel(ctx) // the poll ends with the launch
		defer stop()
		done = g.waitAllEnded(lctx)
	}
	hard := time.After(time.Until(g.start.Add(g.cfg.Deadline)) + time.Second)
	var killAt time.Time
	select {
	case <-app.dead:
		return rec, fmt.Errorf("launch %d: the app exited on its own (%v): %s", n, app.err, tail(app.out.Name(), 3000))
	case <-timer:
		killAt = time.Now()
		if err := app.kill(); err != nil {
			return rec, err
		}
		rec.killed, rec.exit = true, 137
	case err := <-done:
		if err != nil {
			return rec, err
		}
		_ = app.kill() // the journal is final; a kill is as good a quit as any
	case <-hard:
		return rec, fmt.Errorf("launch %d still going at the soak's deadline", n)
	case <-ctx.Done():
		return rec, ctx.Err()
	}
	if err := appLogClean(app.out.Name()); err != nil {
		g.res.Problems = append(g.res.Problems, fmt.Sprintf("launch %d: %v", n, err))
	}
	end := time.Now()
	rec.dur = end.Sub(app.start)
	if _, err := g.srv.settle(ctx, time.Second, waitBound); err != nil {
		return rec, err
	}
	settled := time.Now()
	heldAfter, err := g.held.measure(ctx)
	if err != nil {
		return rec, err
	}
	g.account(&rec, app.start, killAt, end, settled, heldAfter-heldBefore)
	g.cfg.Logf("launch %d: %s after %v; server read %s of bodies, held +%s, cut by the kill %s, resent %s",
		n, map[bool]string{true: "killed", false: "all tasks ended"}[rec.killed], rec.dur.Round(time.Millisecond),
		mib(rec.received), mib(rec.progress), mib(rec.cut), mib(rec.resent))
	return rec, nil
}

// dropNext drops the next folders, if any are left: every folder is
// dropped within the first four launches, several at once (one drag) when
// there are more.
func (g *guiDriver) dropNext(ctx context.Context, app *guiApp, win string, n int) error {
	if g.dropped >= len(g.folders) {
		return nil
	}
	per := (len(g.folders) + 3) / 4
	batch := g.folders[g.dropped:min(len(g.folders), g.dropped+per)]
	want := 0
	names := make([]string, len(batch))
	for i, f := range batch {
		want += g.countUnder(f)
		names[i] = filepath.Base(f)
	}
	if err := g.drop(ctx, app, win, batch, want); err != nil {
		return err
	}
	g.dropped += len(batch)
	g.cfg.Logf("launch %d: dropped %s (%d files)", n, strings.Join(names, ", "), want)
	return nil
}

// guiApp is one launch of the window.
type guiApp struct {
	cmd   *exec.Cmd
	out   *os.File
	start time.Time
	dead  chan struct{} // closed when the process has exited
	err   error         // its Wait error, once dead
}

// kill SIGKILLs the app's process group (if still running) and waits.
func (a *guiApp) kill() error {
	select {
	case <-a.dead:
		return nil
	default:
	}
	syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-a.dead:
		return nil
	case <-time.After(waitBound):
		return fmt.Errorf("the app (pid %d) did not die within %v of SIGKILL", a.cmd.Process.Pid, waitBound)
	}
}

// startApp launches the window in its own process group, with the soak's
// home, data directory and events file.
func (g *guiDriver) startApp(logPath string) (*guiApp, error) {
	out, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(g.cli.bin)
	cmd.Env = append(g.cli.env(), "DISPLAY="+os.Getenv("DISPLAY"), "COSDROP_DATA_DIR="+g.appData,
		"COSDROP_TEST_EVENTS="+filepath.Join(g.cfg.OutDir, "events"))
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("start the window: %w", err)
	}
	a := &guiApp{cmd: cmd, out: out, start: time.Now(), dead: make(chan struct{})}
	go func() { a.err = cmd.Wait(); out.Close(); close(a.dead) }()
	return a, nil
}

// waitWindow waits (bounded) for the app's window and returns its X id.
func (g *guiDriver) waitWindow(ctx context.Context, app *guiApp) (string, error) {
	deadline := time.Now().Add(waitBound)
	for time.Now().Before(deadline) {
		out, _ := exec.CommandContext(ctx, "xdotool", "search", "--onlyvisible", "--pid", fmt.Sprint(app.cmd.Process.Pid), "--name", "^CosDrop$").Output()
		if f := strings.Fields(string(out)); len(f) > 0 {
			return f[0], nil
		}
		select {
		case <-app.dead:
			return "", fmt.Errorf("the app exited before showing its window (%v): %s", app.err, tail(app.out.Name(), 3000))
		case <-time.After(100 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("no CosDrop window within %v", waitBound)
}

// drop drags paths onto the window in one drag (retried while the window
// does not yet take drops), then waits (bounded) until the journal holds
// want tasks more under them: the drop is recorded, so a kill cannot lose
// it.
func (g *guiDriver) drop(ctx context.Context, app *guiApp, win string, paths []string, want int) error {
	before, err := g.tasksUnder(ctx, paths)
	if err != nil {
		return err
	}
	var last []byte
	ok := false
	for try := 0; try < 20 && !ok; try++ {
		cmd := exec.CommandContext(ctx, g.cfg.Python, append([]string{g.cfg.DropScript, win, "400", "350"}, paths...)...)
		cmd.Env = append(os.Environ(), "DISPLAY="+os.Getenv("DISPLAY"))
		last, err = cmd.CombinedOutput()
		ok = err == nil
		if !ok {
			time.Sleep(250 * time.Millisecond) // the window is not ready for drops yet; bounded by the tries
		}
	}
	if !ok {
		return fmt.Errorf("drop %v: %s", paths, last)
	}
	deadline := time.Now().Add(waitBound)
	for time.Now().Before(deadline) {
		n, err := g.tasksUnder(ctx, paths)
		if err != nil {
			return err
		}
		if n-before >= want {
			return nil
		}
		select {
		case <-app.dead:
			return fmt.Errorf("the app exited after the drop of %v (%v): %s", paths, app.err, tail(app.out.Name(), 3000))
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("the drop of %v did not reach the journal within %v (%d tasks before, %d wanted)", paths, waitBound, before, want)
}

// tasksUnder counts the journal's tasks for paths or files under them (the
// live window answers `cosdrop status` through its socket).
func (g *guiDriver) tasksUnder(ctx context.Context, paths []string) (int, error) {
	tasks, err := g.cli.status(ctx, g.stateDir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range tasks {
		for _, p := range paths {
			if t.Path == p || strings.HasPrefix(t.Path, p+string(filepath.Separator)) {
				n++
			}
		}
	}
	return n, nil
}

// countUnder is how many of the tree's files are under dir.
func (g *guiDriver) countUnder(dir string) int {
	parent := filepath.Dir(g.root)
	n := 0
	for _, f := range g.files {
		if strings.HasPrefix(filepath.Join(parent, f.rel), dir+string(filepath.Separator)) {
			n++
		}
	}
	return n
}

// waitAllEnded reports when every file's newest task has ended (done,
// skipped, failed or canceled).
func (g *guiDriver) waitAllEnded(ctx context.Context) <-chan error {
	ch := make(chan error, 1)
	go func() {
		for {
			tasks, err := g.cli.status(ctx, g.stateDir)
			if err != nil {
				ch <- err
				return
			}
			newest := map[string]journalTask{}
			for _, t := range tasks {
				if o, ok := newest[t.Path]; !ok || t.Task > o.Task {
					newest[t.Path] = t
				}
			}
			ended := len(newest) >= len(g.files)
			for _, t := range newest {
				switch t.State {
				case "done", "skipped", "failed", "canceled":
				default:
					ended = false
				}
			}
			if ended {
				ch <- nil
				return
			}
			select {
			case <-ctx.Done():
				ch <- ctx.Err()
				return
			case <-time.After(500 * time.Millisecond): // polling interval; the soak's deadline bounds it
			}
		}
	}()
	return ch
}

// rewrite changes, once (after kill LargeRewriteAtKill), the large file
// the journal credits most without having finished it, as the CLI soak
// does: the engine must notice on resuming that the parts it sent are
// stale. A file changed after its upload finished is never read again
// until the user drops it again, so when every large file is done there
// is nothing to rewrite.
func (g *guiDriver) rewrite(ctx context.Context, rec *runRecord) error {
	if g.cfg.LargeRewriteAtKill == 0 || g.res.Kills != g.cfg.LargeRewriteAtKill {
		return nil
	}
	tasks, err := g.cli.status(ctx, g.stateDir)
	if err != nil {
		return err
	}
	cred := credits(tasks)
	parent := filepath.Dir(g.root)
	open := false
	for _, f := range g.files {
		if c, ok := cred[filepath.Join(parent, f.rel)]; f.large && (!ok || c < f.size) {
			open = true
		}
	}
	if !open {
		g.cfg.Logf("kill %d: every large file is uploaded already; nothing to rewrite", g.res.Kills)
		return nil
	}
	saved := g.driver.cfg.SmallRewriteEvery
	g.driver.cfg.SmallRewriteEvery = 0
	err = g.maybeRewrite(ctx, rec)
	g.driver.cfg.SmallRewriteEvery = saved
	return err
}

// appLogClean fails on a panic or a Fyne call from the wrong goroutine in
// the app's log.
func appLogClean(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	for _, bad := range []string{"panic:", "fatal error:", "Error in Fyne call thread"} {
		if i := strings.Index(s, bad); i >= 0 {
			return fmt.Errorf("the app's log has %q: %s", bad, s[i:min(len(s), i+2000)])
		}
	}
	return nil
}
