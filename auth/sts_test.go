package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stsServer hands out numbered credential sets: id-N, key-N, tok-N, so a
// test can tell whether a triple was ever mixed.
type stsServer struct {
	*httptest.Server
	life     time.Duration
	skew     time.Duration // added to the server's clock
	requests atomic.Int64
	gate     chan struct{} // when set, each request waits for it
	token    string        // required Bearer token, if set
	body     string        // fixed answer, if set
	status   int
}

func newSTSServer(t *testing.T, life time.Duration) *stsServer {
	s := &stsServer{life: life}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.requests.Add(1)
		if s.gate != nil {
			<-s.gate
		}
		now := time.Now().Add(s.skew)
		w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
		w.Header().Set("Content-Type", "application/json")
		if s.token != "" && r.Header.Get("Authorization") != "Bearer "+s.token {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":"Unauthorized","message":"Your session has ended; sign in to the portal again."}`)
			return
		}
		if s.status != 0 {
			w.WriteHeader(s.status)
		}
		if s.body != "" {
			fmt.Fprint(w, s.body)
			return
		}
		fmt.Fprintf(w, `{"credentials":{"tmpSecretId":"id-%d","tmpSecretKey":"key-%d","sessionToken":"tok-%d"},"startTime":%d,"expiredTime":%d}`,
			n, n, n, now.Unix(), now.Add(s.life).Unix())
	}))
	t.Cleanup(s.Close)
	return s
}

// waitBound is how long a wait in this package's tests lets a condition
// take before calling the test stuck. It only ends a stuck test: under
// -race beside other work (a second `make test`, a build) a wait that
// merely takes long must not fail.
const waitBound = 2 * time.Minute

// waitFor polls cond until it holds, failing the test after waitBound.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", waitBound, what)
		}
		time.Sleep(10 * time.Millisecond) // poll interval, bounded by the deadline
	}
}

func consistent(c Credentials) bool {
	n := strings.TrimPrefix(c.SecretID, "id-")
	return c.SecretKey == "key-"+n && c.SessionToken == "tok-"+n
}

func TestRefreshDelay(t *testing.T) {
	for life, want := range map[time.Duration]time.Duration{
		1800 * time.Second: 1440 * time.Second, // 80%, leaves 6 min
		7200 * time.Second: 5760 * time.Second,
		900 * time.Second:  600 * time.Second, // 80% would leave 3 min: 5 min left instead
		600 * time.Second:  300 * time.Second,
		5 * time.Second:    4 * time.Second, // too short for 5 min: 80%
		0:                  0,
	} {
		if got := refreshDelay(life); got != want {
			t.Errorf("refreshDelay(%s) = %s, want %s", life, got, want)
		}
		if life > 10*time.Minute && life-refreshDelay(life) < refreshMinLeft {
			t.Errorf("refreshDelay(%s) leaves less than 5 minutes", life)
		}
	}
}

func TestSTSSharedFetch(t *testing.T) {
	srv := newSTSServer(t, time.Hour)
	srv.gate = make(chan struct{})
	p := NewSTS(srv.URL, "", nil)
	defer p.Close()
	var wg sync.WaitGroup
	results := make(chan Credentials, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := p.Credentials(context.Background())
			if err != nil {
				t.Error(err)
			}
			results <- c
		}()
	}
	waitFor(t, "the first request", func() bool { return srv.requests.Load() >= 1 })
	close(srv.gate)
	wg.Wait()
	close(results)
	for c := range results {
		if c.SecretID != "id-1" || !consistent(c) {
			t.Errorf("got %+v, want set 1", c)
		}
	}
	if n := srv.requests.Load(); n != 1 {
		t.Errorf("20 concurrent callers made %d requests, want 1", n)
	}
	// Later calls use the cached set.
	p.Credentials(context.Background())
	if n := srv.requests.Load(); n != 1 {
		t.Errorf("cached call made a request (%d)", n)
	}
}

func TestSTSForcedRefreshShared(t *testing.T) {
	srv := newSTSServer(t, time.Hour)
	p := NewSTS(srv.URL, "", nil)
	defer p.Close()
	first, err := p.Credentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Just after a fetch, a forced refresh returns that set: the workers
	// that saw ExpiredToken together cause one request.
	waitFor(t, "the set to age", func() bool { return time.Since(p.cur.Load().fetched) > time.Second })
	srv.gate = make(chan struct{})
	var wg, ready sync.WaitGroup
	for range 10 {
		wg.Add(1)
		ready.Add(1)
		go func() {
			defer wg.Done()
			ready.Done()
			c, err := p.Refresh(context.Background())
			if err != nil || c.SecretID == first.SecretID || !consistent(c) {
				t.Errorf("Refresh = %+v, %v", c, err)
			}
		}()
	}
	// The answer is held until every caller is under way: one started more
	// than a second after it (a busy machine starts goroutines late) would
	// rightly fetch again.
	ready.Wait()
	waitFor(t, "the refresh request", func() bool { return srv.requests.Load() >= 2 })
	close(srv.gate)
	wg.Wait()
	if n := srv.requests.Load(); n != 2 {
		t.Errorf("10 concurrent Refresh calls made %d requests, want 1", n-1)
	}
}

// TestSTSBackgroundRefresh: with 3-second credentials the provider renews
// them in the background several times while workers keep signing, and no
// worker ever sees a mixed or expired set.
func TestSTSBackgroundRefresh(t *testing.T) {
	srv := newSTSServer(t, 3*time.Second)
	p := NewSTS(srv.URL, "", nil)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var bad atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				// Expiry is judged against the time of asking: a worker
				// descheduled after the answer (a busy machine) must not
				// count a set that was valid when handed out.
				asked := time.Now()
				c, err := p.Credentials(ctx)
				if ctx.Err() != nil {
					return
				}
				if err != nil || !consistent(c) || !asked.Before(c.Expiration) {
					bad.Add(1)
				}
				time.Sleep(time.Millisecond)
			}
		}()
	}
	waitFor(t, "4 refreshes", func() bool { return p.Refreshes() >= 4 })
	cancel()
	wg.Wait()
	if bad.Load() > 0 {
		t.Errorf("%d calls got an error, a mixed set or an expired set", bad.Load())
	}
	if err := p.LastError(); err != nil {
		t.Errorf("LastError = %v", err)
	}
}

// TestSTSCloseStopsBackground: Close disarms the refresh timer. The
// credentials live an hour, so the timer is certainly still armed when
// Close runs (with 1-second credentials it could fire first on a busy
// machine, and the test then checked a different timer).
func TestSTSCloseStopsBackground(t *testing.T) {
	srv := newSTSServer(t, time.Hour)
	p := NewSTS(srv.URL, "", nil)
	if _, err := p.Credentials(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.Close()
	p.mu.Lock()
	stopped := p.timer.Stop() // false: Close already stopped it
	p.mu.Unlock()
	if stopped {
		t.Fatal("timer still armed after Close")
	}
}

func TestSTSLoginToken(t *testing.T) {
	srv := newSTSServer(t, time.Hour)
	srv.token = "LOGINTOKEN-123"
	p := NewSTS(srv.URL, "WRONGTOKEN-456", nil)
	defer p.Close()
	_, err := p.Credentials(context.Background())
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("wrong token: %v, want ErrUnauthorized", err)
	}
	for _, want := range []string{"401", "Your session has ended; sign in to the portal again."} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks the server's %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "WRONGTOKEN") {
		t.Errorf("error shows the token: %v", err)
	}
	good := NewSTS(srv.URL, "LOGINTOKEN-123", nil)
	defer good.Close()
	if c, err := good.Credentials(context.Background()); err != nil || !consistent(c) {
		t.Fatalf("right token: %+v, %v", c, err)
	}
}

func TestSTSServerErrors(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   string
	}{
		{500, "upstream STS timed out\n", "http_status (HTTP 500)"},
		{200, `{"Response":{"Error":{"Code":"InvalidParameter.PolicyTooLong","Message":"policy too long"}}}`, "InvalidParameter.PolicyTooLong: policy too long"},
		{200, `{"credentials":{"tmpSecretId":"a","tmpSecretKey":"k","sessionToken":"t"},"expiredTime":1000000000}`, "expired at 2001-09-09"},
		{200, `<html>login page</html>`, "html (HTTP 200)"},
	}
	for _, c := range cases {
		srv := newSTSServer(t, time.Hour)
		srv.status, srv.body = c.status, c.body
		p := NewSTS(srv.URL, "", nil)
		_, err := p.Credentials(context.Background())
		p.Close()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d %q: got %v, want %q", c.status, c.body, err, c.want)
		}
	}
	p := NewSTS("http://127.0.0.1:1/sts", "", nil)
	if _, err := p.Credentials(context.Background()); err == nil || !strings.Contains(err.Error(), "127.0.0.1:1: unreachable") {
		t.Errorf("unreachable server: %v", err)
	}
}

// TestSTSServerClockAhead: the credential server's clock is an hour ahead;
// its fresh credentials must not be refused as expired or kept too long.
func TestSTSServerClockAhead(t *testing.T) {
	srv := newSTSServer(t, 30*time.Minute)
	srv.skew = -time.Hour // server behind: its expiry is in our past
	p := NewSTS(srv.URL, "", nil)
	defer p.Close()
	c, err := p.Credentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if left := time.Until(c.Expiration); left < 29*time.Minute || left > 31*time.Minute {
		t.Errorf("expiry %s from now, want about 30 min on the local clock", left)
	}
}

func TestSTSCallerContext(t *testing.T) {
	srv := newSTSServer(t, time.Hour)
	srv.gate = make(chan struct{})
	defer close(srv.gate)
	p := NewSTS(srv.URL, "", nil)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		waitFor(t, "request", func() bool { return srv.requests.Load() >= 1 })
		cancel()
	}()
	if _, err := p.Credentials(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v", err)
	}
}
