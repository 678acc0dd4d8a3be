package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/profile"
	"cosdrop/uploader"
)

// SandboxName is the built-in profile that uploads to an in-process local
// COS server, so the app works before anyone has an account.
const SandboxName = "Sandbox"

// SandboxFaultsEnv holds a localcos fault plan for the Sandbox server, in
// the text form of localcos.ParseFaults (e.g. "bandwidth=400KiB").
const SandboxFaultsEnv = "COSDROP_SANDBOX_FAULTS"

// OpenTimeout bounds opening a profile (keyring and credential server).
const OpenTimeout = 30 * time.Second

// The Sandbox's bucket and region: any well-formed values work, the
// server is ours. Exported for receipts and diagnostics.
const (
	SandboxBucket = "sandbox-1250000000"
	SandboxRegion = "ap-guangzhou"
)

// Session is one opened profile: its running engine and whatever must
// close with it (the credential refresher, the Sandbox's server, the
// status socket). Close it exactly once; further calls return nil.
type Session struct {
	Name       string
	Profile    profile.Profile // zero for the Sandbox
	Sandbox    bool
	Engine     *uploader.Engine
	Config     uploader.Config
	BucketURL  string
	CanPresign bool             // share links may be signed: every mode but a server-signed one without get-sign (Sharer)
	Server     *localcos.Server // the Sandbox's server; nil otherwise
	closers    []func() error   // engine first, then what it talks to
	closeOnce  sync.Once
	closeErr   error
	onClose    func()
}

// Close pauses the engine (it persists unfinished tasks), then closes the
// credential refresher and the Sandbox server. It blocks: a window calls
// it off its UI goroutine.
func (s *Session) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = closeAll(s.closers)
		if s.onClose != nil {
			s.onClose()
		}
	})
	return s.closeErr
}

// StateDir is the session's journal directory.
func (s *Session) StateDir() string { return s.Config.StateDir }

// ObjectURL is the plain (unsigned) URL of key in the session's bucket,
// its key encoded as COS expects (EncodeKey).
func (s *Session) ObjectURL(key string) string {
	return s.Linker().ObjectURL(key)
}

// Start runs an engine for spec: the one place a configuration becomes a
// running engine. spec's closers run after the engine's Close, and also
// when the engine cannot start.
//
// The engine answers `cosdrop status` on a socket next to its journal
// (ServeStatus) while it runs; the socket closes first. A socket that
// cannot be opened costs only the live status, never the upload.
func Start(spec Engine) (*uploader.Engine, []func() error, error) {
	e, err := uploader.New(spec.Config)
	if err != nil {
		closeAll(spec.Closers)
		return nil, nil, err
	}
	closers := []func() error{e.Close}
	if stop, err := ServeStatus(spec.Config.StateDir, e); err == nil {
		closers = append([]func() error{stop}, closers...)
	}
	return e, append(closers, spec.Closers...), nil
}

// Opener opens the window's sessions by profile name. Each profile has its
// own journal under DataDir (WindowStateName), and at most one session
// per journal is open through an Opener: opening a profile again (saved
// changes) closes the old session first, so the app never locks itself
// out of its own journal.
type Opener struct {
	DataDir   string
	Profiles  *profile.Profiles
	Secrets   auth.SecretStore
	Ask       func(ctx context.Context, c []uploader.Conflict) (uploader.ConflictPolicy, error)
	RateLimit func() int64 // current speed limit; nil = none

	mu   sync.Mutex
	live map[string]*Session // by state directory
}

// StateDir is where a profile's journal lives: one per profile, so
// switching profiles never mixes their queues.
func (o *Opener) StateDir(name string) string {
	if name == "" {
		name = SandboxName
	}
	return filepath.Join(o.DataDir, WindowStateName(name))
}

func (o *Opener) rate() int64 {
	if o.RateLimit == nil {
		return 0
	}
	return o.RateLimit()
}

// Open opens the named profile ("" or SandboxName: the Sandbox). Whatever
// can fail before the journal (the profile, the keyring) is done first;
// then a session of this Opener still open on the same journal is closed,
// and the new engine starts.
func (o *Opener) Open(ctx context.Context, name string) (*Session, error) {
	if name == "" || name == SandboxName {
		return o.OpenSandbox()
	}
	p, err := o.Profiles.Get(name)
	if err != nil {
		return nil, err
	}
	spec, err := ProfileEngine(ctx, p, o.Secrets, o.StateDir(name), Overrides{
		AskConflict: o.Ask, AutoResume: true, RateLimit: o.rate(),
	})
	if err != nil {
		return nil, err
	}
	s := &Session{Name: name, Profile: p, Config: spec.Config, BucketURL: spec.Config.BucketURL, CanPresign: SharerFor(spec.Config, false).Available()}
	if err := o.start(s, spec); err != nil {
		return nil, err
	}
	return s, nil
}

// start closes a live session on s's journal, starts s's engine and
// records s as live.
func (o *Opener) start(s *Session, spec Engine) error {
	dir := spec.Config.StateDir
	o.mu.Lock()
	old := o.live[dir]
	o.mu.Unlock()
	if old != nil {
		_ = old.Close() // persists its tasks; the new engine resumes them
	}
	e, closers, err := Start(spec)
	if err != nil {
		return err
	}
	s.Engine, s.closers = e, closers
	o.mu.Lock()
	if o.live == nil {
		o.live = map[string]*Session{}
	}
	o.live[dir] = s
	o.mu.Unlock()
	s.onClose = func() {
		o.mu.Lock()
		if o.live[dir] == s {
			delete(o.live, dir)
		}
		o.mu.Unlock()
	}
	return nil
}

// sandboxAddrFile remembers the Sandbox server's last loopback address.
const sandboxAddrFile = "sandbox-address"

// OpenSandbox starts localcos with a key made up for this run (it never
// leaves memory) and an engine pointed at it. Objects live under the data
// dir, so they survive restarts like the queue.
//
// The Sandbox's identity is its bucket, not its address: the server first
// tries the loopback port it had last time (so links and URLs shown
// earlier keep working), and when another program took that port it takes
// a free one and the journal is rebound to the new address
// (uploader.RebindJournal). The bucket is the same either way, stored in
// the same directory, so its upload IDs stay valid. A journal bound to a
// random port broke every second launch (issue 12, finding 1).
func (o *Opener) OpenSandbox() (*Session, error) {
	dir := o.StateDir(SandboxName)
	// Close a live Sandbox first: it holds the journal and the port.
	o.mu.Lock()
	old := o.live[dir]
	o.mu.Unlock()
	if old != nil {
		_ = old.Close()
	}
	spec, srv, err := o.SandboxEngine(Overrides{OnConflict: "rename", AskConflict: o.Ask, AutoResume: true, RateLimit: o.rate()})
	if err != nil {
		return nil, err
	}
	s := &Session{Name: SandboxName, Sandbox: true, Config: spec.Config, BucketURL: srv.URL(), CanPresign: true, Server: srv}
	if err := o.start(s, spec); err != nil {
		return nil, err
	}
	return s, nil
}

// SandboxEngine starts the Sandbox's server and returns the engine
// configuration for it (with ov on top; its journal is the window's
// Sandbox journal unless ov.StateDir says otherwise) and the server, which
// the configuration's closers stop. `cosdrop upload --profile Sandbox`
// uses it directly. A journal held by another process is reported before
// any server starts, so two processes never serve the same objects.
func (o *Opener) SandboxEngine(ov Overrides) (Engine, *localcos.Server, error) {
	dir := o.StateDir(SandboxName)
	if ov.StateDir != "" {
		dir = ov.StateDir
	}
	if _, err := uploader.JournalBucket(dir); err != nil {
		return Engine{}, nil, err // busy (another CosDrop has this Sandbox) or damaged
	}
	// SandboxFaultsEnv lets support staff and the screenshot script see how
	// the app behaves on a slow or flaky network, without a real one.
	var faults *localcos.Faults
	if spec := os.Getenv(SandboxFaultsEnv); spec != "" {
		f, err := localcos.ParseFaults(spec)
		if err != nil {
			return Engine{}, nil, fmt.Errorf("%s: %w", SandboxFaultsEnv, err)
		}
		faults = f
	}
	id, key := randomHex(16), randomHex(32)
	cfg := localcos.Config{
		Faults: faults, DataDir: filepath.Join(o.DataDir, "sandbox-objects"),
		Bucket: SandboxBucket, Region: SandboxRegion, SecretID: "AKIDsandbox" + id, SecretKey: key,
		PublicRead: true, // the Sandbox is for trying things: its plain links open
	}
	srv, err := startSandboxServer(cfg, filepath.Join(o.DataDir, sandboxAddrFile))
	if err != nil {
		return Engine{}, nil, fmt.Errorf("start the Sandbox server: %w", err)
	}
	auth.AddSecret(key)
	if err := uploader.RebindJournal(dir, srv.URL()); err != nil {
		_ = srv.Close()
		return Engine{}, nil, err
	}
	c := uploader.Config{BucketURL: srv.URL(), Credentials: auth.NewStatic(auth.Credentials{SecretID: "AKIDsandbox" + id, SecretKey: key})}
	// The Sandbox writes receipts where its Receipts view reads them, so a
	// new user sees what a support team would.
	c.Receipts = receiptsFor(profile.Profile{Name: SandboxName, Bucket: SandboxBucket, Region: SandboxRegion, ReceiptsPrefix: SandboxReceiptsPrefix}, ov)
	if err := applyOverrides(&c, ov, dir); err != nil {
		_ = srv.Close()
		return Engine{}, nil, err
	}
	return Engine{Config: c, Closers: []func() error{srv.Close}}, srv, nil
}

// startSandboxServer starts localcos on the loopback address remembered
// in addrFile, or on a free port when that one is taken, and remembers
// the address it got.
func startSandboxServer(cfg localcos.Config, addrFile string) (*localcos.Server, error) {
	var srv *localcos.Server
	if b, rerr := os.ReadFile(addrFile); rerr == nil {
		if host, _, serr := net.SplitHostPort(strings.TrimSpace(string(b))); serr == nil && host == "127.0.0.1" {
			cfg.Addr = strings.TrimSpace(string(b))
			srv, _ = localcos.Start(cfg) // taken: fall back below
		}
	}
	if srv == nil {
		var err error
		cfg.Addr = "127.0.0.1:0"
		if srv, err = localcos.Start(cfg); err != nil {
			return nil, err
		}
	}
	if u, perr := url.Parse(srv.URL()); perr == nil {
		_ = os.MkdirAll(filepath.Dir(addrFile), 0o700)
		_ = os.WriteFile(addrFile, []byte(u.Host+"\n"), 0o600)
	}
	return srv, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// DefaultDataDir is the engine's data directory (journals, Sandbox
// objects): $COSDROP_DATA_DIR, else uploader.DefaultStateDir().
func DefaultDataDir() string {
	if d := os.Getenv("COSDROP_DATA_DIR"); d != "" {
		return d
	}
	return uploader.DefaultStateDir()
}
