package profile

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"cosdrop/auth"
)

// ProxyDirect as a profile's Proxy means: no proxy, whatever the
// environment says.
const ProxyDirect = "direct"

// proxySchemes are the proxies CosDrop supports: HTTP proxies (plain, or
// TLS to the proxy) tunnel HTTPS with CONNECT and forward plain HTTP;
// SOCKS5 (socks5h resolves names at the proxy). Go's http.Transport
// speaks all of them natively.
var proxySchemes = []string{"http", "https", "socks5", "socks5h"}

// checkProxy validates a profile's Proxy setting.
func checkProxy(raw string) error {
	if raw == "" || raw == ProxyDirect {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return profileErr("proxy", CodeProxyInvalid, "Value", "(hidden)")
	}
	if pw, set := u.User.Password(); set || pw != "" {
		return profileErr("proxy", CodeProxyPassword)
	}
	if !contains(proxySchemes, u.Scheme) || u.Hostname() == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || strings.Contains(raw, "#") {
		return profileErr("proxy", CodeProxyInvalid, "Value", quote(u.Redacted()))
	}
	return nil
}

// ProxyFunc is what the session layer puts into the engine's (and the
// credential server's) http.Transport.Proxy: the profile's proxy for
// every request, nil for "direct", or the environment (HTTPS_PROXY,
// HTTP_PROXY, NO_PROXY, as http.ProxyFromEnvironment reads them) when the
// profile names none. When the proxy URL names a user, the password is
// read from store (ProxyAccount) now, once; no keyring is read otherwise.
func (p Profile) ProxyFunc(ctx context.Context, store auth.SecretStore) (func(*http.Request) (*url.URL, error), error) {
	switch p.Proxy {
	case "":
		return http.ProxyFromEnvironment, nil
	case ProxyDirect:
		return nil, nil
	}
	if err := checkProxy(p.Proxy); err != nil {
		return nil, err
	}
	u, _ := url.Parse(p.Proxy)
	if u.User != nil && u.User.Username() != "" {
		pw, err := store.Get(ctx, auth.ProxyAccount(p.Name))
		switch {
		case errors.Is(err, auth.ErrNotFound):
			return nil, &Error{Field: "proxy", Message: msg(CodeProxyNoPassword, "Profile", p.Name, "User", u.User.Username()), Err: err}
		case err != nil:
			return nil, fmt.Errorf("proxy password of profile %q: %w", p.Name, err)
		}
		auth.AddSecret(pw)
		u.User = url.UserPassword(u.User.Username(), pw)
	}
	return http.ProxyURL(u), nil
}

// Transport is a clone of http.DefaultTransport that goes through p's
// proxy (see ProxyFunc).
func (p Profile) Transport(ctx context.Context, store auth.SecretStore) (*http.Transport, error) {
	proxy, err := p.ProxyFunc(ctx, store)
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = proxy
	return t, nil
}
