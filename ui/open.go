package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/uploader"
)

// SandboxName is the built-in profile that uploads to an in-process local
// COS server, so the app works before anyone has an account.
const SandboxName = "Sandbox"

// SandboxFaultsEnv holds a localcos fault plan for the Sandbox server, in
// the text form of localcos.ParseFaults (e.g. "bandwidth=400KiB").
const SandboxFaultsEnv = "COSDROP_SANDBOX_FAULTS"

// sandbox bucket and region: any well-formed values work, the server is ours.
const (
	sandboxBucket = "sandbox-1250000000"
	sandboxRegion = "ap-guangzhou"
)

// session is one opened profile: its engine and whatever must close with it.
type session struct {
	name       string
	profile    auth.Profile // zero for the Sandbox
	sandbox    bool
	engine     Engine
	bucketURL  string
	canPresign bool
	server     *localcos.Server // the Sandbox's server; nil otherwise
	closers    []func() error   // engine first, then the servers it talks to
}

// close pauses the engine (it persists unfinished tasks) and stops the
// Sandbox server. It blocks: call it off the Fyne goroutine.
func (s *session) close() error {
	var errs []error
	for _, c := range s.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// objectURL is the plain (unsigned) URL of key in the session's bucket.
func (s *session) objectURL(key string) string {
	if s.bucketURL == "" {
		return ""
	}
	return strings.TrimRight(s.bucketURL, "/") + "/" + escapeKey(key)
}

func escapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// opener opens sessions by profile name. It runs on its own goroutine:
// opening may read the keyring, start a server or open a journal.
type opener struct {
	dataDir   string
	profiles  *auth.Profiles
	secrets   auth.SecretStore
	ask       func(ctx context.Context, c []uploader.Conflict) (uploader.ConflictPolicy, error)
	rateLimit func() int64
}

// stateDir is where a profile's journal lives: one per profile, so
// switching profiles never mixes their queues. The "gui-" names sit next
// to the CLI's "profile-" journals, so `cosdrop status` lists both, and
// the window and a CLI upload never lock each other's journal.
func (o *opener) stateDir(name string) string {
	return filepath.Join(o.dataDir, "gui-"+safeName(name))
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '_'
		}
		return r
	}, s)
}

func (o *opener) open(ctx context.Context, name string) (*session, error) {
	if name == "" || name == SandboxName {
		return o.openSandbox()
	}
	p, err := o.profiles.Get(name)
	if err != nil {
		return nil, err
	}
	prov, signer, err := auth.Open(ctx, p, o.secrets, nil)
	if err != nil {
		return nil, err
	}
	bucketURL, err := p.BucketURL()
	if err != nil && signer == nil {
		return nil, err
	}
	cfg := uploader.Config{
		StateDir:    o.stateDir(name),
		BucketURL:   bucketURL,
		Credentials: prov,
		Prefix:      p.Prefix,
		OnConflict:  conflictPolicy(p.OnConflict),
		AskConflict: o.ask,
		AutoResume:  true,
		RateLimit:   o.rateLimit(),
	}
	if signer != nil {
		cfg.Signer = signer
	}
	e, err := uploader.New(cfg)
	if err != nil {
		return nil, err
	}
	s := &session{name: name, profile: p, engine: e, bucketURL: bucketURL, canPresign: p.Mode == auth.ModePermanent}
	s.closers = append(s.closers, e.Close)
	if c, ok := prov.(interface{ Close() error }); ok {
		s.closers = append(s.closers, c.Close)
	}
	return s, nil
}

// conflictPolicy maps a profile's policy name to the engine's.
func conflictPolicy(s string) uploader.ConflictPolicy {
	switch s {
	case "skip-identical":
		return uploader.SkipIdentical
	case "rename":
		return uploader.Rename
	case "ask":
		return uploader.Ask
	}
	return uploader.Overwrite
}

// openSandbox starts localcos on a free loopback port with a key made up
// for this run (it never leaves memory) and an engine pointed at it.
// Objects live under the data dir, so they survive restarts like the queue.
func (o *opener) openSandbox() (*session, error) {
	id, key := randomHex(16), randomHex(32)
	// SandboxFaultsEnv lets support staff and the screenshot script see how
	// the app behaves on a slow or flaky network, without a real one.
	var faults *localcos.Faults
	if spec := os.Getenv(SandboxFaultsEnv); spec != "" {
		f, err := localcos.ParseFaults(spec)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", SandboxFaultsEnv, err)
		}
		faults = f
	}
	srv, err := localcos.Start(localcos.Config{
		Faults:    faults,
		Addr:      "127.0.0.1:0",
		DataDir:   filepath.Join(o.dataDir, "sandbox-objects"),
		Bucket:    sandboxBucket,
		Region:    sandboxRegion,
		SecretID:  "AKIDsandbox" + id,
		SecretKey: key,
	})
	if err != nil {
		return nil, fmt.Errorf("start the Sandbox server: %w", err)
	}
	auth.AddSecret(key)
	e, err := uploader.New(uploader.Config{
		StateDir:    o.stateDir(SandboxName),
		BucketURL:   srv.URL(),
		Credentials: auth.NewStatic(auth.Credentials{SecretID: "AKIDsandbox" + id, SecretKey: key}),
		OnConflict:  uploader.Rename,
		AskConflict: o.ask,
		AutoResume:  true,
		RateLimit:   o.rateLimit(),
	})
	if err != nil {
		_ = srv.Close()
		return nil, err
	}
	return &session{
		name: SandboxName, sandbox: true, engine: e, bucketURL: srv.URL(), canPresign: true, server: srv,
		closers: []func() error{e.Close, srv.Close},
	}, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// defaultDataDir is the engine's data directory (journals, Sandbox objects).
func defaultDataDir() string {
	if d := os.Getenv("COSDROP_DATA_DIR"); d != "" {
		return d
	}
	return uploader.DefaultStateDir()
}

// openTimeout bounds opening a profile (keyring and credential server).
const openTimeout = 30 * time.Second
