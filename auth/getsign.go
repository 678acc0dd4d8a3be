package auth

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrNoGetSign is matched (errors.Is) when a server-signed profile's
// signing server offers no get-sign endpoint: the app holds no key, so it
// cannot make a share link on its own.
var ErrNoGetSign = errors.New("the signing server offers no get-sign endpoint")

// SignedGet is a share link the signing server signed: a GET of one
// object, valid until Expires (the end of its q-sign-time).
type SignedGet struct {
	URL     string
	Expires time.Time
}

// getSignURL is the get-sign endpoint next to put-sign (or post-policy):
// base/get-sign for base/put-sign. Empty when neither ends that way (an
// admin who named other endpoints named no get-sign either).
func (s *SignServer) getSignURL() string {
	for _, pair := range [][2]string{{s.putURL, "/put-sign"}, {s.postURL, "/post-policy"}} {
		u, err := url.Parse(pair[0])
		if err != nil || pair[0] == "" {
			continue
		}
		if p, ok := strings.CutSuffix(strings.TrimRight(u.Path, "/"), pair[1]); ok {
			u.Path, u.RawPath = p+"/get-sign", ""
			return u.String()
		}
	}
	return ""
}

// GetSign asks the signing server for a signed GET of key, valid for
// about expires: GET <base>/get-sign?cosKey=KEY&httpMethod=GET&expires=S.
// The answer has the shape of put-sign's ({cosHost, cosKey,
// authorization, securityToken}), which is also what Tencent's
// cos-demo server/server-sign sample (/sts-server-sign?httpMethod=GET&
// cosKey=...) answers. The server decides the real lifetime; Expires is
// read from the signature. A server without the endpoint (HTTP 404, or the
// samples' {"code":-1,"message":"404 Not Found"}) gives ErrNoGetSign.
func (s *SignServer) GetSign(ctx context.Context, key string, expires time.Duration) (SignedGet, error) {
	endpoint := s.getSignURL()
	if endpoint == "" {
		return SignedGet{}, ErrNoGetSign
	}
	u, _ := url.Parse(endpoint)
	q := u.Query()
	q.Set("cosKey", key)
	q.Set("httpMethod", "GET")
	q.Set("expires", strconv.FormatInt(int64(expires/time.Second), 10))
	u.RawQuery = q.Encode()
	body, _, err := s.f.get(ctx, u.String())
	var m map[string]any
	if err == nil {
		m, err = parseSignAnswer(body)
	}
	if err != nil {
		if se, ok := AsServerError(err); ok {
			se.Host = hostOf(endpoint)
		}
		if notOffered(err) {
			return SignedGet{}, ErrNoGetSign
		}
		return SignedGet{}, err
	}
	host := firstString(m, "coshost", "host")
	got := firstString(m, "coskey", "key")
	a := decodeAuthorization(firstString(m, "authorization", "auth", "sign"))
	token := firstString(m, "securitytoken", "sessiontoken", "xcossecuritytoken", "token")
	AddSecret(token)
	if err := s.missing(endpoint, map[string]string{"cosHost": host, "authorization": a}); err != nil {
		return SignedGet{}, err
	}
	if got != "" && strings.TrimPrefix(got, "/") != strings.TrimPrefix(key, "/") {
		return SignedGet{}, &ServerError{Server: ServerSign, Host: hostOf(endpoint), Kind: KindIncomplete, Detail: "signed another key"}
	}
	if err := s.checkHost(endpoint, host); err != nil {
		return SignedGet{}, err
	}
	end, ok := signEnd(a)
	if !ok {
		return SignedGet{}, &ServerError{Server: ServerSign, Host: hostOf(endpoint), Kind: KindIncomplete, Detail: "missing q-sign-time"}
	}
	link, _ := cosURL(host, key)
	// The signature's fields go in the query, encoded as the SDK's
	// GetPresignedURL does (encodeURIComponent, keeping & and =).
	query := queryEscapeKeep(a)
	if token != "" {
		query += "&x-cos-security-token=" + url.QueryEscape(token)
	}
	link.RawQuery = query
	return SignedGet{URL: link.String(), Expires: end}, nil
}

// signEnd is the end of an Authorization's q-sign-time.
func signEnd(a string) (time.Time, bool) {
	for _, kv := range strings.Split(a, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if strings.TrimSpace(k) != "q-sign-time" {
			continue
		}
		_, e, ok := strings.Cut(v, ";")
		n, err := strconv.ParseInt(strings.TrimSpace(e), 10, 64)
		if !ok || err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

// queryEscapeKeep percent-encodes an Authorization for a query string,
// keeping its "&" and "=" separators.
func queryEscapeKeep(a string) string {
	parts := strings.Split(a, "&")
	for i, kv := range parts {
		k, v, _ := strings.Cut(kv, "=")
		parts[i] = url.QueryEscape(k) + "=" + strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
	}
	return strings.Join(parts, "&")
}
