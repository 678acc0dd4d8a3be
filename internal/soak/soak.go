//go:build linux

package soak

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"cosdrop/internal/linesim"
	"cosdrop/localcos"
)

// waitBound bounds each wait of the driver for something it can observe
// (serve-local's addresses, the server settling after a run, the window,
// a drop reaching the journal, a stats answer). It only ends a soak that
// is stuck: make test runs the short soaks beside other work, where these
// take far longer than alone, and a slow machine is not a soak failure.
// (Config.Deadline is the soak's own bound on the uploads.)
const waitBound = 3 * time.Minute

// Config is one soak's shape.
type Config struct {
	Bin         string        // the cosdrop binary
	Dir         string        // scratch: tree, server data, journal (large)
	OutDir      string        // logs of every run and of the server
	Seed        uint64        // drives sizes, contents, kill times and rewrites
	Small       int           // small files
	MaxSmall    int64         // largest small file
	Large       int           // large files
	LargeSize   int64         // size of each large file
	PartSize    int64         // the engine's part size (--part-size unless Defaults)
	Concurrency int           // --concurrency unless Defaults
	Defaults    bool          // pass neither --part-size nor --concurrency: the engine's defaults
	LineRTT     time.Duration // the line's round trip (internal/linesim)
	LineRate    int64         // the line's upstream bytes per second; 0: no line, straight to the server
	// KillBound is the most bytes a kill may cost, the bound the engine
	// claims for this setting (BoundWhy says which); a kill over it fails
	// the soak. 0: no bound (the window soak).
	KillBound          int64
	BoundWhy           string
	MinKills           int           // kills continue past KillWindow until this many landed
	KillMin, KillMax   time.Duration // kill after a uniform delay in [KillMin, KillMax]
	KillWindow         time.Duration // no kill is started after this much soak time
	MaxKills           int           // and no more than this many
	Deadline           time.Duration // the soak fails if it has not ended by then
	MaxFailedRuns      int           // runs that exit non-zero on their own before the soak gives up
	SmallRewriteEvery  int           // rewrite a small file after every Nth kill (0 never)
	LargeRewriteAtKill int           // rewrite a large file in place after this kill (0 never)
	Skew               time.Duration // the server's clock shift (the plan's skew=)
	// CompleteKills is how many kills are aimed at a CompleteMultipartUpload
	// in flight (issue 20: COS finishes it after the client died): until
	// that many landed, a run is also killed as soon as `cosdrop status`
	// shows a task "completing" (the plan stalls Complete so it can be seen),
	// also after KillWindow while fewer than MaxKills landed.
	CompleteKills int
	// InitiateKills is how many kills are aimed at an
	// InitiateMultipartUpload in flight: until that many landed, a run is
	// also killed as soon as the server shows one in flight (the plan
	// stalls Initiate so it can be seen; the server makes the upload after
	// the client died, and only the journal's record of the Initiate can
	// tell the rerun that upload is its own).
	InitiateKills int
	Faults        string // serve-local --faults plan (its seed and skew are added)
	Logf          func(format string, args ...any)
}

// runRecord is what one `cosdrop upload` run did.
type runRecord struct {
	n                   int
	killed              bool
	duringComplete      bool // killed while a task was completing
	duringInitiate      bool // killed while an Initiate was in flight
	exit                int
	dur                 time.Duration
	received            int64 // PutObject/UploadPart body bytes the server read during the run and its settling
	progress            int64 // growth of the server's usable holdings of the tree (see holdings)
	faultWaste          int64 // bodies before the kill that the fault plan reset or refused
	abandoned           int64 // bodies before the kill the client stopped sending (400 IncompleteBody)
	cut                 int64 // non-200 bodies after the kill: requests the kill cut off
	resent              int64 // 200 bodies that added nothing the server did not hold already
	rewroteSmall, large string
}

// Result is a finished soak's figures and verdicts.
type Result struct {
	Runs          []runRecord
	Kills         int
	CompleteKills int // kills that landed while Complete was in flight
	InitiateKills int // kills that landed while an Initiate was in flight
	FailedRuns    int // runs that exited non-zero on their own
	Stats         localcos.Stats
	Needed        int64 // bytes of the tree as it is at the end
	Files         int
	Wall          time.Duration
	InFlightBound int64  // the most a kill may cost (Config.KillBound)
	BoundWhy      string // what the bound is
	Problems      []string
	Verified      verifyResult
}

// Run performs the soak. It returns an error only when the soak could not
// be carried out; the engine's failures are in Result.Problems.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Deadline+5*time.Minute)
	defer cancel()
	st, err := setStage(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.stop()
	c := cli{bin: cfg.Bin, home: filepath.Join(cfg.Dir, "home")}
	stateDir := filepath.Join(cfg.Dir, "state")
	args := []string{"--endpoint", st.endpoint, "--sts-url", st.srv.stsURL + "/sts", "--state-dir", stateDir, "--json"}
	if !cfg.Defaults {
		args = append(args, "--part-size", fmt.Sprint(cfg.PartSize), "--concurrency", fmt.Sprint(cfg.Concurrency))
	}
	args = append(args, st.root)
	res := &Result{InFlightBound: cfg.KillBound, BoundWhy: cfg.BoundWhy}
	d, err := st.driver(c, stateDir, res)
	if err != nil {
		return nil, err
	}
	d.args = args
	if err := d.loop(ctx); err != nil {
		return res, err
	}
	return res, st.finish(ctx, res, c, stateDir)
}

// stage is what both soaks (the CLI's and the window's) set up before they
// drive an uploader, and check after: the tree, the server with its fault
// plan, and the credentials to read it back.
type stage struct {
	cfg     Config
	start   time.Time
	rng     *mrand.Rand
	root    string // the tree's folder
	files   []treeFile
	id, key string // the server's permanent key
	dataDir string // the server's objects
	srv     *server
	// endpoint is where the uploader sends COS requests: the line before
	// the server when Config.LineRate is set, else the server itself.
	endpoint string
	line     *linesim.Line
}

// setStage writes the tree and starts the faulty server; the caller stops
// st.srv.
func setStage(ctx context.Context, cfg Config) (*stage, error) {
	st := &stage{cfg: cfg, start: time.Now(), rng: mrand.New(mrand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))}
	for _, d := range []string{cfg.Dir, cfg.OutDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	st.root = filepath.Join(cfg.Dir, "tree")
	var err error
	if st.files, err = makeTree(st.root, cfg.Small, cfg.MaxSmall, cfg.Large, cfg.LargeSize, st.rng); err != nil {
		return nil, fmt.Errorf("write the tree: %w", err)
	}
	cfg.Logf("tree: %d small files (0..%d bytes), %d x %d bytes", cfg.Small, cfg.MaxSmall, cfg.Large, cfg.LargeSize)

	st.id, st.key = "AKIDsoak"+randHex(14), randHex(16)
	st.dataDir = filepath.Join(cfg.Dir, "cos")
	plan := fmt.Sprintf("seed=%d;skew=%s;%s", cfg.Seed, cfg.Skew, cfg.Faults)
	if st.srv, err = startServer(ctx, cfg.Bin, st.dataDir, plan, st.id, st.key, filepath.Join(cfg.OutDir, "server.log")); err != nil {
		return nil, err
	}
	cfg.Logf("serve-local %s (credentials %s) --faults %q", st.srv.endpoint, st.srv.stsURL, plan)
	st.endpoint = st.srv.endpoint
	if cfg.LineRate > 0 {
		if st.line, err = startLine(st.srv.endpoint, cfg.LineRTT, cfg.LineRate); err != nil {
			st.srv.stop()
			return nil, err
		}
		st.endpoint = st.line.URL()
		cfg.Logf("line %s: %v round trip, %s/s upstream (internal/linesim)", st.endpoint, cfg.LineRTT, mib(cfg.LineRate))
	}
	return st, nil
}

// driver is a driver of uploads on the stage, recording into res.
func (st *stage) driver(c cli, stateDir string, res *Result) (*driver, error) {
	cc, err := newCOS(st.srv.endpoint, st.id, st.key, st.cfg.Skew)
	if err != nil {
		return nil, err
	}
	return &driver{cfg: st.cfg, rng: st.rng, srv: st.srv, cli: c, stateDir: stateDir, res: res, files: st.files, root: st.root, start: st.start,
		held: &holdings{c: cc, parent: filepath.Dir(st.root), files: st.files, partSize: st.cfg.PartSize}}, nil
}

// finish waits for the server to settle, stops it, and checks everything
// with a fresh server on the same data and no faults (so downloads are
// neither capped nor broken): every object against its file, and the
// journal in stateDir as `cosdrop status` reads it.
func (st *stage) finish(ctx context.Context, res *Result, c cli, stateDir string) error {
	var err error
	if res.Stats, err = st.srv.settle(ctx, time.Second, waitBound); err != nil {
		return err
	}
	st.srv.stop()
	res.Wall = time.Since(st.start)
	vsrv, err := startServer(ctx, st.cfg.Bin, st.dataDir, "", st.id, st.key, filepath.Join(st.cfg.OutDir, "verify-server.log"))
	if err != nil {
		return err
	}
	defer vsrv.stop()
	tasks, err := c.status(ctx, stateDir)
	if err != nil {
		return err
	}
	if res.Verified, err = verify(ctx, vsrv.endpoint, st.id, st.key, filepath.Dir(st.root), st.files, tasks); err != nil {
		return err
	}
	res.Files, res.Needed = len(st.files), res.Verified.needed
	res.Problems = append(res.Problems, res.Verified.problems...)
	return nil
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// driver runs, kills and restarts the uploader.
type driver struct {
	cfg      Config
	rng      *mrand.Rand
	srv      *server
	cli      cli
	stateDir string
	args     []string
	res      *Result
	files    []treeFile
	root     string
	start    time.Time
	held     *holdings
}

func (d *driver) loop(ctx context.Context) error {
	for n := 1; ; n++ {
		if time.Since(d.start) > d.cfg.Deadline {
			d.res.Problems = append(d.res.Problems, fmt.Sprintf("the upload had not finished after %v (%d runs, %d kills)", d.cfg.Deadline, n-1, d.res.Kills))
			return nil
		}
		rec, err := d.oneRun(ctx, n)
		if err != nil {
			return err
		}
		d.res.Runs = append(d.res.Runs, rec)
		switch {
		case rec.killed:
			d.res.Kills++
			if rec.duringComplete {
				d.res.CompleteKills++
			}
			if rec.duringInitiate {
				d.res.InitiateKills++
			}
			if err := d.maybeRewrite(ctx, &d.res.Runs[len(d.res.Runs)-1]); err != nil {
				return err
			}
		case rec.exit == 0:
			return nil
		default:
			d.res.FailedRuns++
			log := filepath.Join(d.cfg.OutDir, fmt.Sprintf("run-%03d.log", n))
			d.res.Problems = append(d.res.Problems, fmt.Sprintf("run %d exited %d on its own (not killed):\n%s", n, rec.exit, failures(log)))
			if d.res.FailedRuns >= d.cfg.MaxFailedRuns {
				d.res.Problems = append(d.res.Problems, fmt.Sprintf("the uploader failed on its own %d times; the soak stopped rerunning it (the end check below shows where it stood)", d.res.FailedRuns))
				return nil
			}
		}
	}
}

// oneRun starts the upload, kills it at a seeded random time (while kills
// are due), and accounts the bytes the server received during the run.
func (d *driver) oneRun(ctx context.Context, n int) (runRecord, error) {
	rec := runRecord{n: n}
	heldBefore, err := d.held.measure(ctx)
	if err != nil {
		return rec, err
	}
	stBefore, err := d.srv.stats(ctx)
	if err != nil {
		return rec, err
	}
	logPath := filepath.Join(d.cfg.OutDir, fmt.Sprintf("run-%03d.log", n))
	run, err := d.cli.startUpload(d.args, logPath)
	if err != nil {
		return rec, err
	}
	var timer <-chan time.Time
	if d.res.Kills < d.cfg.MaxKills && (time.Since(d.start) < d.cfg.KillWindow || d.res.Kills < d.cfg.MinKills) {
		span := d.cfg.KillMax - d.cfg.KillMin
		delay := d.cfg.KillMin + time.Duration(d.rng.Int64N(int64(span)+1))
		timer = time.After(delay)
	}
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	completing, initiating := d.aims(wctx)
	hard := time.After(time.Until(d.start.Add(d.cfg.Deadline)) + time.Second)
	var killAt time.Time
	kill, aimed, what := true, (*bool)(nil), "" // aimed: the kill landed while what was in flight
	select {
	case err := <-run.exit:
		rec.exit, kill = exitCode(err), false
	case <-timer:
	case <-completing:
		aimed, what = &rec.duringComplete, "Complete"
	case <-initiating:
		aimed, what = &rec.duringInitiate, "Initiate"
	case <-hard:
		run.kill()
		return rec, fmt.Errorf("run %d still going at the soak's deadline", n)
	case <-ctx.Done():
		run.kill()
		return rec, ctx.Err()
	}
	if kill && aimed == nil && d.initiating(ctx) {
		// The timer won the race with the watcher's next look: the kill
		// lands during Initiate all the same.
		aimed, what = &rec.duringInitiate, "Initiate"
	}
	if kill {
		killAt = time.Now()
		if err := run.kill(); err != nil {
			return rec, err
		}
		rec.killed, rec.exit = true, 137
		if aimed != nil {
			*aimed = true
			d.cfg.Logf("run %d: killed while %s was in flight", n, what)
		}
	}
	end := time.Now()
	rec.dur = end.Sub(run.start)
	stAfter, err := d.srv.settle(ctx, time.Second, waitBound)
	if err != nil {
		return rec, err
	}
	settled := time.Now()
	heldAfter, err := d.held.measure(ctx)
	if err != nil {
		return rec, err
	}
	d.account(&rec, run.start, killAt, end, settled, heldAfter-heldBefore)
	d.cfg.Logf("run %d: %s after %v; server read %s of bodies (%s in all), held +%s, reset/refused by faults %s, abandoned by the client %s, cut by the kill %s, resent %s; faults so far %v",
		n, map[bool]string{true: "killed", false: "exited " + itoa(rec.exit)}[rec.killed], rec.dur.Round(time.Millisecond),
		mib(rec.received), mib(stAfter.BytesReceived-stBefore.BytesReceived), mib(rec.progress), mib(rec.faultWaste), mib(rec.abandoned), mib(rec.cut), mib(rec.resent), stAfter.Faults)
	return rec, nil
}

// aims returns, while kills aimed at them are still due, channels that
// signal a Complete in flight and an Initiate in flight (nil otherwise).
func (d *driver) aims(ctx context.Context) (completing, initiating <-chan struct{}) {
	if d.res.Kills >= d.cfg.MaxKills {
		return nil, nil
	}
	if d.res.CompleteKills < d.cfg.CompleteKills {
		completing = d.watchComplete(ctx)
	}
	if d.res.InitiateKills < d.cfg.InitiateKills {
		initiating = d.watchInitiate(ctx)
	}
	return completing, initiating
}

// initiating reports whether the server is handling an
// InitiateMultipartUpload now (the plan's stall holds it there).
func (d *driver) initiating(ctx context.Context) bool {
	st, err := d.srv.stats(ctx)
	return err == nil && st.InFlight["InitiateMultipartUpload"] > 0
}

// watchInitiate polls the server's counters and signals once an
// InitiateMultipartUpload is in flight.
func (d *driver) watchInitiate(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		for ctx.Err() == nil {
			if d.initiating(ctx) {
				close(ch)
				return
			}
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond): // polling interval, well inside the plan's stall
			}
		}
	}()
	return ch
}

// watchComplete polls the journal (`cosdrop status`, which reads it while
// the upload runs) and signals once a task is "completing" that was not
// at the first look (a task a kill left completing reads so until the
// rerun settles it).
func (d *driver) watchComplete(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		var stale map[uint64]bool
		for ctx.Err() == nil {
			tasks, err := d.cli.status(ctx, d.stateDir)
			if err == nil {
				now := map[uint64]bool{}
				for _, t := range tasks {
					if t.State == "completing" {
						now[t.Task] = true
					}
				}
				if stale == nil {
					stale = now
				}
				for id := range now {
					if !stale[id] {
						close(ch)
						return
					}
				}
			}
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond): // polling interval; the run's kill timer bounds it
			}
		}
	}()
	return ch
}

// account fills rec's byte ledger. The server's log says which body bytes
// it read and how each request was answered; holdings say how much of the
// tree the server holds usably before and after the run. A body answered
// with an error before the kill is the fault plan's doing; one answered
// with an error after the kill was cut off by it; a body answered 200 that
// did not grow the holdings was sent again.
func (d *driver) account(rec *runRecord, start, killAt, end, settled time.Time, progress int64) {
	cutoff := end
	if !killAt.IsZero() {
		cutoff = killAt
	}
	ok1, ab1, failed1 := d.srv.log.window(start, cutoff)
	ok2, ab2, failed2 := d.srv.log.window(cutoff, settled.Add(time.Millisecond))
	rec.received = ok1 + ab1 + failed1 + ok2 + ab2 + failed2
	rec.faultWaste, rec.abandoned = failed1, ab1
	rec.cut = ab2 + failed2
	rec.progress = progress
	rec.resent = rec.received - rec.faultWaste - rec.abandoned - rec.cut - rec.progress
}

// maybeRewrite changes files between runs: a small file after every
// SmallRewriteEvery-th kill, and once a large file in place, every byte,
// same inode and size (the unfinished one the journal credits most, so
// resuming its parts blindly would corrupt it). A whole rewrite keeps the
// byte ledger fair: no part of the old upload still matches.
func (d *driver) maybeRewrite(ctx context.Context, rec *runRecord) error {
	k := d.res.Kills
	parent := filepath.Dir(d.root)
	if d.cfg.SmallRewriteEvery > 0 && k%d.cfg.SmallRewriteEvery == 0 {
		var small []treeFile
		for _, f := range d.files {
			if !f.large {
				small = append(small, f)
			}
		}
		f := small[d.rng.IntN(len(small))]
		p := filepath.Join(parent, f.rel)
		if err := writeRandom(p, d.rng.Int64N(d.cfg.MaxSmall+1), d.rng); err != nil {
			return err
		}
		rec.rewroteSmall = f.rel
		d.cfg.Logf("rewrote small file %s", f.rel)
	}
	if d.cfg.LargeRewriteAtKill > 0 && k == d.cfg.LargeRewriteAtKill {
		tasks, err := d.cli.status(ctx, d.stateDir)
		if err != nil {
			return err
		}
		cred := credits(tasks)
		var pick treeFile
		var best int64 = -1
		for _, f := range d.files {
			// The large file with the most credited but unfinished bytes.
			if c := cred[filepath.Join(parent, f.rel)]; f.large && c < f.size && c > best {
				pick, best = f, c
			}
		}
		if pick.rel == "" {
			for _, f := range d.files {
				if f.large {
					pick, best = f, 0
				}
			}
		}
		p := filepath.Join(parent, pick.rel)
		if err := overwriteInPlace(p, 0, pick.size, d.rng); err != nil {
			return err
		}
		rec.large = pick.rel
		d.cfg.Logf("rewrote large file %s in place, every byte (the journal credited %d bytes of it)", pick.rel, best)
	}
	return nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
