package localcos

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config describes one local COS server and its optional credential server.
type Config struct {
	Addr         string        // COS listener, e.g. "127.0.0.1:0" (port 0 = free port)
	STSAddr      string        // credential-server listener; "" = none
	DataDir      string        // objects + multipart state on disk (survives restart)
	Bucket       string        // default bucket when Host is an IP/localhost, e.g. "examplebucket-1250000000"
	Region       string        // e.g. "ap-guangzhou"
	SecretID     string        // permanent key pair the server accepts
	SecretKey    string        //
	STSLifetime  time.Duration // lifetime of issued temporary credentials (default 1800s)
	STSAuthToken string        // if set, credential server requires "Authorization: Bearer <token>"
	// STSActions is the default grant of GET /sts ("name/cos:<API>"); nil
	// means SampleActions, exactly what Tencent's sample servers grant.
	// Tests that need HeadObject or AbortMultipartUpload set BroadActions
	// (or send a policy parameter).
	STSActions []string
	Faults     *Faults // optional fault plan, may be nil; also settable later through Server.Faults
	// TLS serves both listeners over HTTPS with a certificate from a CA
	// generated at start (tls.go); CAFile is where the CA certificate is
	// written ("" = DataDir/localcos-ca.pem).
	TLS    bool
	CAFile string
	// PublicRead makes the bucket public-read, as COS's "public read,
	// private write" bucket ACL does: anyone may GET or HEAD an object
	// without a signature; everything else still needs one. The Sandbox
	// sets it, so its plain links open in a browser.
	PublicRead bool
	// Versioning makes the bucket one with versioning enabled, as far as
	// CosDrop can tell: GET /?versioning answers Enabled, and
	// x-cos-forbid-overwrite is ignored on PUT, POST, Initiate and
	// Complete, because COS honours it only on buckets whose versioning
	// is off (PUT Object, https://cloud.tencent.com/document/product/436/7749;
	// Initiate Multipart Upload,
	// https://cloud.tencent.com/document/product/436/7746). Older versions
	// are not kept: localcos stores only the newest, so it models the
	// overwrite a versioned bucket allows, not the history it keeps.
	Versioning bool
	Log        io.Writer // one line per request; nil = discard. Never logs signatures/tokens.
}

// Defaults used when a Config field is empty.
const (
	DefaultBucket      = "examplebucket-1250000000"
	DefaultRegion      = "ap-guangzhou"
	DefaultSTSLifetime = 1800 * time.Second
)

// Server is a running COS-compatible server. Its methods are safe for
// concurrent use.
type Server struct {
	cfg    Config
	store  *store
	faults *Faults
	stats  *statsCounter

	cosLn, stsLn   net.Listener
	cosSrv, stsSrv *http.Server

	tlsConfig *tls.Config // nil without Config.TLS
	caPool    *x509.CertPool
	caFile    string

	ctx    context.Context // cancelled by Close: ends stalls and keep-alive loops
	cancel context.CancelFunc

	reqSeq   atomic.Uint64
	logMu    sync.Mutex
	closeErr error
	once     sync.Once
}

// Start opens the data directory, binds the listeners and serves in the
// background. The server is accepting connections when Start returns.
func Start(cfg Config) (*Server, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("localcos: DataDir is required")
	}
	if cfg.SecretID == "" || cfg.SecretKey == "" {
		return nil, errors.New("localcos: SecretID and SecretKey are required")
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Bucket == "" {
		cfg.Bucket = DefaultBucket
	}
	if !bucketName.MatchString(cfg.Bucket) {
		return nil, fmt.Errorf("localcos: bucket %q is not of the form name-appid", cfg.Bucket)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.STSLifetime <= 0 {
		cfg.STSLifetime = DefaultSTSLifetime
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	st, err := openStore(bucketRoot(cfg.DataDir, cfg.Bucket))
	if err != nil {
		return nil, fmt.Errorf("localcos: %w", err)
	}
	s := &Server{cfg: cfg, store: st, faults: cfg.Faults, stats: newStatsCounter()}
	if s.faults == nil {
		s.faults = &Faults{}
	}
	if cfg.TLS {
		if err := s.setupTLS(); err != nil {
			return nil, fmt.Errorf("localcos: %w", err)
		}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())

	s.cosLn, err = s.listen(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("localcos: listen %s: %w", cfg.Addr, err)
	}
	// net/http's own complaints (TLS handshakes a client refused) go to
	// the request log, not to stderr.
	errLog := log.New(logWriter{s}, "", 0)
	s.cosSrv = &http.Server{Handler: http.HandlerFunc(s.serveCOS), ReadHeaderTimeout: time.Minute, ErrorLog: errLog,
		BaseContext: func(net.Listener) context.Context { return s.ctx }}
	if cfg.STSAddr != "" {
		s.stsLn, err = s.listen(cfg.STSAddr)
		if err != nil {
			s.cosLn.Close()
			return nil, fmt.Errorf("localcos: listen %s: %w", cfg.STSAddr, err)
		}
		s.stsSrv = &http.Server{Handler: s.stsHandler(), ReadHeaderTimeout: time.Minute, ErrorLog: errLog}
		go s.stsSrv.Serve(s.stsLn)
	}
	go s.cosSrv.Serve(s.cosLn)
	return s, nil
}

// listen binds addr, wrapped in TLS when the server has a certificate.
func (s *Server) listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil || s.tlsConfig == nil {
		return ln, err
	}
	return tls.NewListener(ln, s.tlsConfig), nil
}

func (s *Server) scheme() string {
	if s.tlsConfig != nil {
		return "https://"
	}
	return "http://"
}

// URL is the COS endpoint, e.g. "http://127.0.0.1:PORT" (https with
// Config.TLS); requests to it go to the default bucket.
func (s *Server) URL() string { return s.scheme() + s.cosLn.Addr().String() }

// STSURL is the credential server's base URL, or "" when there is none.
func (s *Server) STSURL() string {
	if s.stsLn == nil {
		return ""
	}
	return s.scheme() + s.stsLn.Addr().String()
}

// Bucket is the default bucket's name.
func (s *Server) Bucket() string { return s.cfg.Bucket }

// Region is the region the server claims to be in.
func (s *Server) Region() string { return s.cfg.Region }

// Faults returns the live fault plan; changes apply to the next request.
func (s *Server) Faults() *Faults { return s.faults }

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats { return s.stats.snapshot(s.faults) }

// Close stops both listeners, ends stalled requests and waits briefly for
// requests in flight. Objects stay on disk for the next Start.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var errs []error
		if err := s.cosSrv.Shutdown(ctx); err != nil {
			errs = append(errs, s.cosSrv.Close())
		}
		if s.stsSrv != nil {
			if err := s.stsSrv.Shutdown(ctx); err != nil {
				errs = append(errs, s.stsSrv.Close())
			}
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// now is the server's clock, shifted by the fault plan's skew.
func (s *Server) now() time.Time { return time.Now().Add(s.faults.skew()) }

// newRequestID mimics COS: base64 of "<hex-unix-time>_<hex>_<hex>_<hex>".
func (s *Server) newRequestID(now time.Time) string {
	var b [8]byte
	rand.Read(b[:])
	raw := fmt.Sprintf("%x_%x_%x_%x", now.Unix(), binary.BigEndian.Uint32(b[:4]),
		s.reqSeq.Add(1), binary.BigEndian.Uint32(b[4:])&0xffffff)
	return base64.StdEncoding.EncodeToString([]byte(raw))
}

// logWriter feeds net/http's error log into the request log.
type logWriter struct{ s *Server }

func (w logWriter) Write(p []byte) (int, error) {
	w.s.logf("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (s *Server) logf(format string, args ...any) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.cfg.Log, format+"\n", args...)
}

// respWriter records the status and size of a response for logs and stats.
type respWriter struct {
	http.ResponseWriter
	status  int
	written int64
}

func (w *respWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *respWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.written += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and Hijack.
func (w *respWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
