package watch

import (
	"context"
	"hash/crc64"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/uploader"
)

const (
	testID  = "AKIDwatchtest000000001"
	testKey = "watchTestSecretKey0123456789abcd"
	settle  = 2 * time.Second // on the fake clock
	// bound is the real time any wait here allows before calling the test
	// stuck. It only ends a stuck test: TestThousandFilesAtOnce's 1,000
	// uploads took 19 s under -race on 2 cores at a load average of 14, a
	// third of the 60 s this was; more work beside it could use the rest.
	bound = 3 * time.Minute
)

// clock is the fake clock settling runs on.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// harness is localcos over loopback, a real engine with a real journal,
// and a watcher over a real folder with real fsnotify, driven by a fake
// clock and hand-sent ticks.
type harness struct {
	t      *testing.T
	srv    *localcos.Server
	state  string
	dir    string // the watched folder
	e      *uploader.Engine
	w      *Watcher
	log    *Log
	clk    *clock
	tick   chan time.Time
	rescan chan time.Time

	mu        sync.Mutex
	decisions []Decision

	prefix string // the engine's key template
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	srv := localcostest.Start(t, localcos.Config{SecretID: testID, SecretKey: testKey})
	h := &harness{t: t, srv: srv, state: t.TempDir(), dir: filepath.Join(t.TempDir(), "Shots"), clk: &clock{t: time.Unix(1_700_000_000, 0)}}
	if err := os.MkdirAll(h.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return h
}

// start opens the engine (if closed) and a watcher; edit changes the options.
func (h *harness) start(edit func(*Options)) {
	h.t.Helper()
	if h.e == nil {
		e, err := uploader.New(uploader.Config{StateDir: h.state, BucketURL: h.srv.URL(),
			Credentials:    auth.NewStatic(auth.Credentials{SecretID: testID, SecretKey: testKey}),
			ResumeExisting: true, AutoResume: true, RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond,
			Prefix: h.prefix, Now: h.clk.Now})
		if err != nil {
			h.t.Fatal(err)
		}
		h.e = e
	}
	l, err := OpenLog(h.state)
	if err != nil {
		h.t.Fatal(err)
	}
	h.log = l
	h.tick, h.rescan = make(chan time.Time), make(chan time.Time)
	o := Options{Folders: []string{h.dir}, Engine: h.e, Settle: settle, Log: l, Now: h.clk.Now,
		Tick: h.tick, RescanTick: h.rescan, OnDecision: func(d Decision) {
			h.mu.Lock()
			h.decisions = append(h.decisions, d)
			h.mu.Unlock()
		}}
	if edit != nil {
		edit(&o)
	}
	w, err := Start(o)
	if err != nil {
		h.t.Fatal(err)
	}
	h.w = w
	h.t.Cleanup(h.stop)
	w.sync() // the first scan is done
}

// stop closes the watcher, log and engine (a restart starts them again).
func (h *harness) stop() {
	if h.w != nil {
		h.w.Close()
		h.w = nil
	}
	if h.log != nil {
		h.log.Close()
		h.log = nil
	}
	if h.e != nil {
		h.e.Close()
		h.e = nil
	}
}

// step advances the fake clock by d, sends a settle tick and waits until
// the watcher has handled it.
func (h *harness) step(d time.Duration) {
	h.t.Helper()
	now := h.clk.add(d)
	select {
	case h.tick <- now:
	case <-time.After(bound):
		h.t.Fatal("the watcher took no tick")
	}
	h.w.sync()
}

// doRescan sends a rescan tick and waits until it is handled.
func (h *harness) doRescan() {
	h.rescan <- h.clk.Now()
	h.w.sync()
}

// until steps the clock one settle window at a time until cond holds,
// within a bound of real time.
func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	h.poll(what, settle, cond)
}

// wait is until without moving the clock.
func (h *harness) wait(what string, cond func() bool) {
	h.t.Helper()
	h.poll(what, 0, cond)
}

func (h *harness) poll(what string, d time.Duration, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; decisions: %v", what, h.codes())
		}
		h.step(d)
		time.Sleep(5 * time.Millisecond) // poll interval (bounded above), not a wait for an outcome
	}
}

// count returns how many decisions with code were made for path ("" = any).
func (h *harness) count(code Code, path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, d := range h.decisions {
		if d.Code == code && (path == "" || d.Path == path) {
			n++
		}
	}
	return n
}

func (h *harness) find(code Code, path string) (Decision, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, d := range h.decisions {
		if d.Code == code && d.Path == path {
			return d, true
		}
	}
	return Decision{}, false
}

func (h *harness) codes() map[Code]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := map[Code]int{}
	for _, d := range h.decisions {
		m[d.Code]++
	}
	return m
}

// writes counts the requests that send data.
func (h *harness) writes() int64 {
	s := h.srv.Stats()
	return s.Count("PutObject") + s.Count("UploadPart") + s.Count("InitiateMultipartUpload")
}

// head returns the size and CRC64 COS holds at key.
func (h *harness) head(key string) (size int64, crc uint64, found bool) {
	h.t.Helper()
	u, _ := url.Parse(h.srv.URL())
	c := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testKey}})
	resp, err := c.Object.Head(context.Background(), key, nil)
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return 0, 0, false
		}
		h.t.Fatalf("HEAD %q: %v", key, err)
	}
	size, _ = strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
	crc, _ = strconv.ParseUint(resp.Header.Get("x-cos-hash-crc64ecma"), 10, 64)
	return size, crc, true
}

// objects lists every key in the bucket.
func (h *harness) objects() map[string]bool {
	h.t.Helper()
	u, _ := url.Parse(h.srv.URL())
	c := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testKey}})
	keys := map[string]bool{}
	marker := ""
	for {
		res, _, err := c.Bucket.Get(context.Background(), &cos.BucketGetOptions{Marker: marker, MaxKeys: 1000})
		if err != nil {
			h.t.Fatalf("list: %v", err)
		}
		for _, o := range res.Contents {
			keys[o.Key] = true
		}
		if !res.IsTruncated {
			return keys
		}
		marker = res.NextMarker
		if marker == "" && len(res.Contents) > 0 {
			marker = res.Contents[len(res.Contents)-1].Key
		}
	}
}

func crcOf(b []byte) uint64 { return crc64.Checksum(b, crc64.MakeTable(crc64.ECMA)) }

func writeFile(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
