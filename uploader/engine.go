package uploader

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
	"golang.org/x/time/rate"

	"cosdrop/auth"
)

// Engine uploads tasks to one bucket and journals them.
//
// Thread-safety contract: every exported method is safe for concurrent use
// from any goroutine and never blocks on the network. Add returns at once
// (folders are walked in the background); Pause, Cancel and Remove return
// once the request is recorded and the work winds down in the background.
// The engine reports only through return values, Changes, Totals and
// Events; it never calls back into the caller except AskConflict, which it
// calls from its own goroutine. A change becomes visible through Changes
// only after it is durable in the journal.
type Engine struct {
	cfg     Config
	j       *journal
	client  *cos.Client
	base    http.RoundTripper // shared transport, unsigned (server-signed PUTs)
	gate    *gate
	limiter *rate.Limiter
	limited atomic.Bool // a rate limit is set (skip the limiter otherwise)
	events  eventQueue

	ctx    context.Context // ends at Close: stops walkers and the dispatcher
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{}

	crashed atomic.Bool // test hook: stop writing, as if killed

	mu           sync.Mutex
	tasks        map[TaskID]*task
	running      map[TaskID]*task
	queue        []TaskID // FIFO of candidates; stale entries are skipped
	concurrency  int
	runningLarge int // running tasks that go by multipart
	version      uint64
	log          []change // ascending versions; see Changes
	batches      map[BatchID]*batch
	byPath       map[string]TaskID // ResumeExisting index
	nextID       TaskID
	nextBatch    BatchID
	scanning     int
	closed       bool

	// Totals, maintained incrementally so Totals() is O(running tasks).
	counts       map[State]int
	totalBytes   int64
	settledAcked int64
	pendingBytes int64
	pendingAcked int64
}

// batch tracks one Add call.
type batch struct {
	time      time.Time
	scanning  bool
	pending   int // tasks not in a final state
	announced bool

	askMu    sync.Mutex
	decision ConflictPolicy // Ask's answer, once given
	askErr   error
}

// New opens the journal in cfg.StateDir, loads its tasks and starts the
// scheduler. Unfinished tasks are queued again when cfg.AutoResume is set,
// else they wait in Paused.
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
		wake: make(chan struct{}, 1), tasks: map[TaskID]*task{}, running: map[TaskID]*task{},
		batches: map[BatchID]*batch{}, counts: map[State]int{},
		limiter: rate.NewLimiter(rate.Inf, 256<<10),
	}
	if cfg.ResumeExisting {
		e.byPath = map[string]TaskID{}
	}
	e.SetRateLimit(cfg.RateLimit)
	e.client = e.newClient()
	e.ctx, e.cancel = context.WithCancel(context.Background())

	var resume []*task
	err = j.loadTasks(func(r *record) {
		if !r.State.Final() && r.State != Paused {
			if cfg.AutoResume {
				r.State = Queued
			} else {
				r.State = Paused
			}
		}
		if r.State == Paused && cfg.AutoResume {
			r.State = Queued
		}
		t := &task{rec: *r}
		e.tasks[r.ID] = t
		e.nextID = max(e.nextID, r.ID)
		e.nextBatch = max(e.nextBatch, r.Batch)
		b := e.batchLocked(r.Batch)
		b.announced = true
		e.accountLocked(&t.rec, +1)
		e.touchLocked(t)
		if e.byPath != nil {
			e.byPath[r.Path] = r.ID
		}
		if r.State == Queued {
			resume = append(resume, t)
		}
	})
	if err != nil {
		j.close()
		return nil, err
	}
	for _, t := range resume {
		e.queue = append(e.queue, t.rec.ID)
	}
	e.wg.Add(2)
	go e.dispatch()
	go e.sample()
	e.kick()
	return e, nil
}

// newClient builds the SDK client over one shared transport with enough
// idle connections for the concurrency (Go's default of 2 per host would
// reconnect constantly), signing each attempt through auth.Transport.
func (e *Engine) newClient() *cos.Client {
	var base http.RoundTripper
	if e.cfg.HTTPClient != nil && e.cfg.HTTPClient.Transport != nil {
		base = e.cfg.HTTPClient.Transport
	} else {
		base = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:          512,
			MaxIdleConnsPerHost:   256,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   15 * time.Second,
			ResponseHeaderTimeout: 2 * time.Minute,
			ExpectContinueTimeout: time.Second,
			WriteBufferSize:       256 << 10,
			ReadBufferSize:        64 << 10,
		}
	}
	e.base = base
	rt := base
	if e.cfg.Credentials != nil {
		rt = auth.NewTransport(e.cfg.Credentials, base)
	}
	hc := &http.Client{Transport: rt}
	u, _ := url.Parse(e.cfg.BucketURL)
	c := cos.NewClient(&cos.BaseURL{BucketURL: u}, hc)
	c.Conf.EnableCRC = false                     // the engine checks CRC64 itself, with its own error codes
	c.Conf.RetryOpt = cos.RetryOptions{Count: 1} // the engine retries, with backoff and a budget
	c.Conf.RequestBodyClose = false
	return c
}

// rawClient sends requests that carry their own signature.
func (e *Engine) rawClient() *http.Client {
	return &http.Client{Transport: e.base, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Close pauses running tasks (they resume from their acknowledged parts
// next time), waits for them to persist, and closes the journal.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	for _, t := range e.running {
		t.run.cancel(errClosing)
	}
	e.mu.Unlock()
	e.cancel()
	e.wg.Wait()
	e.events.close()
	return e.j.close()
}

// crash stops the engine as a kill -9 would: nothing more reaches the
// journal. Tests reopen the state directory afterwards.
func (e *Engine) crash() {
	e.crashed.Store(true)
	e.mu.Lock()
	e.closed = true
	for _, t := range e.running {
		t.run.cancel(errCrashed)
	}
	e.mu.Unlock()
	e.cancel()
	e.wg.Wait()
	e.events.close()
	e.j.close()
}

func (e *Engine) kick() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func (e *Engine) batchLocked(id BatchID) *batch {
	b := e.batches[id]
	if b == nil {
		b = &batch{time: e.cfg.Now()}
		e.batches[id] = b
	}
	return b
}

// touchLocked gives t a new version and logs it for the change feed.
func (e *Engine) touchLocked(t *task) {
	e.version++
	t.version = e.version
	e.log = append(e.log, change{version: e.version, id: t.rec.ID})
	if len(e.log) > 2*len(e.tasks)+4096 {
		e.compactLogLocked()
	}
}

// accountLocked adds (sign=+1) or removes (-1) r from the running totals.
func (e *Engine) accountLocked(r *record, sign int) {
	s64 := int64(sign)
	e.counts[r.State] += sign
	e.totalBytes += s64 * r.Size
	e.settledAcked += s64 * r.Acked
	if !r.State.Final() {
		e.pendingBytes += s64 * r.Size
		e.pendingAcked += s64 * r.Acked
		e.batchLocked(r.Batch).pending += sign
	}
}

// checkBatchLocked announces a batch once all its tasks are final.
func (e *Engine) checkBatchLocked(id BatchID) {
	b := e.batches[id]
	if b == nil {
		return
	}
	if b.pending > 0 || b.scanning {
		b.announced = false
		return
	}
	if !b.announced {
		b.announced = true
		e.events.push(Event{Kind: EventBatchDone, Batch: id, Time: time.Now()})
	}
}

// update applies fn to a copy of t's record, makes it durable, then
// publishes it. dropParts also forgets the task's journaled parts.
func (e *Engine) update(t *task, dropParts bool, fn func(r *record)) error {
	return e.apply(t, true, dropParts, fn)
}

// publish is update for transient states (uploading, completing,
// verifying) that a restart does not need: after a crash every unfinished
// task comes back queued or paused anyway. It skips the fsync, so a small
// file costs one journal commit (its final state), not three. The change is
// written with the task's next durable update.
func (e *Engine) publish(t *task, fn func(r *record)) error {
	return e.apply(t, false, false, fn)
}

func (e *Engine) apply(t *task, durable, dropParts bool, fn func(r *record)) error {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	e.mu.Lock()
	if t.gone {
		e.mu.Unlock()
		return errRemoved
	}
	r := cloneRecord(t.rec)
	e.mu.Unlock()
	fn(&r)
	if e.crashed.Load() {
		return errCrashed
	}
	if durable {
		if err := e.j.saveTask(&r, dropParts); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	old := t.rec
	e.accountLocked(&old, -1)
	t.rec = r
	e.accountLocked(&t.rec, +1)
	e.touchLocked(t)
	if old.State != r.State {
		if k, ok := eventFor[r.State]; ok {
			e.events.push(Event{Kind: k, Batch: r.Batch, Task: r.ID, Snapshot: t.snapshotLocked(), Time: time.Now()})
		}
	}
	if old.Batch != r.Batch {
		e.checkBatchLocked(old.Batch)
	}
	e.checkBatchLocked(r.Batch)
	return nil
}

// noteError appends a retried failure to the task's error list (in memory;
// it is journaled with the next state change).
func (e *Engine) noteError(t *task, op string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := cloneRecord(t.rec)
	r.addError(toTaskError(op, err, time.Now()))
	t.rec = r
	e.touchLocked(t)
}

func (e *Engine) record(t *task) record {
	e.mu.Lock()
	defer e.mu.Unlock()
	return t.rec
}

// dispatch starts queued tasks while fewer than Concurrency run. Each task
// then takes a slot of the global gate per request, so parts of one big
// file and many small files share one limit.
func (e *Engine) dispatch() {
	defer e.wg.Done()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-e.wake:
		}
		e.mu.Lock()
		for !e.closed && len(e.queue) > 0 {
			id := e.queue[0]
			t := e.tasks[id]
			if t == nil || t.rec.State != Queued || t.run != nil || t.held {
				e.queue = e.queue[1:]
				continue
			}
			if !e.canStartLocked(t) {
				break
			}
			e.queue = e.queue[1:]
			e.startLocked(t)
		}
		if len(e.queue) == 0 {
			e.queue = nil // let a drained 100k-entry backing array go
		}
		e.mu.Unlock()
	}
}

// smallRunFactor is how many more small files than the concurrency may be
// running. A small file spends much of its run outside any request (opening
// and checking the file, its journal commit), so with only Concurrency of
// them running the request slots sit idle; the gate still bounds requests
// in flight to Concurrency.
const smallRunFactor = 4

// canStartLocked applies the running-task limits: up to Concurrency large
// (multipart) files, each of which keeps every request slot busy alone, and
// up to smallRunFactor times as many tasks in all.
func (e *Engine) canStartLocked(t *task) bool {
	if len(e.running) >= smallRunFactor*e.concurrency {
		return false
	}
	return !e.isLarge(&t.rec) || e.runningLarge < e.concurrency
}

// isLarge reports whether r will (or did) go by multipart upload.
func (e *Engine) isLarge(r *record) bool {
	if e.cfg.Signer != nil {
		return false
	}
	return r.UploadID != "" || r.Size > partSizeFor(r.Size, e.cfg.PartSize)
}

func (e *Engine) startLocked(t *task) {
	ctx, cancel := context.WithCancelCause(e.ctx)
	rs := &runState{ctx: ctx, cancel: cancel, done: make(chan struct{}), lastTime: time.Now(), large: e.isLarge(&t.rec)}
	if rs.large {
		e.runningLarge++
	}
	t.run = rs
	e.running[t.rec.ID] = t
	e.wg.Add(1)
	go e.runTask(t, rs)
}

// runTask is the one path every task takes, whatever it came from.
func (e *Engine) runTask(t *task, rs *runState) {
	defer e.wg.Done()
	err := e.process(rs.ctx, t, rs)
	if err != nil && !errors.Is(err, errCrashed) {
		e.settle(t, rs, err)
	}
	e.mu.Lock()
	t.run = nil
	delete(e.running, t.rec.ID)
	if rs.large {
		e.runningLarge--
	}
	if !t.gone {
		e.touchLocked(t) // speed and ETA drop to zero
	}
	e.mu.Unlock()
	rs.cancel(nil)
	close(rs.done)
	e.kick()
}

// settle records how a run ended when it did not succeed.
func (e *Engine) settle(t *task, rs *runState, err error) {
	cause := err
	if rs.ctx.Err() != nil {
		cause = context.Cause(rs.ctx)
	}
	switch {
	case errors.Is(cause, errCrashed), errors.Is(cause, errRemoved):
		return
	case errors.Is(cause, errPaused), errors.Is(cause, errClosing):
		e.update(t, false, func(r *record) {
			r.State = Paused
			r.Acked = rs.committed.Load()
			if rs.simple && r.UploadID == "" {
				r.Acked = 0
				r.Note = "Paused. A file this small is sent in one request, so resuming sends it again from the start."
			}
		})
	case errors.Is(cause, errCanceled):
		rec := e.record(t)
		note, te := e.abort(rec)
		e.update(t, true, func(r *record) {
			r.State = Canceled
			r.Acked = 0
			r.Note = note
			r.UploadID = ""
			if te != nil {
				r.addError(*te)
			}
		})
	default:
		te := toTaskError(opOf(err), err, time.Now())
		e.update(t, false, func(r *record) {
			r.State = Failed
			r.Acked = rs.committed.Load()
			r.addError(te)
			r.Finished = stampNow()
		})
	}
}

// opOf extracts the operation prefix ("upload part 3") from a wrapped error.
func opOf(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i > 0 {
		return s[:i]
	}
	return ""
}

// abort ends a multipart upload on the server after a cancel. It returns a
// note for the user and, when COS refused, the error.
func (e *Engine) abort(r record) (string, *TaskError) {
	if r.UploadID == "" || e.cfg.Signer != nil {
		return "", nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := retrier{e: e, op: "abort"}.do(ctx, nil, func(ctx context.Context) error {
		_, err := e.client.Object.AbortMultipartUpload(ctx, r.Key, r.UploadID)
		if er, ok := cosError(err); ok && er.Code == "NoSuchUpload" {
			return nil // already gone
		}
		return err
	})
	if err == nil {
		return "Canceled; the parts already sent were deleted from COS.", nil
	}
	te := toTaskError("abort", err, time.Now())
	if te.HTTPStatus == http.StatusForbidden {
		te.Code = CodeAbortDenied
		return "Canceled, but COS refused to delete the parts already sent (AccessDenied): they stay in the bucket, and are billed, until a lifecycle rule or an administrator removes upload " + r.UploadID + ".", &te
	}
	return "Canceled, but the parts already sent could not be deleted from COS (" + te.Message + "); upload " + r.UploadID + " stays open until a lifecycle rule removes it.", &te
}
