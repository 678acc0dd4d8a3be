package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"cosdrop/auth"
	"cosdrop/profile"
	"cosdrop/uploader"
)

// Overrides are what the caller adds to a profile: the CLI's flags or the
// window's settings. Zero values keep the profile's (or the engine's)
// defaults.
type Overrides struct {
	Prefix      string // key template; "" = the profile's
	OnConflict  string // policy name; "" = the profile's
	Concurrency int
	PartSize    int64
	RateLimit   int64
	// Schedule, when set, is the limit's timetable (--bwlimit, the
	// window's settings); it wins over RateLimit and the profile's
	// bandwidth_schedule. Engine.Schedule says what the caller follows.
	Schedule *BandwidthSchedule
	StateDir string // journal directory; "" = the caller's default for the profile
	// AskConflict answers the "ask" policy; nil means nobody can be asked
	// (a script), and "ask" becomes "rename": never overwrite silently.
	AskConflict func(ctx context.Context, c []uploader.Conflict) (uploader.ConflictPolicy, error)
	// AutoResume queues unfinished tasks at once (the window); the CLI
	// resumes only what its command names again (ResumeExisting).
	AutoResume     bool
	ResumeExisting bool
	// Rules are the upload rules (nil: the profile's, or the defaults);
	// Exclude and NoDefaultExcludes add to them (the CLI's --exclude and
	// --no-default-excludes). See session/rules.go.
	Rules             *profile.Rules
	Exclude           []string
	NoDefaultExcludes bool
	// ReceiptsPrefix and Who are the receipts' folder and sender label
	// (--receipts-prefix, --who); "" keeps the profile's.
	ReceiptsPrefix, Who string
}

// Engine is what Start needs besides the configuration: whatever must
// close after the engine (an STS provider's refresher, a local server).
type Engine struct {
	Config  uploader.Config
	Closers []func() error
	// Schedule is the bandwidth timetable in force (the caller's, else the
	// profile's), nil for a fixed limit. Config.RateLimit holds its limit
	// at the start; the caller runs FollowSchedule for the changes.
	Schedule *BandwidthSchedule
}

// ConflictPolicy maps a conflict policy name, as a profile file or the
// --on-conflict flag spells it, to the engine's. It is the only such
// mapping: the CLI once refused a valid profile's "skip-identical"
// because it had its own. canAsk is false for scripts: "ask" then becomes
// Rename, never a silent overwrite.
func ConflictPolicy(name string, canAsk bool) (uploader.ConflictPolicy, error) {
	spec, ok := profile.PolicyOf(strings.ToLower(strings.TrimSpace(name)))
	if !ok {
		return uploader.Overwrite, errors.New(T("the conflict policy must be one of {{.Choices}}, not {{.Value}}",
			map[string]any{"Choices": strings.Join(profile.PolicyNames(true), ", "), "Value": fmt.Sprintf("%q", name)}))
	}
	if spec.Asks && !canAsk {
		spec, _ = profile.PolicyOf(spec.Unattended)
	}
	return uploader.ConflictPolicy(spec.Engine), nil
}

// unattended is the engine policy to use instead of p where nobody can
// answer (a watch folder): the table's Unattended for a policy that asks,
// else p.
func unattended(p uploader.ConflictPolicy) uploader.ConflictPolicy {
	for _, s := range profile.Policies {
		if s.Asks && uploader.ConflictPolicy(s.Engine) == p {
			u, _ := profile.PolicyOf(s.Unattended)
			return uploader.ConflictPolicy(u.Engine)
		}
	}
	return p
}

// ProfileEngine turns a profile into an engine configuration: its
// credentials (keyring secret, STS or signing server), bucket, prefix and
// conflict policy, with o on top. It is the one profile-to-engine mapping,
// used by `cosdrop upload --profile` and the window alike. stateDir is the
// journal directory unless o.StateDir is set.
func ProfileEngine(ctx context.Context, p profile.Profile, store auth.SecretStore, stateDir string, o Overrides) (Engine, error) {
	prov, signer, err := profile.Open(ctx, p, store, nil)
	if err != nil && p.Spec().Secret.Optional && errors.Is(err, auth.ErrKeyringUnavailable) {
		// A locked or missing keyring must not block a credential server
		// that needs no login token (many do not): go on without one. If
		// the server wants one, its refusal is worded as such.
		prov, signer, err = profile.Open(ctx, p, noTokenStore{store}, nil)
	}
	if err != nil {
		return Engine{}, err
	}
	var closers []func() error
	if c, ok := prov.(io.Closer); ok {
		closers = append(closers, c.Close)
	}
	cfg := uploader.Config{Credentials: prov, Prefix: p.Prefix}
	proxy, err := p.ProxyFunc(ctx, store)
	if err != nil {
		closeAll(closers)
		return Engine{}, err
	}
	if proxy == nil { // "direct": no proxy, whatever the environment says
		proxy = func(*http.Request) (*url.URL, error) { return nil, nil }
	}
	cfg.Proxy = proxy
	if signer != nil {
		cfg.Signer = signer
	}
	// A server-signed profile may have no bucket: the server picks the
	// destination. The journal is then bound to no bucket URL.
	if u, err := p.BucketURL(); err == nil {
		cfg.BucketURL = u
	} else if signer == nil {
		closeAll(closers)
		return Engine{}, err
	}
	if o.OnConflict == "" {
		o.OnConflict = p.OnConflict
	}
	if o.Rules == nil {
		o.Rules = p.Rules
	}
	if ps, ok, err := ProfileSchedule(p); o.Schedule == nil && o.RateLimit == 0 && ok && err == nil {
		o.Schedule = &ps // the admin's timetable, unless the caller set a limit
	}
	if err := applyOverrides(&cfg, o, stateDir); err != nil {
		closeAll(closers)
		return Engine{}, err
	}
	cfg.Receipts = receiptsFor(p, o)
	return Engine{Config: cfg, Closers: closers, Schedule: o.Schedule}, nil
}

// Flags are the CLI's ad-hoc destination, when no profile is named.
type Flags struct {
	Endpoint, Bucket, Region string
	STSURL                   string // temporary credentials from this server
}

// FlagsEngine turns an ad-hoc destination into an engine configuration.
// Credentials come from --sts-url (login token in COSDROP_LOGIN_TOKEN) or
// the TENCENTCLOUD_SECRET_ID/KEY (and SECURITY_TOKEN) environment.
func FlagsEngine(f Flags, o Overrides) (Engine, error) {
	var cfg uploader.Config
	switch {
	case f.Endpoint != "":
		u, err := url.Parse(f.Endpoint)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return Engine{}, errors.New(T("--endpoint {{.Value}} is not an http(s) URL", map[string]any{"Value": fmt.Sprintf("%q", f.Endpoint)}))
		}
		cfg.BucketURL = strings.TrimRight(f.Endpoint, "/")
	case f.Bucket != "" && f.Region != "":
		var err error
		if cfg.BucketURL, err = (profile.Profile{Bucket: f.Bucket, Region: f.Region}).BucketURL(); err != nil {
			return Engine{}, err
		}
	default:
		return Engine{}, errors.New(T("say where to upload: --profile P, or --endpoint URL, or --bucket B --region R"))
	}
	var closers []func() error
	if f.STSURL != "" {
		sts := auth.NewSTS(f.STSURL, os.Getenv("COSDROP_LOGIN_TOKEN"), nil)
		cfg.Credentials = sts
		if c, ok := any(sts).(io.Closer); ok {
			closers = append(closers, c.Close)
		}
	} else {
		id, key := os.Getenv("TENCENTCLOUD_SECRET_ID"), os.Getenv("TENCENTCLOUD_SECRET_KEY")
		if id == "" || key == "" {
			return Engine{}, errors.New(T("no credentials: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (and TENCENTCLOUD_SECURITY_TOKEN for temporary keys), or use --profile or --sts-url"))
		}
		cfg.Credentials = auth.NewStatic(auth.Credentials{SecretID: id, SecretKey: key, SessionToken: os.Getenv("TENCENTCLOUD_SECURITY_TOKEN")})
	}
	if err := applyOverrides(&cfg, o, ""); err != nil {
		closeAll(closers)
		return Engine{}, err
	}
	if cfg.StateDir == "" {
		cfg.StateDir = filepath.Join(uploader.DefaultStateDir(), EndpointStateName(cfg.BucketURL))
	}
	p := profile.Profile{Bucket: f.Bucket, Region: f.Region}
	if p.Bucket == "" {
		p.Bucket = bucketOfURL(cfg.BucketURL)
	}
	cfg.Receipts = receiptsFor(p, o)
	return Engine{Config: cfg, Closers: closers, Schedule: o.Schedule}, nil
}

// applyOverrides fills cfg from o; stateDir is the default journal
// directory ("" leaves it to the caller).
func applyOverrides(cfg *uploader.Config, o Overrides, stateDir string) error {
	if o.Prefix != "" {
		cfg.Prefix = o.Prefix
	}
	pol, err := ConflictPolicy(o.OnConflict, o.AskConflict != nil)
	if err != nil {
		return err
	}
	cfg.OnConflict = pol
	cfg.AskConflict = o.AskConflict
	if o.Concurrency != 0 && (o.Concurrency < 1 || o.Concurrency > 256) {
		return errors.New(T("--concurrency must be between 0 (found while uploading) and 256"))
	}
	cfg.Concurrency = o.Concurrency
	if o.PartSize != 0 && o.PartSize < uploader.MinPartSize {
		return errors.New(T("the part size must be at least 1MiB"))
	}
	cfg.PartSize = o.PartSize
	cfg.RateLimit = o.RateLimit
	if o.Schedule != nil {
		cfg.RateLimit = o.Schedule.LimitAt(time.Now())
	}
	cfg.AutoResume = o.AutoResume
	cfg.ResumeExisting = o.ResumeExisting
	cfg.StateDir = o.StateDir
	if cfg.StateDir == "" {
		cfg.StateDir = stateDir
	}
	return applyRules(cfg, o)
}

func closeAll(cs []func() error) error {
	var errs []error
	for _, c := range cs {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// EndpointStateName is the journal directory name of an ad-hoc bucket
// endpoint (the CLI without --profile).
func EndpointStateName(bucketURL string) string {
	u, err := url.Parse(bucketURL)
	if err != nil {
		return "default"
	}
	return "endpoint-" + unsafeName.ReplaceAllString(u.Host, "_")
}

// CLIStateName is the journal directory name of `cosdrop upload --profile`.
func CLIStateName(profile string) string { return "profile-" + profile }

// WindowStateName is the journal directory name of a profile opened in the
// window. The "gui-" names sit next to the CLI's "profile-" journals, so
// `cosdrop status` lists both.
func WindowStateName(profile string) string { return "gui-" + safeName(profile) }

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '_'
		}
		return r
	}, s)
}

// noTokenStore answers "no login token" where the keyring cannot be read.
type noTokenStore struct{ auth.SecretStore }

func (s noTokenStore) Get(ctx context.Context, account string) (string, error) {
	v, err := s.SecretStore.Get(ctx, account)
	if errors.Is(err, auth.ErrKeyringUnavailable) {
		return "", auth.ErrNotFound
	}
	return v, err
}
