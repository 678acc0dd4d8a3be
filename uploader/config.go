package uploader

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"cosdrop/auth"
)

// ConflictPolicy says what to do when an object already exists at a task's key.
type ConflictPolicy string

// Conflict policies (per profile).
const (
	// Overwrite replaces the existing object without looking at it.
	Overwrite ConflictPolicy = "overwrite"
	// SkipIdentical HEADs the key and skips the file when size and CRC64
	// match; a different object is overwritten.
	SkipIdentical ConflictPolicy = "skip"
	// Rename uploads to "name (1).ext", "name (2).ext", ... the first free key.
	Rename ConflictPolicy = "rename"
	// Ask calls Config.AskConflict once per batch, on the batch's first
	// conflict, and applies the answer to the whole batch.
	Ask ConflictPolicy = "ask"
)

// Conflict describes one existing object found at a task's key.
type Conflict struct {
	Task        TaskID
	Path        string
	Key         string
	LocalSize   int64
	RemoteSize  int64
	RemoteCRC64 uint64 // 0 when COS did not report one
}

// Removed is the State a removed task reports once in the change feed, so a
// UI can drop its row; the task is gone from the engine afterwards.
const Removed State = "removed"

// Engine error codes, in TaskError.Code next to COS's own codes.
const (
	CodeFileChanged  = "FileChanged"  // size or mtime differ from when the upload started
	CodeFileMissing  = "FileMissing"  // the local file is gone or unreadable
	CodeInvalidKey   = "InvalidKey"   // the key breaks a COS key rule
	CodeDuplicateKey = "DuplicateKey" // another file of the same batch maps to the same key
	CodeCRCMismatch  = "CRCMismatch"  // COS's CRC64 differs from the local one
	CodeNoCRC        = "NoCRC"        // COS did not return a CRC64 to verify against
	CodeAbortDenied  = "AbortDenied"  // cancel could not abort the multipart upload
	CodeNetwork      = "NetworkError" // no usable HTTP response
	CodeConflict     = "Conflict"     // the user declined the upload in the conflict question
	// CodeJournal: the journal on this computer refused a write (Party journal).
	CodeJournal = "JournalError"
	// CodeBadResponse: COS (or something in its place) answered with a
	// body that is not COS's XML (Party cos).
	CodeBadResponse = "BadResponse"
	// CodeCredentialServer: the organisation's STS or signing server
	// failed; Args "kind" (auth.ServerErrorKind) and "status".
	CodeCredentialServer = "CredentialServer"
	// CodeUnverified: COS may hold the object but the engine could not
	// check its CRC64, so it is not reported done.
	CodeUnverified = "Unverified"
)

// Defaults used when a Config field is zero.
const (
	DefaultConcurrency = 8
	DefaultPartSize    = 8 << 20 // 8 MiB: 80 GB fits in 10,000 parts before it grows
	MinPartSize        = 1 << 20
	MaxParts           = 10000
	DefaultMaxAttempts = 8
	MaxKeyBytes        = 850
)

// Config configures an Engine. Zero values pick the defaults above.
type Config struct {
	StateDir    string        // directory holding this engine's journal (bbolt); created if missing
	BucketURL   string        // e.g. https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com
	Credentials auth.Provider // permanent or STS credentials
	// Signer, when set, selects server-signed mode: one PUT per file to the
	// key the signing server chooses. Credentials is then unused.
	Signer PutSigner
	Prefix string // key template: {date} {yyyy} {mm} {dd} {filename} {relpath}
	// Concurrency pins the global limit of in-flight requests; 0 lets the
	// engine find the limit that fills the line (see adaptive), starting at
	// DefaultConcurrency.
	Concurrency int
	PartSize    int64          // bytes; 0 = auto (DefaultPartSize, grown to fit 10,000 parts)
	RateLimit   int64          // bytes/s across all connections, 0 = unlimited
	OnConflict  ConflictPolicy // "" = Overwrite
	// AskConflict answers the Ask policy. It is called from an engine
	// goroutine, at most once per batch, and may block; an error cancels the
	// batch's conflicting tasks.
	AskConflict func(ctx context.Context, c []Conflict) (ConflictPolicy, error)
	AutoResume  bool         // at start, queue unfinished tasks again (else they wait, paused)
	HTTPClient  *http.Client // optional; its Transport is wrapped for signing
	// Proxy picks the proxy of each COS request (a profile's proxy); nil
	// means the environment's (HTTPS_PROXY, NO_PROXY). Ignored with HTTPClient.
	Proxy func(*http.Request) (*url.URL, error)
	// RootCAs, when set, are the CAs trusted for COS over HTTPS instead of
	// the system's (a Sandbox or serve-local --tls with its generated CA).
	// Certificates are always verified.
	RootCAs *x509.CertPool
	// ResumeExisting makes Add reuse a journal task with the same local path
	// and key instead of creating a second one: an unfinished task resumes,
	// a done one whose file is unchanged stays done. The CLI sets it so that
	// rerunning a command continues it.
	ResumeExisting bool
	// MaxAttempts bounds the tries of each request (a part, a PUT, the
	// Complete) within one run of a task; credential refreshes do not count.
	MaxAttempts int
	// RetryBase and RetryMax shape the exponential backoff with jitter
	// (defaults 250 ms and 15 s). Tests shrink them.
	RetryBase, RetryMax time.Duration
	// Now is the clock for key templates; nil = time.Now.
	Now func() time.Time
	// Exclude says whether a file (or, with a trailing slash, a folder)
	// at rel inside a dropped folder is left out, and by which pattern
	// (a profile's rules: (*profile.Rules).Excluded). rel is the slash path
	// relative to the dropped folder. A file dropped on its own is never
	// excluded: the user asked for it. nil excludes nothing.
	Exclude func(rel string) (pattern string, ok bool)
	// Headers are the headers an object gets from the profile's rules
	// ((*profile.Rules).HeadersFor), by rel as for Exclude (a file dropped
	// on its own: its name). nil adds none.
	Headers func(rel string) auth.ObjectHeaders
	// Receipts configures the receipt each drop leaves in the bucket
	// (receipts.go); the zero value writes none.
	Receipts Receipts

	store objectStore // tests: a fake object store instead of COS
	// autoConcurrency is set by setDefaults when Concurrency was 0.
	autoConcurrency bool
}

// DefaultStateDir is the OS data directory for CosDrop's journals:
// $XDG_DATA_HOME/cosdrop (~/.local/share/cosdrop) on Linux,
// ~/Library/Application Support/cosdrop on macOS, %LocalAppData%\cosdrop on
// Windows.
func DefaultStateDir() string { return stateDirFor(runtime.GOOS, os.Getenv, os.UserHomeDir) }

// stateDirFor is DefaultStateDir for goos, so each system's rule is tested
// on any machine (macOS's has never run on a Mac: packaging/PACKAGING.md).
func stateDirFor(goos string, getenv func(string) string, home func() (string, error)) string {
	switch goos {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "cosdrop")
		}
	case "darwin":
		if h, err := home(); err == nil {
			return filepath.Join(h, "Library", "Application Support", "cosdrop")
		}
	default:
		if d := getenv("XDG_DATA_HOME"); d != "" {
			return filepath.Join(d, "cosdrop")
		}
		if h, err := home(); err == nil {
			return filepath.Join(h, ".local", "share", "cosdrop")
		}
	}
	return filepath.Join(os.TempDir(), "cosdrop")
}

func (c *Config) setDefaults() {
	if s, ok := c.Signer.(*auth.SignServer); ok && s == nil {
		c.Signer = nil // a nil *SignServer from profile.Open is "no signer"
	}
	if c.Concurrency <= 0 {
		c.Concurrency, c.autoConcurrency = DefaultConcurrency, true
	}
	if c.OnConflict == "" {
		c.OnConflict = Overwrite
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 250 * time.Millisecond
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 15 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// choosePartSize returns the part size for a file of size bytes: the
// configured (or default) size, at least 1 MiB, doubled until the file fits
// in 10,000 parts.
func choosePartSize(size, configured int64) int64 {
	ps := configured
	if ps <= 0 {
		ps = DefaultPartSize
	}
	if ps < MinPartSize {
		ps = MinPartSize
	}
	for (size+ps-1)/ps > MaxParts {
		ps *= 2
	}
	return ps
}
