package localcos

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// FaultKind names one kind of injected failure.
type FaultKind string

// The faults a plan can inject.
const (
	// Fail500 answers 500 InternalError without touching the request.
	Fail500 FaultKind = "500"
	// SlowDown answers 503 SlowDown.
	SlowDown FaultKind = "503"
	// TooMany answers 429 TooManyRequests.
	TooMany FaultKind = "429"
	// Reset reads Rule.After bytes of the request body (of the response
	// body for GetObject), then resets the TCP connection.
	Reset FaultKind = "reset"
	// Stall waits Rule.Delay before answering, or after reading Rule.After
	// bytes of the body when After > 0. A stall ends early when the client
	// gives up or the server closes.
	Stall FaultKind = "stall"
	// CompleteError answers CompleteMultipartUpload with 200 and chunked
	// whitespace, then an <Error> body, and does not complete: the COS
	// "200 then error" of https://cloud.tencent.com/document/product/436/7742.
	CompleteError FaultKind = "complete-error"
	// CompleteDrop completes the upload, then drops the connection before
	// the result (after the early 200 and its first space, as COS sends
	// them), so a retried Complete gets 404 NoSuchUpload.
	CompleteDrop FaultKind = "complete-drop"
)

// maxStall bounds every stall so a forgotten fault cannot hang a test run.
const maxStall = 10 * time.Minute

// Rule is one fault: which requests it hits and what it does.
//
// A rule matches requests to API ("" = every API; names as in Stats, e.g.
// "UploadPart", "CompleteMultipartUpload"). Among matching requests it fires
// on the Nth (1-based) when Nth > 0, else on each with probability Share
// (from the plan's seeded generator) when Share > 0, else on every one. It
// fires at most Times times when Times > 0.
type Rule struct {
	Kind  FaultKind
	API   string
	Share float64
	Nth   int
	Times int
	After int64         // Reset and Stall: body bytes to pass first
	Delay time.Duration // Stall: how long (bounded by 10 minutes)

	seen, fired int
}

// Faults is a fault plan. The zero value injects nothing; all methods are
// safe for concurrent use and changes apply to the next request. Decisions
// are drawn in request arrival order from a generator seeded by the plan's
// seed, so a sequential test sees the same faults on every run.
//
// The text form, accepted by ParseFaults and `cosdrop serve-local --faults`,
// is a list of items separated by ';'. Plan-wide settings are key=value:
//
//	seed=42            seed of the generator (default 1)
//	bandwidth=2MiB     cap on all request and response bodies together, bytes/s
//	skew=-20m          shift the server's clock (Date header, signature checks)
//	token-life=5s      temporary credentials expire this long after issue
//
// and rules are KIND[:key=value,...] with KIND one of 500, 503, 429, reset,
// stall, complete-error, complete-drop and keys api, share, nth, times,
// after (a size: 512, 64KiB, 1MiB) and delay (a Go duration):
//
//	500:share=0.1,api=UploadPart;reset:after=1MiB,times=2;stall:delay=5s,nth=3;complete-drop:times=1
type Faults struct {
	mu           sync.Mutex
	seed         int64
	rng          *rand.Rand
	rules        []*Rule
	bandwidth    int64
	limiter      *rate.Limiter
	clockSkew    time.Duration
	tokenLife    time.Duration
	expireBefore time.Time
	fired        map[FaultKind]int64
}

// NewFaults returns an empty plan whose random choices follow seed.
func NewFaults(seed int64) *Faults { return &Faults{seed: seed} }

// Add appends a rule and returns the plan, for chaining.
func (f *Faults) Add(r Rule) *Faults {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Delay > maxStall {
		r.Delay = maxStall
	}
	r.seen, r.fired = 0, 0
	f.rules = append(f.rules, &r)
	return f
}

// Clear removes every rule and plan-wide setting except the seed.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules, f.bandwidth, f.limiter, f.clockSkew, f.tokenLife, f.expireBefore = nil, 0, nil, 0, 0, time.Time{}
}

// SetBandwidth caps request and response bodies of all connections together
// at bytesPerSec; 0 removes the cap.
func (f *Faults) SetBandwidth(bytesPerSec int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bandwidth, f.limiter = bytesPerSec, nil
	if bytesPerSec > 0 {
		f.limiter = newLimiter(bytesPerSec)
	}
}

// SetClockSkew shifts the server's clock by d: a negative skew of more than
// 15 minutes makes SDK requests fail with RequestTimeTooSkewed, a positive
// one beyond their signature's end with "Request has expired".
func (f *Faults) SetClockSkew(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clockSkew = d
}

// SetTokenLifetime makes every temporary credential expire d after it was
// issued, whatever its stated expiry; 0 restores normal expiry.
func (f *Faults) SetTokenLifetime(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokenLife = d
}

// ExpireTokens makes every temporary credential issued so far expired.
func (f *Faults) ExpireTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expireBefore = time.Now().Add(f.clockSkew)
}

// Fired reports how many times each kind of fault has fired.
func (f *Faults) Fired() map[FaultKind]int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[FaultKind]int64, len(f.fired))
	for k, v := range f.fired {
		out[k] = v
	}
	return out
}

func (f *Faults) skew() time.Duration {
	if f == nil {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.clockSkew
}

func (f *Faults) bandwidthLimiter() *rate.Limiter {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.limiter
}

func (f *Faults) tokenExpiredEarly(issued, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tokenLife > 0 && now.Sub(issued) >= f.tokenLife {
		return true
	}
	return !f.expireBefore.IsZero() && !issued.After(f.expireBefore)
}

// faultAction is what the plan decided for one request.
type faultAction struct {
	err           *apiError
	stallBefore   time.Duration
	stallAt       int64 // -1: none
	stallFor      time.Duration
	resetAt       int64 // -1: none
	completeError bool
	completeDrop  bool
}

// decide walks the rules for one request to api.
func (f *Faults) decide(api string) faultAction {
	act := faultAction{stallAt: -1, resetAt: -1}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rng == nil {
		seed := f.seed
		if seed == 0 {
			seed = 1
		}
		f.rng = rand.New(rand.NewSource(seed))
	}
	for _, r := range f.rules {
		if r.API != "" && !strings.EqualFold(r.API, api) {
			continue
		}
		if r.Kind == CompleteError || r.Kind == CompleteDrop {
			if api != "CompleteMultipartUpload" {
				continue
			}
		}
		if r.Times > 0 && r.fired >= r.Times {
			continue
		}
		r.seen++
		var fire bool
		switch {
		case r.Nth > 0:
			fire = r.seen == r.Nth
		case r.Share > 0:
			fire = f.rng.Float64() < r.Share
		default:
			fire = true
		}
		if !fire {
			continue
		}
		r.fired++
		if f.fired == nil {
			f.fired = map[FaultKind]int64{}
		}
		f.fired[r.Kind]++
		switch r.Kind {
		case Fail500:
			act.err = errInternal
		case SlowDown:
			act.err = errSlowDown
		case TooMany:
			act.err = errTooManyRequests
		case Reset:
			act.resetAt = r.After
		case Stall:
			if r.After > 0 {
				act.stallAt, act.stallFor = r.After, r.Delay
			} else {
				act.stallBefore = r.Delay
			}
		case CompleteError:
			act.completeError = true
		case CompleteDrop:
			act.completeDrop = true
		}
		if act.err != nil {
			return act
		}
	}
	return act
}

// ParseFaults reads the text form documented on Faults. An empty spec gives
// an empty plan.
func ParseFaults(spec string) (*Faults, error) {
	f := NewFaults(1)
	for _, item := range strings.Split(spec, ";") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if k, v, ok := strings.Cut(item, "="); ok && !strings.Contains(k, ":") {
			if err := f.setOption(strings.TrimSpace(k), strings.TrimSpace(v)); err != nil {
				return nil, err
			}
			continue
		}
		kind, params, _ := strings.Cut(item, ":")
		r := Rule{Kind: FaultKind(strings.TrimSpace(kind))}
		switch r.Kind {
		case Fail500, SlowDown, TooMany, Reset, Stall, CompleteError, CompleteDrop:
		default:
			return nil, fmt.Errorf("faults: unknown fault %q", kind)
		}
		for _, p := range strings.Split(params, ",") {
			if strings.TrimSpace(p) == "" {
				continue
			}
			k, v, ok := strings.Cut(p, "=")
			if !ok {
				return nil, fmt.Errorf("faults: %q: want key=value", p)
			}
			if err := r.set(strings.TrimSpace(k), strings.TrimSpace(v)); err != nil {
				return nil, fmt.Errorf("faults: %s: %w", item, err)
			}
		}
		f.Add(r)
	}
	return f, nil
}

func (f *Faults) setOption(k, v string) error {
	switch k {
	case "seed":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("faults: seed: %w", err)
		}
		f.seed, f.rng = n, nil
	case "bandwidth":
		n, err := parseSize(v)
		if err != nil {
			return fmt.Errorf("faults: bandwidth: %w", err)
		}
		f.SetBandwidth(n)
	case "skew":
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("faults: skew: %w", err)
		}
		f.SetClockSkew(d)
	case "token-life":
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("faults: token-life: %w", err)
		}
		f.SetTokenLifetime(d)
	default:
		return fmt.Errorf("faults: unknown setting %q", k)
	}
	return nil
}

func (r *Rule) set(k, v string) error {
	var err error
	switch k {
	case "api":
		r.API = v
	case "share":
		r.Share, err = strconv.ParseFloat(v, 64)
		if err == nil && (r.Share < 0 || r.Share > 1) {
			err = fmt.Errorf("share %v outside 0..1", r.Share)
		}
	case "nth":
		r.Nth, err = strconv.Atoi(v)
	case "times":
		r.Times, err = strconv.Atoi(v)
	case "after":
		r.After, err = parseSize(v)
	case "delay":
		r.Delay, err = time.ParseDuration(v)
	default:
		err = fmt.Errorf("unknown key %q", k)
	}
	return err
}

// parseSize reads "512", "64KiB", "1MiB", "2GiB" (also KB/MB/GB as 1000s).
func parseSize(v string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSuffix(v, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q", v)
	}
	return n * mult, nil
}

// newLimiter returns a token bucket for bytesPerSec whose burst is small
// enough to keep the rate smooth at 100 KB/s.
func newLimiter(bytesPerSec int64) *rate.Limiter {
	burst := int64(64 << 10)
	if bytesPerSec < burst {
		burst = bytesPerSec
	}
	return rate.NewLimiter(rate.Limit(bytesPerSec), int(burst))
}
