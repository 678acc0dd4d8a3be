package auth

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// signValidity is how long each request signature stays valid. It matches
// the Go SDK's default, so a slow part upload is never cut off by its own
// signature.
const signValidity = time.Hour

// skewThreshold is the clock difference from which requests are signed with
// the server's time instead of the local clock.
const skewThreshold = 30 * time.Second

// Clock is the time requests are signed with: the local clock, corrected by
// the offset to COS's clock once a response shows they differ by more than
// 30 s. Safe for concurrent use.
type Clock struct {
	offset atomic.Int64 // nanoseconds to add to time.Now
}

// Now returns the corrected current time.
func (c *Clock) Now() time.Time {
	return time.Now().Add(time.Duration(c.offset.Load()))
}

// Offset returns the current correction (server time minus local time).
func (c *Clock) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// Observe corrects the clock from a response's Date header. Small
// differences are ignored: Date has one-second resolution and a request
// takes time to travel.
func (c *Clock) Observe(resp *http.Response) {
	if resp == nil {
		return
	}
	d, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return
	}
	skew := time.Until(d)
	if skew > skewThreshold || skew < -skewThreshold {
		c.offset.Store(int64(skew))
	} else {
		c.offset.Store(0)
	}
}

// Transport signs every request with one consistent Credentials snapshot
// from its Provider, at the Clock's time, just before sending it. Because
// signing happens per attempt, a retried request picks up refreshed
// credentials automatically.
type Transport struct {
	Provider Provider
	Clock    *Clock
	Base     http.RoundTripper
}

// NewTransport returns a Transport over base (http.DefaultTransport when nil)
// with a fresh Clock.
func NewTransport(p Provider, base http.RoundTripper) *Transport {
	if base == nil {
		base = http.DefaultTransport
	}
	return &Transport{Provider: p, Clock: &Clock{}, Base: base}
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	creds, err := t.Provider.Credentials(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	// RoundTrippers must not modify the caller's request.
	r := req.Clone(req.Context())
	now := t.Clock.Now()
	cos.AddAuthorizationHeader(creds.SecretID, creds.SecretKey, creds.SessionToken, r, &cos.AuthTime{
		SignStartTime: now, SignEndTime: now.Add(signValidity),
		KeyStartTime: now, KeyEndTime: now.Add(signValidity),
	})
	resp, err := t.Base.RoundTrip(r)
	if err == nil {
		t.Clock.Observe(resp)
	}
	return resp, err
}

// Static is a Provider for a fixed set of credentials: a permanent key, or
// temporary ones the caller manages (environment variables).
type Static struct{ creds Credentials }

// NewStatic returns a Provider that always hands out c.
func NewStatic(c Credentials) *Static { return &Static{creds: c} }

// Credentials implements Provider.
func (s *Static) Credentials(context.Context) (Credentials, error) { return s.creds, nil }

// Refresh implements Provider; a fixed set cannot be renewed, so it returns
// the same set and lets the caller's retry fail with COS's own error.
func (s *Static) Refresh(context.Context) (Credentials, error) { return s.creds, nil }
