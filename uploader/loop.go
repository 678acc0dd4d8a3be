package uploader

import (
	"context"
	"errors"
	"sync"
	"time"
)

// inbox is the loop's unbounded FIFO of messages: a sender (a control call,
// a worker, a walker) never blocks, whatever the loop is doing.
type inbox struct {
	mu     sync.Mutex
	q      []any
	signal chan struct{}
}

func (b *inbox) put(m any) {
	b.mu.Lock()
	b.q = append(b.q, m)
	b.mu.Unlock()
	select {
	case b.signal <- struct{}{}:
	default:
	}
}

func (b *inbox) take() []any {
	b.mu.Lock()
	defer b.mu.Unlock()
	q := b.q
	b.q = nil
	return q
}

// Messages the loop handles besides worker reports (report) and questions
// (askMsg, askDoneMsg).
type (
	kickMsg    struct{}
	stopMsg    struct{}                     // Close: journal what is left, then end
	quiesceMsg struct{ done chan struct{} } // Close: start nothing new
	clearMsg   struct{}                     // ClearFinished
	concMsg    struct{ n int }              // SetConcurrency
	ctlMsg     struct {                     // Pause, Resume, Retry, Cancel, Remove and the *All forms
		kind  evKind
		ids   []TaskID
		where func(State) bool // all tasks in these states, when set
	}
	walkedMsg struct { // a walker's new records
		batch       BatchID
		recs        []*record
		start, done bool
		ack         chan struct{} // closed once the records are published
	}
	abortDoneMsg struct {
		t        *entry
		key      string
		uploadID string
		err      error
	}
)

// step collects one loop step's changes: what to write in its single
// journal transaction and what to publish after it.
type step struct {
	touched []*entry
	dirty   []*entry
	ops     []jop
	replies []stepReply
	dropped []*entry
	batches []BatchID // batches to check for completion
	ended   []BatchID // batches that ended in this step (receipts.go)
	written bool      // a receipt's write was confirmed in this step
	durable bool      // the commit wrote the dirty records
	acks    []chan struct{}
}

// jop is one journal operation of a step besides the records.
type jop struct {
	t  *entry
	fn func(journalWriter) error
}

type stepReply struct {
	t  *entry
	ch chan error
}

// loop is the engine's single owner of task state; see Engine.
func (e *Engine) loop() {
	defer close(e.loopDone)
	tk := time.NewTicker(sampleEvery)
	defer tk.Stop()
	aborting := false
	for {
		select {
		case <-e.inbox.signal:
		case now := <-tk.C:
			e.sample(now)
			continue
		}
		st := &step{}
		for _, m := range e.inbox.take() {
			e.handle(m, st)
		}
		if !e.quiesced {
			e.dispatch(st)
		}
		e.commit(st)
		if st.written {
			e.countReceipts()
		}
		e.publish(st)
		if len(st.ended) > 0 {
			e.endBatches(st.ended)
		}
		aborting = e.aborts > 0
		if e.stopping && !aborting {
			return
		}
	}
}

// handle applies one message to the loop's state.
func (e *Engine) handle(m any, st *step) {
	switch m := m.(type) {
	case report:
		e.onReport(m, st)
	case ctlMsg:
		e.control(m, st)
	case walkedMsg:
		e.walked(m, st)
	case abortDoneMsg:
		e.aborted(m, st)
	case leftoverMsg:
		e.noteLeftover(m, st)
	case deletedMsg:
		e.onDeleted(m, st) // undo.go
	case receiptDoneMsg:
		key := m.key
		st.ops = append(st.ops, jop{nil, func(w journalWriter) error { return w.endReceipt(key) }})
		st.written = true
	case askMsg:
		e.onAsk(m)
	case askDoneMsg:
		e.onAskDone(m)
	case clearMsg:
		for _, t := range e.tasks {
			if s := e.stateOf(t); s == Done || s == Skipped || s == Canceled {
				e.fire(t, event{Kind: evRemove}, st)
			}
		}
	case concMsg:
		e.concurrency = m.n
	case quiesceMsg:
		e.quiesced = true
		close(m.done)
	case stopMsg:
		e.stopping = true
	}
}

// control applies a control call to its tasks.
func (e *Engine) control(m ctlMsg, st *step) {
	if m.where != nil {
		for _, t := range e.tasks {
			if !t.gone && m.where(e.stateOf(t)) {
				e.fire(t, event{Kind: m.kind}, st)
			}
		}
		return
	}
	for _, id := range m.ids {
		if t := e.tasks[id]; t != nil && !t.gone {
			e.fire(t, event{Kind: m.kind}, st)
		}
	}
}

// stage returns t's record for changing in this step.
func (e *Engine) stage(t *entry, st *step) *record {
	if t.staged == nil {
		r := cloneRecord(*e.full(t))
		t.staged = &r
	}
	if t.mark&markTouched == 0 {
		t.mark |= markTouched
		st.touched = append(st.touched, t)
	}
	return t.staged
}

// persist marks t's record to be written in this step's commit.
func (e *Engine) persist(t *entry, st *step) {
	e.stage(t, st)
	if t.mark&markDirty == 0 {
		t.mark |= markDirty
		st.dirty = append(st.dirty, t)
	}
}

// fire runs the state machine on t and carries out its effects.
func (e *Engine) fire(t *entry, ev event, st *step) {
	r := e.stage(t, st)
	s := tstate{State: r.State, Running: t.run != nil, Want: t.want,
		Upload: r.UploadID != "" && e.cfg.Signer == nil, Refused: refusedKey(r)}
	ns, eff := next(s, ev)
	r.State, t.want = ns.State, ns.Want
	switch {
	case ns.State.Final() && !s.State.Final():
		r.Finished = stampNow()
	case !ns.State.Final() && s.State.Final():
		r.Finished, r.LastErr, r.Note = 0, nil, Note{}
	}
	if s.Running && !ns.Running {
		e.endRun(t)
	}
	e.apply(t, r, eff, st)
}

// apply carries out a transition's effects.
func (e *Engine) apply(t *entry, r *record, eff effects, st *step) {
	if eff&effStop != 0 && t.run != nil {
		t.run.cancel(causeOf(t.want))
	}
	if eff&effAbort != 0 {
		e.startAbort(t, r, st)
	}
	if eff&effForget != 0 {
		r.UploadID, r.PartSize, r.Acked, r.RequestIDs = "", 0, 0, nil
		r.ETag, r.CRC64, r.Resolved, r.Unverified = "", 0, false, false
		r.Key, r.Requested = r.requested(), "" // a new upload starts from the key asked for
		e.dropParts(t, st)
	}
	if eff&effDropParts != 0 {
		e.dropParts(t, st)
	}
	if eff&(effPersist|effForget|effDropParts) != 0 {
		e.persist(t, st)
	}
	if eff&effQueue != 0 {
		e.queue = append(e.queue, t)
	}
	if eff&effDrop != 0 {
		t.gone = true
		st.dropped = append(st.dropped, t)
		id := r.ID
		st.ops = append(st.ops, jop{t, func(w journalWriter) error { return w.deleteTask(id) }})
	}
	if eff&effRun != 0 {
		e.startRun(t, r)
	}
}

func (e *Engine) dropParts(t *entry, st *step) {
	id := e.full(t).ID
	st.ops = append(st.ops, jop{t, func(w journalWriter) error { return w.dropParts(id) }})
}

// refusedKey reports a task whose key itself is refused.
func refusedKey(r *record) bool {
	return r.LastErr != nil && (r.LastErr.Code == CodeInvalidKey || r.LastErr.Code == CodeDuplicateKey)
}

// causeOf is the cause a worker's context ends with for what was wanted.
func causeOf(w want) error {
	switch w {
	case wantPause, wantRequeue:
		return errPaused
	case wantCancel:
		return errCanceled
	case wantRemove:
		return errRemoved
	case wantFail:
		return errJournalStop
	}
	return errClosing
}

var errJournalStop = errors.New("the journal failed")

// smallRunFactor is how many more small files than the concurrency may be
// running. A small file spends much of its run outside any request (opening
// and checking the file, its journal commit), so with only Concurrency of
// them running the request slots sit idle; the gate still bounds requests
// in flight to Concurrency.
const smallRunFactor = 4

// dispatch starts queued tasks while the running-task limits allow: up to
// Concurrency large (multipart) files, each of which keeps every request
// slot busy alone, and up to smallRunFactor times as many tasks in all.
// Large files are capped at DefaultConcurrency even when the adaptive limit
// grows: a line that needs more requests in flight gets them as more parts
// of those files, not as more half-sent uploads that a kill would strand.
// And the headroom of running small files over the limit is fixed (three
// times the default), not a multiple of the limit, so a limit the
// controller raised to 128 does not hold 512 files open at once.
// The gate's extra slots for small requests (smallgate.go) add their number
// of running tasks, or they could never be used.
// Each task then takes a slot of the global gate per request.
func (e *Engine) dispatch(st *step) {
	for len(e.queue) > 0 {
		t := e.queue[0]
		if t.gone || e.stateOf(t) != Queued || t.run != nil {
			e.queue = e.queue[1:]
			continue
		}
		if e.running >= e.concurrency+(smallRunFactor-1)*DefaultConcurrency+e.gate.smallHeadroom() || e.largeOf(t) && e.runningLarge >= min(e.concurrency, DefaultConcurrency) {
			break
		}
		e.queue = e.queue[1:]
		e.fire(t, event{Kind: evStart}, st)
	}
	if len(e.queue) == 0 {
		e.queue = nil // let a drained 100k-entry backing array go
	}
}

// startRun gives t a worker.
func (e *Engine) startRun(t *entry, r *record) {
	rs := &runState{id: r.ID, t: t, large: e.largeOf(t)}
	rs.meter.reset(time.Now(), t.acked) // what earlier runs sent is not this run's speed
	rs.ctx, rs.cancel = context.WithCancelCause(e.ctx)
	e.mu.Lock()
	t.run = rs
	e.active[t.id] = t
	e.mu.Unlock()
	e.running++
	if rs.large {
		e.runningLarge++
	}
	e.wg.Add(1)
	go e.work(rs, cloneRecord(*r))
}

// endRun takes t's worker off the books (it has sent its last report).
func (e *Engine) endRun(t *entry) {
	rs := t.run
	e.mu.Lock()
	t.run = nil
	delete(e.active, rs.id)
	e.mu.Unlock()
	rs.cancel(nil)
	e.running--
	if rs.large {
		e.runningLarge--
	}
}

// commit writes the step's journal changes in one transaction. A failure
// is an event for every task the transaction carried: it moves them to
// Failed (JournalError, Party journal), never silently dropped.
func (e *Engine) commit(st *step) {
	if len(st.dirty) == 0 && len(st.ops) == 0 {
		e.answer(st, nil)
		return
	}
	if e.crashed.Load() {
		e.answer(st, errCrashed)
		return
	}
	err := e.writeStep(st)
	e.answer(st, err)
	if err == nil {
		st.durable = true
		return
	}
	now := time.Now()
	code := CodeJournal
	if ge := (*JournalGoneError)(nil); errors.As(err, &ge) {
		code = CodeJournalGone
	}
	seen := map[*entry]bool{}
	fail := func(t *entry) {
		if seen[t] {
			return
		}
		seen[t] = true
		t.gone = false
		e.stage(t, st).addError(TaskError{Op: "journal", Code: code, Party: PartyJournal, Message: err.Error(), Time: now})
		e.fire(t, event{Kind: evJournal}, st)
	}
	for _, t := range st.dirty {
		fail(t)
	}
	for _, op := range st.ops {
		if op.t != nil { // a leftover's write belongs to no task
			fail(op.t)
		}
	}
	st.dropped = st.dropped[:0]
}

// writeStep is the step's one durable transaction.
func (e *Engine) writeStep(st *step) error {
	if p := e.failCommit.Load(); p != nil {
		return *p
	}
	e.commits.Add(1)
	if err := e.j.check(); err != nil {
		return err
	}
	return e.j.commit(func(w journalWriter) error {
		for _, op := range st.ops {
			if err := op.fn(w); err != nil {
				return err
			}
		}
		for _, t := range st.dirty {
			if t.gone {
				continue
			}
			if err := w.saveTask(t.staged); err != nil {
				return err
			}
		}
		return nil
	})
}

// answer tells the workers waiting on this step's commit how it went.
func (e *Engine) answer(st *step, err error) {
	for _, r := range st.replies {
		r.ch <- err
	}
	st.replies = nil
}

// publish makes the step's committed changes visible to readers, in one
// short critical section, and tells listeners about finished tasks. A task
// left idle with its state just written becomes a stub.
func (e *Engine) publish(st *step) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, t := range st.touched {
		dirty := t.mark&markDirty != 0
		t.mark = 0
		if t.gone || t.staged == nil {
			continue
		}
		oldState, oldBatch := t.state, t.batch
		if t.fresh {
			t.fresh = false
			e.tasks[t.id] = t
			oldState = ""
		} else {
			e.account(t, -1)
		}
		t.rec, t.staged = t.staged, nil
		t.summarize(t.rec)
		e.account(t, +1)
		e.touch(t)
		if oldState != t.state {
			if k, ok := eventFor[t.state]; ok {
				e.events.push(Event{Kind: k, Batch: t.batch, Task: t.id, Snapshot: snapshotOf(t.rec, t.version, nil), Time: time.Now()})
			}
		}
		if oldBatch != t.batch && oldBatch != 0 {
			st.batches = append(st.batches, oldBatch)
		}
		st.batches = append(st.batches, t.batch)
		if dirty && st.durable && t.run == nil {
			t.rec = nil // the journal holds exactly this: read it back on demand
		}
	}
	for _, t := range st.dropped {
		e.forget(t, st)
	}
	for _, b := range st.batches {
		e.checkBatch(b, st)
	}
	for _, a := range st.acks {
		close(a)
	}
}

// forget takes a removed task out of the published state.
func (e *Engine) forget(t *entry, st *step) {
	path := e.full(t).Path
	t.staged = nil
	if e.tasks[t.id] != t {
		return // never published
	}
	e.account(t, -1)
	delete(e.tasks, t.id)
	if e.byPath != nil && e.byPath[pathHash(path)] == t {
		delete(e.byPath, pathHash(path))
	}
	e.version++
	e.log.removed(e.version, t.id)
	st.batches = append(st.batches, t.batch)
}

// batch returns (creating) the loop's record of batch id.
func (e *Engine) batch(id BatchID) *batch {
	b := e.batches[id]
	if b == nil {
		b = &batch{time: e.cfg.Now()}
		e.batches[id] = b
	}
	return b
}

// account adds (sign=+1) or removes (-1) t from the totals; under mu.
func (e *Engine) account(t *entry, sign int) {
	s64 := int64(sign)
	e.counts[t.state] += sign
	e.bytes += s64 * t.size
	acked := t.acked
	if t.state == Done {
		acked = t.size
	}
	e.acked += s64 * acked
	if !t.state.Final() {
		e.pending += s64 * (t.size - acked)
		e.batch(t.batch).pending += sign
	}
}

// checkBatch notes a batch that ended (all its tasks final) in st, for
// endBatches to announce once the step is published.
func (e *Engine) checkBatch(id BatchID, st *step) {
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
		st.ended = append(st.ended, id)
	}
}

// touch gives t a new version and logs it for the change feed; under mu.
func (e *Engine) touch(t *entry) {
	e.version++
	t.version = e.version
	e.log.add(e.version, t.id, len(e.tasks), func(c change) bool {
		u := e.tasks[c.id]
		return u != nil && u.version == c.version
	})
}
