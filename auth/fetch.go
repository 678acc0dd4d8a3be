package auth

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Server names a ServerError's party.
const (
	ServerSTS  = "sts"  // the organisation's credential (STS) server
	ServerSign = "sign" // the organisation's signing server
)

// fetchTimeout bounds one request to a credential or signing server, the
// body included: a server that accepts and never answers costs seconds,
// not the minutes of a kernel TCP timeout.
const fetchTimeout = 15 * time.Second

// maxResponseSize bounds what we read from a credential or signing server;
// a real answer is under 4 KB.
const maxResponseSize = 1 << 20

// maxDetail bounds a ServerError's Detail (after redaction).
const maxDetail = 200

// loginToken is the Bearer token for a credential or signing server. It
// is read from the keyring only when the server asks for one (answers 401
// or 403 without it), so a profile whose server needs no token never
// touches the keyring, and a locked or absent keyring is no error for it.
type loginToken struct {
	mu     sync.Mutex
	val    string
	loaded bool
	load   func(ctx context.Context) (string, error) // nil: val is all there is
}

// fixedToken is a token known up front (possibly empty).
func fixedToken(v string) *loginToken {
	AddSecret(v)
	return &loginToken{val: v, loaded: true}
}

// current is the token to send now and whether asking the store could
// give another one.
func (t *loginToken) current() (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.val, !t.loaded && t.load != nil
}

// fetch reads the token from its store once.
func (t *loginToken) fetch(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.loaded || t.load == nil {
		return t.val, nil
	}
	v, err := t.load(ctx)
	if err != nil {
		return "", err
	}
	AddSecret(v)
	t.val, t.loaded = v, true
	return v, nil
}

// fetcher performs GET requests to one credential or signing server and
// turns every failure into a *ServerError.
type fetcher struct {
	server  string // ServerSTS or ServerSign
	client  *http.Client
	timeout time.Duration
	token   *loginToken

	// silent is the last timeout and when it ended: a server that accepted
	// and never answered is not asked again for silentHold, so other files
	// and retries get the answer at once instead of another full wait.
	mu          sync.Mutex
	silent      *ServerError
	silentUntil time.Time
}

// silentHold is how long a server that timed out is taken to be silent:
// long enough that a batch of files (or a retry loop) pays one wait, short
// enough that Retry a little later asks the server again.
const silentHold = 30 * time.Second

func newFetcher(server string, client *http.Client, token *loginToken) *fetcher {
	if client == nil {
		client = &http.Client{}
	}
	if token == nil {
		token = fixedToken("")
	}
	return &fetcher{server: server, client: client, timeout: fetchTimeout, token: token}
}

// get returns the body of a 2xx answer to GET rawURL and the server's
// Date. When the server refuses and no token was sent yet, it reads the
// login token from the store and asks once more.
func (f *fetcher) get(ctx context.Context, rawURL string) ([]byte, time.Time, error) {
	tok, canLoad := f.token.current()
	body, date, err := f.do(ctx, rawURL, tok)
	se, ok := AsServerError(err)
	if !ok || se.Kind != KindUnauthorized || !canLoad {
		return body, date, err
	}
	tok, lerr := f.token.fetch(ctx)
	switch {
	case lerr == nil && tok != "":
		return f.do(ctx, rawURL, tok)
	case lerr == nil || errors.Is(lerr, ErrNotFound):
		se.Err = ErrNoLoginToken
	default:
		se.Err = lerr // the keyring could not be read: say so
	}
	return nil, date, se
}

// ErrNoLoginToken is matched (errors.Is) by an unauthorized ServerError
// when no login token is stored for the profile: log in first.
var ErrNoLoginToken = errors.New("no login token stored")

// do performs one bounded GET, unless the server was silent just now.
func (f *fetcher) do(ctx context.Context, rawURL, tok string) ([]byte, time.Time, error) {
	f.mu.Lock()
	silent := f.silent
	if silent != nil && time.Now().After(f.silentUntil) {
		silent, f.silent = nil, nil
	}
	f.mu.Unlock()
	if silent != nil {
		return nil, time.Time{}, silent
	}
	body, date, err := f.request(ctx, rawURL, tok)
	if se, ok := AsServerError(err); ok && se.Kind == KindTimeout {
		f.mu.Lock()
		f.silent, f.silentUntil = se, time.Now().Add(silentHold)
		f.mu.Unlock()
	}
	return body, date, err
}

// request performs one bounded GET.
func (f *fetcher) request(ctx context.Context, rawURL, tok string) ([]byte, time.Time, error) {
	host := hostOf(rawURL)
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, time.Time{}, &ServerError{Server: f.server, Host: host, Kind: KindUnreachable, Detail: "invalid URL"}
	}
	req.Header.Set("Accept", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, time.Time{}, f.netError(parent, host, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseSize+1))
	if err != nil {
		return nil, time.Time{}, f.netError(parent, host, err)
	}
	date, _ := http.ParseTime(resp.Header.Get("Date"))
	se := &ServerError{Server: f.server, Host: host, Status: resp.StatusCode}
	switch {
	case len(body) > maxResponseSize:
		se.Kind, se.Detail = KindTooLarge, "more than 1 MB"
		return nil, date, se
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		se.Kind, se.Detail = KindUnauthorized, serverMessage(body)
		return nil, date, se
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		se.Kind, se.Detail = KindHTTPStatus, serverMessage(body)
		se.Temporary = resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout
		return nil, date, se
	}
	if kind := bodyKind(body, resp.Header.Get("Content-Type")); kind != "" {
		se.Kind = kind
		return nil, date, se
	}
	return body, date, nil
}

// netError classifies a failure to reach the server or read its answer.
// parent is the caller's context: when it ended, the caller gave up and
// the server is not at fault.
func (f *fetcher) netError(parent context.Context, host string, err error) error {
	if parent.Err() != nil {
		return err
	}
	se := &ServerError{Server: f.server, Host: host, Kind: KindUnreachable, Temporary: true}
	var ne net.Error
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		// One full wait is the budget for a server that accepts and never
		// answers (issue 20, finding 14): 8 tries of 15 s each cost over
		// two minutes before the user heard anything. Not retried.
		se.Kind, se.Detail, se.Temporary = KindTimeout, "no answer within "+f.timeout.String(), false
	case errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostErr):
		// A certificate does not fix itself: trying again will not help.
		se.Temporary, se.Detail = false, "TLS certificate not trusted"
	default:
		se.Detail = cut(Redact(unwrapURLError(err).Error()))
	}
	se.Err = errors.New(se.Detail)
	return se
}

// bodyKind names what is wrong with a 2xx body before any JSON parsing:
// empty, an HTML page, or not JSON at all; "" when it may be JSON. The
// body decides, not the Content-Type: PHP servers (Tencent's PHP samples
// among them) send their JSON as text/html.
func bodyKind(body []byte, contentType string) ServerErrorKind {
	b := bytes.TrimSpace(body)
	switch {
	case len(b) == 0:
		return KindEmpty
	case b[0] == '{' || b[0] == '[':
		return ""
	case b[0] == '<' || strings.HasPrefix(strings.ToLower(contentType), "text/html"):
		return KindHTML
	}
	return KindNotJSON
}

// cut shortens an already redacted detail to maxDetail bytes on a rune
// boundary, on one line.
func cut(s string) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "?")), " ")
	if len(s) <= maxDetail {
		return s
	}
	i := maxDetail
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// unwrapURLError drops *url.Error's "Get "URL":" prefix; the callers name
// the host themselves.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the server"
	}
	return u.Host
}
