package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
)

// SignMethod is how a server-signed profile uploads: with a signed PUT
// (the server's put-sign answer) or a POST form (its post-policy answer).
type SignMethod string

// Signing methods a profile may name.
const (
	// SignAuto asks put-sign first and switches to post-policy, for the
	// rest of the run, when the server has no put-sign (HTTP 404, or
	// Tencent's sample catch-all {"code":-1,"message":"404 Not Found"}).
	SignAuto SignMethod = ""
	SignPut  SignMethod = "put"  // put-sign only
	SignPost SignMethod = "post" // post-policy only
)

// SignConfig says where a signing server answers. PutSignURL and
// PostPolicyURL default to Base + "/put-sign" and Base + "/post-policy"
// (Tencent's cos-demo upload-sign sample).
type SignConfig struct {
	Base          string
	PutSignURL    string
	PostPolicyURL string
	Method        SignMethod
}

// SignServer is the organisation's signing server for server-signed
// profiles: for each file it picks the object key and returns a signature
// for exactly one upload of it, so the app never holds a SecretKey. Every
// failure is a *ServerError (Server "sign"). Safe for concurrent use.
type SignServer struct {
	putURL, postURL string
	method          SignMethod
	f               *fetcher
	// postOnly is learnt: the server answered that it has no put-sign.
	postOnly atomic.Bool
}

// SignedPut is the answer of GET put-sign: PUT the file to Host/Key with
// this Authorization and, when set, the session token.
type SignedPut struct {
	Host          string // "bucket.cos.region.myqcloud.com", "127.0.0.1:9000" or a full URL
	Key           string
	Authorization string // URL-decoded when the server sent it encoded
	SecurityToken string
	// TokenInQuery: the signature lists x-cos-security-token in its
	// q-url-param-list, so the token travels as a query parameter (and
	// not as a header), as the signature requires.
	TokenInQuery bool
	// ContentType is sent as the Content-Type header; empty means
	// application/octet-stream. Sign fills it from the file name.
	ContentType string
	// Extra are more headers to send: the profile rules' (ApplyHeaders).
	Extra http.Header
}

// SignedPost is the answer of GET post-policy: the form fields of a POST
// Object upload to Host with key Key (https://cloud.tencent.com/document/product/436/14690).
type SignedPost struct {
	Host          string
	Key           string
	Policy        string // base64 of the policy JSON
	SignAlgorithm string // q-sign-algorithm, "sha1"
	AccessKey     string // q-ak
	KeyTime       string // q-key-time
	Signature     string // q-signature
	SecurityToken string
	// ContentType is sent as the form's Content-Type field (COS reads the
	// type from that field, not from the file part). Empty means from the
	// file name.
	ContentType string
	// Extra are more form fields: the profile rules' (ApplyHeaders).
	Extra http.Header
}

// NewSignServer returns a client for the signing server at base (the
// profile's CredentialURL), asking base/put-sign and, when the server
// offers only that, base/post-policy; it sends loginToken (when not empty)
// as "Authorization: Bearer". client may be nil. Each request is bounded
// by a 15-second timeout of its own.
func NewSignServer(base, loginToken string, client *http.Client) *SignServer {
	return newSignServer(SignConfig{Base: base}, fixedToken(loginToken), client)
}

// NewSignServerConfig is NewSignServer with explicit endpoint URLs and
// method.
func NewSignServerConfig(cfg SignConfig, loginToken string, client *http.Client) *SignServer {
	return newSignServer(cfg, fixedToken(loginToken), client)
}

func newSignServer(cfg SignConfig, tok *loginToken, client *http.Client) *SignServer {
	base := strings.TrimRight(cfg.Base, "/")
	s := &SignServer{putURL: cfg.PutSignURL, postURL: cfg.PostPolicyURL, method: cfg.Method, f: newFetcher(ServerSign, client, tok)}
	if s.putURL == "" && base != "" {
		s.putURL = joinPath(base, "/put-sign")
	}
	if s.postURL == "" && base != "" {
		s.postURL = joinPath(base, "/post-policy")
	}
	return s
}

// joinPath appends path to base's path, keeping base's query.
func joinPath(base, path string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base + path
	}
	u.Path = strings.TrimRight(u.Path, "/") + path
	u.RawPath = ""
	return u.String()
}

// withExt is endpoint?ext=EXT, keeping any query the endpoint has.
func withExt(endpoint, ext string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return endpoint
	}
	q := u.Query()
	q.Set("ext", strings.TrimPrefix(ext, "."))
	u.RawQuery = q.Encode()
	return u.String()
}

// PutSign asks for a signed PUT for a file with extension ext ("jpg";
// may be empty).
func (s *SignServer) PutSign(ctx context.Context, ext string) (SignedPut, error) {
	if s.putURL == "" {
		return SignedPut{}, &ServerError{Server: ServerSign, Kind: KindHTTPStatus, Status: http.StatusNotFound, Detail: "no put-sign URL"}
	}
	m, err := s.get(ctx, s.putURL, ext)
	if err != nil {
		return SignedPut{}, err
	}
	sp := SignedPut{
		Host:          firstString(m, "coshost", "host"),
		Key:           firstString(m, "coskey", "key"),
		Authorization: decodeAuthorization(firstString(m, "authorization", "auth", "sign")),
		SecurityToken: firstString(m, "securitytoken", "sessiontoken", "xcossecuritytoken", "token"),
	}
	AddSecret(sp.SecurityToken)
	if err := s.missing(s.putURL, map[string]string{"cosHost": sp.Host, "cosKey": sp.Key, "authorization": sp.Authorization}); err != nil {
		return SignedPut{}, err
	}
	sp.TokenInQuery = sp.SecurityToken != "" && signsParam(sp.Authorization, "x-cos-security-token")
	return sp, s.checkHost(s.putURL, sp.Host)
}

// PostPolicy asks for a signed POST form for a file with extension ext.
func (s *SignServer) PostPolicy(ctx context.Context, ext string) (SignedPost, error) {
	if s.postURL == "" {
		return SignedPost{}, &ServerError{Server: ServerSign, Kind: KindHTTPStatus, Status: http.StatusNotFound, Detail: "no post-policy URL"}
	}
	m, err := s.get(ctx, s.postURL, ext)
	if err != nil {
		return SignedPost{}, err
	}
	pp := SignedPost{
		Host:          firstString(m, "coshost", "host"),
		Key:           firstString(m, "coskey", "key"),
		Policy:        firstString(m, "policy"),
		SignAlgorithm: firstString(m, "qsignalgorithm", "q-sign-algorithm"),
		AccessKey:     firstString(m, "qak", "q-ak"),
		KeyTime:       firstString(m, "qkeytime", "q-key-time"),
		Signature:     firstString(m, "qsignature", "q-signature"),
		SecurityToken: firstString(m, "securitytoken", "sessiontoken", "xcossecuritytoken", "token"),
	}
	AddSecret(pp.SecurityToken)
	if pp.SignAlgorithm == "" {
		pp.SignAlgorithm = "sha1"
	}
	if err := s.missing(s.postURL, map[string]string{"cosHost": pp.Host, "cosKey": pp.Key, "policy": pp.Policy, "qAk": pp.AccessKey, "qKeyTime": pp.KeyTime, "qSignature": pp.Signature}); err != nil {
		return SignedPost{}, err
	}
	return pp, s.checkHost(s.postURL, pp.Host)
}

// missing reports the empty fields of an answer as KindIncomplete.
func (s *SignServer) missing(endpoint string, fields map[string]string) error {
	var out []string
	for name, v := range fields {
		if v == "" {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &ServerError{Server: ServerSign, Host: hostOf(endpoint), Kind: KindIncomplete, Detail: "missing " + strings.Join(sortedStrings(out), ", ")}
}

// checkHost turns checkCOSHost's refusal into a ServerError.
func (s *SignServer) checkHost(endpoint, host string) error {
	if err := checkCOSHost(host); err != nil {
		return &ServerError{Server: ServerSign, Host: hostOf(endpoint), Kind: KindIncomplete, Detail: err.Error()}
	}
	return nil
}

// get fetches endpoint?ext= and returns the JSON object, unwrapped from a
// {"code":0,"data":{...}} envelope if there is one. An envelope error
// ({"code":-1,"message":...} with HTTP 200, as Tencent's samples answer)
// is a definitive KindRefused.
func (s *SignServer) get(ctx context.Context, endpoint, ext string) (map[string]any, error) {
	body, _, err := s.f.get(ctx, withExt(endpoint, ext))
	if err != nil {
		return nil, err
	}
	m, err := parseSignAnswer(body)
	if se, ok := AsServerError(err); ok {
		se.Host = hostOf(endpoint)
	}
	return m, err
}

// parseSignAnswer reads a signing server's JSON object, unwrapped from a
// {"code":0,"data":{...}} envelope if there is one. An envelope error
// ({"code":-1,"message":...} with HTTP 200, as Tencent's samples answer)
// is a definitive KindRefused.
func parseSignAnswer(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, &ServerError{Server: ServerSign, Status: http.StatusOK, Kind: KindNotJSON}
	}
	for range 2 {
		if err := envelopeError(m); err != nil {
			se, _ := AsServerError(err)
			se.Server, se.Status = ServerSign, http.StatusOK
			return nil, se
		}
		inner, ok := field(m, "data").(map[string]any)
		if !ok || field(m, "coshost") != nil {
			break
		}
		m = inner
	}
	return m, nil
}

// decodeAuthorization undoes a URL encoding some servers apply to the
// whole Authorization value ("q-sign-time=1%3B2", "q-sign-algorithm%3Dsha1%26...").
// A plain value never contains "%".
func decodeAuthorization(a string) string {
	if !strings.Contains(a, "%") {
		return a
	}
	if d, err := url.PathUnescape(a); err == nil {
		return d
	}
	return a
}

// signsParam reports whether an Authorization value lists name in its
// q-url-param-list.
func signsParam(authorization, name string) bool {
	for _, kv := range strings.Split(authorization, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if strings.EqualFold(strings.TrimSpace(k), "q-url-param-list") {
			for _, p := range strings.Split(v, ";") {
				if strings.EqualFold(strings.TrimSpace(p), name) {
					return true
				}
			}
		}
	}
	return false
}

// notOffered reports whether err says the server has no such endpoint: an
// HTTP 404/405/501, or a JSON refusal saying "404" / "not found" (Tencent's
// samples answer every unknown path with {"code":-1,"message":"404 Not
// Found"} and HTTP 200).
func notOffered(err error) bool {
	se, ok := AsServerError(err)
	if !ok {
		return false
	}
	switch se.Kind {
	case KindHTTPStatus:
		return se.Status == http.StatusNotFound || se.Status == http.StatusMethodNotAllowed || se.Status == http.StatusNotImplemented
	case KindRefused:
		d := strings.ToLower(se.Detail)
		return strings.Contains(d, "404") || strings.Contains(d, "not found")
	}
	return false
}

// checkCOSHost refuses an upload target that would send the file and its
// token in the clear to another machine.
func checkCOSHost(host string) error {
	u, err := cosURL(host, "")
	if err != nil {
		return err
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return &Error{Message: msg(CodeUploadAddress, "Host", u.Host)}
	}
	return nil
}

// cosURL builds the upload URL from a cosHost (with or without a scheme;
// without one, https, or http for a loopback address such as a local test
// server) and a key, whose path segments are percent-encoded.
func cosURL(host, key string) (*url.URL, error) {
	raw := host
	if !strings.Contains(host, "://") {
		scheme := "https"
		if h, _, err := splitHostPortOpt(host); err == nil && IsLoopback(h) {
			scheme = "http"
		}
		raw = scheme + "://" + host
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, &Error{Message: msg(CodeUploadAddress, "Host", quote(host))}
	}
	u.Path = "/" + strings.TrimPrefix(key, "/")
	u.RawPath = "/" + escapeKey(strings.TrimPrefix(key, "/"))
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// escapeKey percent-encodes each segment of a key the way COS expects
// (RFC 3986 unreserved stay literal, "/" separates segments).
func escapeKey(key string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func splitHostPortOpt(hostport string) (host, port string, err error) {
	u, err := url.Parse("//" + hostport)
	if err != nil {
		return "", "", err
	}
	return u.Hostname(), u.Port(), nil
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}
