package auth

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
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
	c.set(time.Until(d))
}

// set installs skew as the correction when it exceeds the threshold, and
// drops the correction otherwise.
func (c *Clock) set(skew time.Duration) {
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

// RoundTrip implements http.RoundTripper. When COS answers
// RequestTimeTooSkewed it corrects the Clock from the error's ServerTime or
// the Date header; when it answers ExpiredToken or "Request has expired" it
// forces one credential refresh. Either way, a request whose body can be
// replayed (no body, or GetBody set) is signed again and sent once more;
// other requests return the error for the caller to retry, which then
// signs with the corrected clock and the new credentials.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	before := t.Clock.Offset()
	resp, err := t.roundTrip(req, req.Body)
	if err != nil || resp.StatusCode != http.StatusForbidden {
		return resp, err
	}
	code, serverTime := peekError(resp)
	switch {
	case code == "" && t.Clock.Offset() != before:
		// A HEAD answer has no body to name the error, but its Date just
		// moved our clock: the request was most likely refused as skewed.
	case code == "RequestTimeTooSkewed":
		if !serverTime.IsZero() {
			t.Clock.set(time.Until(serverTime))
		}
	case code == "ExpiredToken" || code == "AccessDenied:Request has expired":
		if _, rerr := t.Provider.Refresh(req.Context()); rerr != nil {
			return resp, nil
		}
	default:
		return resp, nil
	}
	body, ok := replayBody(req)
	if !ok {
		return resp, nil
	}
	resp.Body.Close()
	return t.roundTrip(req, body)
}

// roundTrip signs a copy of req carrying body and sends it.
func (t *Transport) roundTrip(req *http.Request, body io.ReadCloser) (*http.Response, error) {
	creds, err := t.Provider.Credentials(req.Context())
	if err != nil {
		if body != nil {
			body.Close()
		}
		return nil, err
	}
	// RoundTrippers must not modify the caller's request.
	r := req.Clone(req.Context())
	r.Body = body
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

// replayBody returns a fresh body for sending req again.
func replayBody(req *http.Request) (io.ReadCloser, bool) {
	if req.Body == nil || req.Body == http.NoBody {
		return req.Body, true
	}
	if req.GetBody == nil {
		return nil, false
	}
	b, err := req.GetBody()
	return b, err == nil
}

// maxErrorPeek bounds how much of a 403 body is buffered to read its code;
// COS error documents are a few hundred bytes.
const maxErrorPeek = 64 << 10

// peekError reads the COS error code of a 403 response (with the Message
// appended for AccessDenied, whose meaning depends on it) and the
// ServerTime or Date, then restores the body so the caller still sees it.
func peekError(resp *http.Response) (code string, serverTime time.Time) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorPeek))
	rest := resp.Body
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), rest), rest}
	if err != nil {
		return "", time.Time{}
	}
	code = xmlTag(b, "Code")
	if code == "AccessDenied" {
		code += ":" + xmlTag(b, "Message")
	}
	if st := xmlTag(b, "ServerTime"); st != "" {
		serverTime = parseServerTime(st)
	}
	if serverTime.IsZero() {
		serverTime, _ = http.ParseTime(resp.Header.Get("Date"))
	}
	return code, serverTime
}

// parseServerTime accepts the forms seen in error bodies: Unix seconds,
// RFC 3339 and HTTP dates.
func parseServerTime(s string) time.Time {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0)
	}
	for _, layout := range []string{time.RFC3339, time.RFC1123, time.RFC1123Z} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
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
