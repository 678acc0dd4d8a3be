package uploader

import (
	"context"
	"errors"
	"fmt"
)

// The Ask policy asks the user once per batch. The loop owns each batch's
// answer: a worker that meets a conflict sends an askMsg and waits; the
// loop answers at once from the batch's decision, or queues the worker and
// has one question on screen at a time. The question runs with its asker's
// context, so pausing that task closes it; that is not an answer (finding
// 4): the next waiting sibling asks instead, and the paused task asks again
// when resumed unless the batch has been answered meanwhile.

// askReq is one worker waiting for the batch's answer.
type askReq struct {
	ctx   context.Context
	c     Conflict
	reply chan askAnswer // buffered: the loop never blocks on it
}

type askAnswer struct {
	policy ConflictPolicy
	err    error
}

type askMsg struct {
	batch BatchID
	req   *askReq
}

type askDoneMsg struct {
	batch  BatchID
	req    *askReq
	policy ConflictPolicy
	err    error
}

var errNoAnswer = errors.New("no answer to the conflict question")

// ask returns the batch's conflict policy, asking the user if nobody has.
func (w *worker) ask(ctx context.Context, c Conflict) (ConflictPolicy, error) {
	req := &askReq{ctx: ctx, c: c, reply: make(chan askAnswer, 1)}
	w.e.inbox.put(askMsg{batch: w.r.Batch, req: req})
	select {
	case a := <-req.reply:
		if a.err != nil {
			return "", fmt.Errorf("conflict: %w", &localError{code: CodeConflict, err: a.err})
		}
		return a.policy, nil
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
}

func (e *Engine) onAsk(m askMsg) {
	b := e.batch(m.batch)
	switch {
	case b.decision != "":
		m.req.reply <- askAnswer{policy: b.decision}
	case b.askErr != nil:
		m.req.reply <- askAnswer{err: b.askErr}
	default:
		b.waiters = append(b.waiters, m.req)
		e.nextAsk(m.batch, b)
	}
}

// nextAsk puts the batch's question on screen for the first waiter still
// waiting, unless one is there already.
func (e *Engine) nextAsk(id BatchID, b *batch) {
	if b.asking != nil {
		return
	}
	live := b.waiters[:0]
	for _, r := range b.waiters {
		if r.ctx.Err() == nil {
			live = append(live, r)
		}
	}
	b.waiters = live
	switch {
	case len(live) == 0:
		return
	case e.cfg.AskConflict == nil:
		e.decide(b, Rename, nil) // nobody to ask: never overwrite silently
		return
	case e.quiesced:
		for _, r := range live {
			r.reply <- askAnswer{err: errClosing}
		}
		b.waiters = nil
		return
	}
	req := live[0]
	b.asking = req
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		p, err := e.cfg.AskConflict(req.ctx, []Conflict{req.c})
		e.inbox.put(askDoneMsg{batch: id, req: req, policy: p, err: err})
	}()
}

func (e *Engine) onAskDone(m askDoneMsg) {
	b := e.batch(m.batch)
	b.asking = nil
	if m.err != nil && m.req.ctx.Err() != nil {
		// The asker was paused, canceled or removed: the question was
		// closed, not answered. Someone else asks.
		e.nextAsk(m.batch, b)
		return
	}
	if m.err == nil && (m.policy == Ask || m.policy == "") {
		m.err = errNoAnswer
	}
	e.decide(b, m.policy, m.err)
}

// decide records the batch's answer and gives it to every waiter.
func (e *Engine) decide(b *batch, p ConflictPolicy, err error) {
	if err != nil {
		b.askErr = err
	} else {
		b.decision = p
	}
	for _, r := range b.waiters {
		r.reply <- askAnswer{policy: b.decision, err: b.askErr}
	}
	b.waiters = nil
}
