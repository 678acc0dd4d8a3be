package localcos

import (
	"sync"
)

// Stats are the server's counters, also served as JSON at GET /-/stats on
// the credential listener.
type Stats struct {
	// Requests counts COS requests by API name (PutObject, UploadPart,
	// CompleteMultipartUpload, ..., and "sts:/sts" etc. for the credential
	// server) and HTTP status; status 0 means the connection was reset or
	// dropped by the fault plan.
	Requests map[string]map[int]int64 `json:"requests"`
	// BytesReceived is request-body bytes read by the COS listener.
	BytesReceived int64 `json:"bytesReceived"`
	// BytesSent is response-body bytes written by the COS listener.
	BytesSent int64 `json:"bytesSent"`
	// Faults counts injected faults by kind.
	Faults map[FaultKind]int64 `json:"faults"`
	// InFlight counts the COS requests being handled now by API name (a
	// request a stall holds included), so a test can act while one is
	// in flight: the soak kills the uploader while its
	// InitiateMultipartUpload is held.
	InFlight map[string]int64 `json:"inFlight,omitempty"`
}

// Count is the number of requests to api with any status.
func (s Stats) Count(api string) int64 {
	var n int64
	for _, c := range s.Requests[api] {
		n += c
	}
	return n
}

// CountStatus is the number of requests to api answered with status.
func (s Stats) CountStatus(api string, status int) int64 { return s.Requests[api][status] }

type statsCounter struct {
	mu       sync.Mutex
	requests map[string]map[int]int64
	in, out  int64
	inFlight map[string]int64
}

func newStatsCounter() *statsCounter {
	return &statsCounter{requests: map[string]map[int]int64{}, inFlight: map[string]int64{}}
}

// handling counts a request to api as in flight until the returned func
// is called.
func (c *statsCounter) handling(api string) func() {
	c.mu.Lock()
	c.inFlight[api]++
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.inFlight[api]--; c.inFlight[api] == 0 {
			delete(c.inFlight, api)
		}
	}
}

func (c *statsCounter) request(api string, status int, in, out int64) {
	if api == "" {
		api = "Unknown"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.requests[api]
	if m == nil {
		m = map[int]int64{}
		c.requests[api] = m
	}
	m[status]++
	c.in += in
	c.out += out
}

func (c *statsCounter) snapshot(f *Faults) Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := Stats{Requests: make(map[string]map[int]int64, len(c.requests)), BytesReceived: c.in, BytesSent: c.out, Faults: f.Fired()}
	for api, m := range c.requests {
		cp := make(map[int]int64, len(m))
		for k, v := range m {
			cp[k] = v
		}
		s.Requests[api] = cp
	}
	if len(c.inFlight) > 0 {
		s.InFlight = make(map[string]int64, len(c.inFlight))
		for api, n := range c.inFlight {
			s.InFlight[api] = n
		}
	}
	return s
}
