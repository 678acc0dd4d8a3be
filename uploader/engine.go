package uploader

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
	"golang.org/x/time/rate"

	"cosdrop/auth"
	"cosdrop/receipt"
)

// Engine uploads tasks to one bucket and journals them.
//
// One goroutine, the engine loop (loop.go), owns every task, the run
// queue, the batches, the totals and the change log. A task's lifecycle is
// the pure function next(state, event) -> (state, effects) in machine.go.
// Control calls (Pause, Resume, Retry, Cancel, Remove, ClearFinished, ...)
// are messages to the loop and return at once; workers report typed
// results to it; folder walkers send it batches of new records. Each loop
// step applies every waiting message, writes their journal changes in one
// transaction, and only then publishes them: a change becomes visible
// through Changes and Events only after it is durable, and a journal
// failure is itself an event that moves the task to Failed.
//
// Reads (Changes, Get, Totals, BatchResult, History) are served from the
// loop's published state under a read lock the loop takes only to publish,
// never across I/O, so a read never waits on the network or a disk flush,
// and only the loop ever writes a task. (A request/reply to the loop would
// make every UI poll wait behind the loop's journal commit; a fully
// immutable copy per step would cost O(tasks) per step.) A task nobody is
// working on is kept as a small stub; its details are read back from the
// journal when asked for. Every exported method is safe for concurrent use
// from any goroutine.
type Engine struct {
	cfg     Config
	j       *journal
	store   objectStore
	adapt   *adaptive   // the in-flight limit: found while running, or pinned
	parts   *partBudget // part bytes in flight, bounded by the measured line (inflight.go)
	client  *cos.Client
	base    http.RoundTripper // shared transport, unsigned (server-signed PUTs)
	gate    *gate
	limiter *rate.Limiter
	limited atomic.Bool // a rate limit is set (skip the limiter otherwise)
	events  eventQueue
	inbox   inbox

	ctx      context.Context // ends at Close: stops walkers, workers and questions
	cancel   context.CancelFunc
	wg       sync.WaitGroup // walkers, workers, aborts, questions
	loopDone chan struct{}
	closing  atomic.Bool
	crashed  atomic.Bool // test hook: stop writing, as if killed
	// headDenied: COS refused HeadObject with fresh credentials (Tencent's
	// sample STS policies grant no reads), so conflicts are decided by
	// x-cos-forbid-overwrite alone and nothing asks again.
	headDenied atomic.Bool
	// getDenied: COS refused GetObject as well, so what a lost Complete
	// left cannot be read at all (settle.go).
	getDenied atomic.Bool
	// failCommit, when set (tests), makes journal commits fail with its error.
	failCommit atomic.Pointer[error]
	nextBatch  atomic.Uint64
	// Receipts (receipts.go): the writer, this journal's machine tag and
	// who sends.
	rw              *receiptWriter
	receiptTag      string
	sender          receipt.Who
	receiptsWaiting atomic.Int64 // for Totals, recounted after each receipt write to the journal
	commits         atomic.Int64 // journal transactions written (tests)

	// Published state: written only by the loop, under mu.
	mu       sync.RWMutex
	tasks    map[TaskID]*entry
	version  uint64
	log      changeLog
	scanning int
	counts   map[State]int
	bytes    int64             // sum of sizes
	acked    int64             // sum of acknowledged bytes
	pending  int64             // bytes not yet acknowledged of unfinished tasks
	speedSum float64           // bytes per second COS acknowledged, from meter
	meter    ackMeter          // the engine's speed (feed.go)
	active   map[TaskID]*entry // running tasks, for the sampler

	// Loop-only state.
	queue        []*entry // FIFO of candidates; stale entries are skipped
	concurrency  int
	running      int
	runningLarge int
	batches      map[BatchID]*batch
	byPath       map[uint64]*entry // ResumeExisting index, by pathHash
	nextID       TaskID
	aborts       int  // aborts in flight; the loop ends only when none is left
	quiesced     bool // closing: start no worker or question
	stopping     bool
}

// batch tracks one Add call (loop-only).
type batch struct {
	time      time.Time
	scanning  bool
	pending   int // tasks not in a final state
	announced bool

	decision ConflictPolicy // Ask's answer, once given
	askErr   error          // the user declined
	asking   *askReq        // the question on screen
	waiters  []*askReq      // tasks waiting for the answer
}

// New opens the journal in cfg.StateDir, loads its tasks and starts the
// engine loop. Unfinished tasks are queued again when cfg.AutoResume is
// set, else they wait in Paused.
func New(cfg Config) (*Engine, error) {
	cfg.setDefaults()
	if cfg.StateDir == "" {
		return nil, errors.New("uploader: Config.StateDir is required")
	}
	if cfg.Signer == nil && cfg.Credentials == nil {
		return nil, errors.New("uploader: Config.Credentials (or Signer) is required")
	}
	if cfg.Signer == nil {
		if _, err := url.Parse(cfg.BucketURL); err != nil || cfg.BucketURL == "" {
			return nil, fmt.Errorf("uploader: invalid bucket URL %q", cfg.BucketURL)
		}
	}
	j, err := openJournal(cfg.StateDir, cfg.BucketURL)
	if err != nil {
		return nil, err
	}
	e := &Engine{
		cfg: cfg, j: j, gate: newGate(cfg.Concurrency), concurrency: cfg.Concurrency,
		tasks: map[TaskID]*entry{}, active: map[TaskID]*entry{}, batches: map[BatchID]*batch{}, counts: map[State]int{},
		limiter: rate.NewLimiter(rate.Inf, 256<<10), loopDone: make(chan struct{}),
	}
	e.inbox.signal = make(chan struct{}, 1)
	if cfg.ResumeExisting {
		e.byPath = map[uint64]*entry{}
	}
	e.SetRateLimit(cfg.RateLimit)
	e.client = e.newClient()
	e.store = cfg.store
	if e.store == nil {
		e.store = cosStore{c: e.client}
	}
	e.adapt = newAdaptive(cfg.Concurrency, !cfg.autoConcurrency, e.applyConcurrency)
	e.gate.setSmallExtra(cfg.autoConcurrency)
	e.store = measuredStore{objectStore: e.store, a: e.adapt}
	e.parts = newPartBudget(!cfg.autoConcurrency, time.Now)
	e.gate.small.line = func() int64 { n, _ := e.parts.Limit(); return n } // smallgate.go
	e.gate.kick = func() { e.inbox.put(kickMsg{}) }
	e.store = budgetStore{objectStore: e.store, b: e.parts}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	if err := e.load(); err != nil {
		j.close()
		return nil, err
	}
	if cfg.Receipts.Prefix != "" {
		// A journal that cannot keep the tag writes no receipts; its
		// uploads go on.
		e.receiptTag, _ = j.receiptTag(newReceiptTag)
		e.sender = sender(cfg.Receipts.Label)
	}
	e.countReceipts()
	e.startReceipts() // before the loop, which pokes it
	go e.loop()
	e.inbox.put(kickMsg{})
	return e, nil
}

// load reads the journal's tasks before the loop starts (so it needs no lock
// against readers, none of which can exist yet).
func (e *Engine) load() error {
	return e.j.loadTasks(func(r *record) {
		if !r.State.Final() {
			r.State = Paused
			if e.cfg.AutoResume {
				r.State = Queued
			}
		}
		t := &entry{}
		t.summarize(r) // a stub: the journal holds the rest
		e.tasks[r.ID] = t
		e.nextID = max(e.nextID, r.ID)
		if uint64(r.Batch) > e.nextBatch.Load() {
			e.nextBatch.Store(uint64(r.Batch))
		}
		e.batch(r.Batch).announced = true
		e.account(t, +1)
		e.touch(t)
		if e.byPath != nil {
			e.byPath[pathHash(r.Path)] = t
		}
		if r.State == Queued {
			e.queue = append(e.queue, t)
		}
	})
}

// newClient builds the engine's SDK client (newCOSClient) and keeps its
// unsigned transport for server-signed PUTs.
func (e *Engine) newClient() *cos.Client {
	c, base := newCOSClient(e.cfg)
	e.base = base
	return c
}

// newCOSClient builds the SDK client over one shared transport with enough
// idle connections for the concurrency (Go's default of 2 per host would
// reconnect constantly), signing each attempt through auth.Transport. It
// returns the unsigned transport too. The engine and Bucket share it, so
// a reader signs, refreshes credentials and goes through the profile's
// proxy exactly as an upload does.
func newCOSClient(cfg Config) (*cos.Client, http.RoundTripper) {
	var base http.RoundTripper
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport != nil {
		base = cfg.HTTPClient.Transport
	} else {
		base = &http.Transport{
			Proxy:                 proxyOf(cfg),
			TLSClientConfig:       &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12},
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:          512,
			MaxIdleConnsPerHost:   256,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   15 * time.Second,
			ResponseHeaderTimeout: 2 * time.Minute,
			ExpectContinueTimeout: time.Second,
			// 64 KiB, not more: the adaptive limit can keep 128 connections
			// open (and small files on a long line 256 more), and each holds
			// its buffers (256 KiB cost 30 MiB of RSS on a 100,000-file run for
			// no measurable gain in throughput). The read side keeps Go's 4 KiB:
			// it reads answers of a few hundred bytes and, rarely, a listing.
			WriteBufferSize: 64 << 10,
		}
	}
	rt := base
	if cfg.Credentials != nil {
		rt = auth.NewTransport(cfg.Credentials, base)
	}
	hc := &http.Client{Transport: rt}
	u, _ := url.Parse(cfg.BucketURL)
	c := cos.NewClient(&cos.BaseURL{BucketURL: u}, hc)
	c.Conf.EnableCRC = false                     // the engine checks CRC64 itself, with its own error codes
	c.Conf.RetryOpt = cos.RetryOptions{Count: 1} // the engine retries, with backoff and a budget
	c.Conf.RequestBodyClose = false
	return c, base
}

// proxyOf is the configured proxy chooser, or the environment's.
func proxyOf(cfg Config) func(*http.Request) (*url.URL, error) {
	if cfg.Proxy != nil {
		return cfg.Proxy
	}
	return http.ProxyFromEnvironment
}

// rawClient sends requests that carry their own signature.
func (e *Engine) rawClient() *http.Client {
	return &http.Client{Transport: e.base, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Close pauses running tasks (they resume from their acknowledged parts
// next time), waits for them and for aborts in flight to end and be
// journaled, and closes the journal.
func (e *Engine) Close() error {
	if !e.closing.CompareAndSwap(false, true) {
		return nil
	}
	e.shutdown()
	return e.j.close()
}

// shutdown ends the walkers, workers and questions (a stopped worker's task
// becomes Paused), waits for them and for aborts in flight, lets the loop
// journal what they reported, and stops it.
func (e *Engine) shutdown() {
	// First the loop stops starting workers and questions, so nothing
	// joins the wait group while Close waits on it.
	q := quiesceMsg{done: make(chan struct{})}
	e.inbox.put(q)
	<-q.done
	e.cancel()
	e.wg.Wait()
	e.stopReceipts() // its last pass's results reach the journal before the loop stops
	e.inbox.put(stopMsg{})
	<-e.loopDone
	e.events.close()
}

// crash stops the engine as a kill -9 would: nothing more reaches the
// journal. Tests reopen the state directory afterwards.
func (e *Engine) crash() {
	e.crashed.Store(true)
	if !e.closing.CompareAndSwap(false, true) {
		return
	}
	e.shutdown()
	e.j.close()
}
