package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// SignServer is the organisation's signing server for server-signed
// profiles: for each file it picks the object key and returns a signature
// for exactly one upload of it, so the app never holds a SecretKey. Safe for
// concurrent use.
type SignServer struct {
	base       string
	loginToken string
	client     *http.Client
}

// SignedPut is the answer of GET {url}/put-sign: PUT the file to
// Host/Key with these Authorization and x-cos-security-token headers.
type SignedPut struct {
	Host          string // "bucket.cos.region.myqcloud.com", "127.0.0.1:9000" or a full URL
	Key           string
	Authorization string
	SecurityToken string
}

// SignedPost is the answer of GET {url}/post-policy: the form fields of a
// POST Object upload to Host with key Key (reference §1.5).
type SignedPost struct {
	Host          string
	Key           string
	Policy        string // base64 of the policy JSON
	SignAlgorithm string // q-sign-algorithm, "sha1"
	AccessKey     string // q-ak
	KeyTime       string // q-key-time
	Signature     string // q-signature
	SecurityToken string
}

// NewSignServer returns a client for the signing server at base (the
// profile's CredentialURL, without /put-sign), sending loginToken (when not
// empty) as "Authorization: Bearer". client may be nil.
func NewSignServer(base, loginToken string, client *http.Client) *SignServer {
	if client == nil {
		client = &http.Client{Timeout: fetchTimeout}
	}
	AddSecret(loginToken)
	return &SignServer{base: strings.TrimRight(base, "/"), loginToken: loginToken, client: client}
}

// endpoint is base/path?ext=EXT, keeping any query the base URL has.
func (s *SignServer) endpoint(path, ext string) (string, error) {
	u, err := url.Parse(s.base)
	if err != nil {
		return "", fmt.Errorf("signing server URL %q: %w", s.base, err)
	}
	u.Path = strings.TrimRight(u.Path, "/") + path
	q := u.Query()
	q.Set("ext", strings.TrimPrefix(ext, "."))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// PutSign asks for a signed PUT for a file with extension ext ("jpg";
// may be empty).
func (s *SignServer) PutSign(ctx context.Context, ext string) (SignedPut, error) {
	m, err := s.get(ctx, "/put-sign", ext)
	if err != nil {
		return SignedPut{}, err
	}
	sp := SignedPut{
		Host:          firstString(m, "coshost", "host"),
		Key:           firstString(m, "coskey", "key"),
		Authorization: firstString(m, "authorization", "auth", "sign"),
		SecurityToken: firstString(m, "securitytoken", "sessiontoken", "xcossecuritytoken", "token"),
	}
	var missing []string
	for name, v := range map[string]string{"cosHost": sp.Host, "cosKey": sp.Key, "authorization": sp.Authorization} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return SignedPut{}, fmt.Errorf("signing server's put-sign answer is missing %s", strings.Join(sortedStrings(missing), ", "))
	}
	AddSecret(sp.SecurityToken)
	return sp, checkCOSHost(sp.Host)
}

// PostPolicy asks for a signed POST form for a file with extension ext.
func (s *SignServer) PostPolicy(ctx context.Context, ext string) (SignedPost, error) {
	m, err := s.get(ctx, "/post-policy", ext)
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
	if pp.SignAlgorithm == "" {
		pp.SignAlgorithm = "sha1"
	}
	var missing []string
	for name, v := range map[string]string{"cosHost": pp.Host, "cosKey": pp.Key, "policy": pp.Policy, "qAk": pp.AccessKey, "qKeyTime": pp.KeyTime, "qSignature": pp.Signature} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return SignedPost{}, fmt.Errorf("signing server's post-policy answer is missing %s", strings.Join(sortedStrings(missing), ", "))
	}
	AddSecret(pp.SecurityToken)
	return pp, checkCOSHost(pp.Host)
}

// get fetches base+path?ext= and returns the JSON object, unwrapped from a
// {"code":0,"data":{...}} envelope if there is one.
func (s *SignServer) get(ctx context.Context, path, ext string) (map[string]any, error) {
	u, err := s.endpoint(path, ext)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	body, _, err := doJSON(s.client, req, s.loginToken)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, fmt.Errorf("signing server's %s answer is not a JSON object: %s", strings.TrimPrefix(path, "/"), snippet(body))
	}
	for range 2 {
		if err := envelopeError(m); err != nil {
			return nil, errors.New(strings.Replace(err.Error(), "credential server response", "signing server", 1))
		}
		inner, ok := field(m, "data").(map[string]any)
		if !ok || field(m, "coshost") != nil {
			break
		}
		m = inner
	}
	return m, nil
}

// checkCOSHost refuses an upload target that would send the file and its
// token in the clear to another machine.
func checkCOSHost(host string) error {
	u, err := cosURL(host, "")
	if err != nil {
		return err
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return fmt.Errorf("signing server sent an upload address on plain http (%s); only https is allowed except for this computer", u.Host)
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
		return nil, fmt.Errorf("signing server sent an unusable upload address %q", host)
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
