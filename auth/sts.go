package auth

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// ErrUnauthorized is matched (errors.Is) when a credential or signing
// server refuses the login token (HTTP 401 or 403). The error text carries
// the server's own message.
var ErrUnauthorized = errors.New("the server refused the login token")

// refreshMinLeft is how much life a set has left, at least, when the
// background refresh replaces it (for lifetimes long enough to allow it).
const refreshMinLeft = 5 * time.Minute

// STS is a Provider of temporary credentials from the organisation's
// credential URL. The first call fetches a set; after that a background
// refresh replaces it at about 80% of its life (and with at least 5 minutes
// left when the lifetime allows), so workers normally never wait. All
// concurrent fetches share one request, and a set is swapped as a whole:
// no request is ever signed with an id from one set and a token from
// another. Close stops the background refresh.
type STS struct {
	url string
	f   *fetcher

	cur       atomic.Pointer[stsSet]
	group     singleflight.Group
	refreshes atomic.Int64

	mu     sync.Mutex
	timer  *time.Timer
	closed bool
	// lastErr is the last background refresh failure, for status displays.
	lastErr error
}

// stsSet is one fetched set and when we got it.
type stsSet struct {
	creds   Credentials
	fetched time.Time
}

// NewSTS returns a Provider for the credential server at url, sending
// loginToken (when not empty) as "Authorization: Bearer". client may be nil.
// Each request is bounded by a 15-second timeout of its own.
func NewSTS(url, loginToken string, client *http.Client) *STS {
	return newSTS(url, fixedToken(loginToken), client)
}

func newSTS(url string, tok *loginToken, client *http.Client) *STS {
	return &STS{url: url, f: newFetcher(ServerSTS, client, tok)}
}

// Credentials implements Provider.
func (s *STS) Credentials(ctx context.Context) (Credentials, error) {
	if set := s.cur.Load(); set != nil && usable(set, time.Now()) {
		return set.creds, nil
	}
	return s.fetchShared(ctx)
}

// Refresh implements Provider. Callers arriving while a refresh is in
// flight, or within a second after one, share its result instead of
// fetching again: ten workers that all saw ExpiredToken cause one request.
func (s *STS) Refresh(ctx context.Context) (Credentials, error) {
	if set := s.cur.Load(); set != nil && time.Since(set.fetched) < time.Second {
		return set.creds, nil
	}
	return s.fetchShared(ctx)
}

// Refreshes counts successful fetches (the first one included).
func (s *STS) Refreshes() int64 { return s.refreshes.Load() }

// LastError is the last background refresh failure, nil after a success.
func (s *STS) LastError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastErr
}

// Close stops the background refresh. Credentials still works afterwards,
// fetching on demand.
func (s *STS) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
	}
	return nil
}

// usable reports whether a set may still sign requests: not within the
// last tenth of its life (at most 30 s), so a request signed now reaches
// COS before the token expires.
func usable(set *stsSet, now time.Time) bool {
	margin := set.creds.Expiration.Sub(set.fetched) / 10
	margin = min(margin, 30*time.Second)
	return now.Before(set.creds.Expiration.Add(-margin))
}

// refreshDelay is when, after a fetch, the background refresh runs: at 80%
// of the life, but earlier if that would leave less than refreshMinLeft
// and the life is at least twice that (short test lifetimes just use 80%).
func refreshDelay(life time.Duration) time.Duration {
	d := life * 8 / 10
	if life >= 2*refreshMinLeft && life-d < refreshMinLeft {
		d = life - refreshMinLeft
	}
	return max(d, 0)
}

// fetchShared runs one fetch for every concurrent caller and waits for it
// or for ctx.
func (s *STS) fetchShared(ctx context.Context) (Credentials, error) {
	// The shared fetch does not depend on one caller's context: many
	// workers share it, and one giving up must not fail it for the others.
	// Each request bounds itself (fetcher.timeout).
	ch := s.group.DoChan("fetch", func() (any, error) {
		return s.fetch(context.Background())
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return Credentials{}, r.Err
		}
		return r.Val.(*stsSet).creds, nil
	case <-ctx.Done():
		return Credentials{}, ctx.Err()
	}
}

// fetch asks the credential server for a new set, installs it and schedules
// the next background refresh.
func (s *STS) fetch(ctx context.Context) (*stsSet, error) {
	body, date, err := s.f.get(ctx, s.url)
	if err != nil {
		return nil, err
	}
	local := time.Now()
	// Judge the expiry by the server's clock when it sent one, so a wrong
	// local clock does not make fresh credentials look expired (or stale
	// ones look fresh); then move the expiry onto the local clock.
	ref := local
	if !date.IsZero() {
		ref = date
	}
	c, err := ParseSTS(body, ref)
	if se, ok := AsServerError(err); ok {
		se.Host = hostOf(s.url)
	}
	if err != nil {
		return nil, err
	}
	if skew := ref.Sub(local); skew > skewThreshold || skew < -skewThreshold {
		c.Expiration = c.Expiration.Add(-skew)
	}
	AddSecret(c.SecretKey)
	AddSecret(c.SessionToken)
	set := &stsSet{creds: c, fetched: local}
	s.cur.Store(set)
	s.refreshes.Add(1)
	s.schedule(refreshDelay(c.Expiration.Sub(local)), nil)
	return set, nil
}

// schedule arranges the next background refresh after d, recording err as
// the last failure.
func (s *STS) schedule(d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastErr = err
	if s.closed {
		return
	}
	if s.timer != nil {
		s.timer.Stop()
	}
	s.timer = time.AfterFunc(d, s.background)
}

// background refreshes ahead of expiry. A failure is retried with backoff
// (1 s doubling to 1 min) while the current set is still usable and after;
// workers meanwhile keep using the current set.
func (s *STS) background() {
	_, err := s.fetchShared(context.Background())
	if err == nil {
		return // fetch scheduled the next one
	}
	s.mu.Lock()
	prev := s.lastErr
	s.mu.Unlock()
	backoff := time.Second
	var be *backoffErr
	if errors.As(prev, &be) {
		backoff = min(be.next*2, time.Minute)
	}
	s.schedule(backoff, &backoffErr{err: err, next: backoff})
}

// backoffErr is a background failure plus the delay used after it.
type backoffErr struct {
	err  error
	next time.Duration
}

func (e *backoffErr) Error() string { return e.err.Error() }
func (e *backoffErr) Unwrap() error { return e.err }
