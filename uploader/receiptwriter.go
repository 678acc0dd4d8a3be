package uploader

import (
	"bytes"
	"context"
	"encoding/json"
	"time"
)

// receiptWriter PUTs the receipts waiting in the journal, one goroutine
// per engine. A pass writes every waiting receipt through the engine's
// retrier (credential refreshes, backoff on COS's 5xx and the network);
// what a pass could not write (offline, 403) waits in the journal for the
// next pass, on a backoff of its own growing to receiptRetryMax, for a
// new receipt, and for the next start.
type receiptWriter struct {
	kick   chan struct{}
	stop   chan struct{} // closed by Close: one last pass, then end
	done   chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
}

// receiptRetryMax caps the wait between passes while receipts cannot be
// written.
const receiptRetryMax = 5 * time.Minute

// receiptFlushTimeout bounds Close's last pass: an engine closing while
// COS cannot be reached leaves its receipts in the journal, for the next
// start, rather than holding up the exit.
const receiptFlushTimeout = 15 * time.Second

// receiptDoneMsg tells the loop COS took the receipt at key.
type receiptDoneMsg struct{ key string }

// poke asks for a pass now (a new receipt waits).
func (w *receiptWriter) poke() {
	if w == nil {
		return
	}
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// startReceipts starts the writer goroutine. It runs whether or not this
// engine writes receipts: receipts journaled by an earlier run (a prefix
// since turned off) are still owed to the bucket.
func (e *Engine) startReceipts() {
	w := &receiptWriter{kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	e.rw = w
	go e.writeReceipts(w)
}

// writeReceipts is the writer goroutine.
func (e *Engine) writeReceipts(w *receiptWriter) {
	defer close(w.done)
	fails := 0
	for {
		var wait <-chan time.Time
		var t *time.Timer
		if e.receiptPass(w.ctx) > 0 {
			fails++
			t = time.NewTimer(backoff(fails, 4*e.cfg.RetryBase, receiptRetryMax))
			wait = t.C
		} else {
			fails = 0
		}
		select {
		case <-w.stop:
		case <-w.kick:
		case <-wait:
		}
		if t != nil {
			t.Stop()
		}
		select {
		case <-w.stop:
			if !e.crashed.Load() { // a kill writes nothing more
				ctx, cancel := context.WithTimeout(context.Background(), receiptFlushTimeout)
				e.receiptPass(ctx)
				cancel()
			}
			return
		default:
		}
	}
}

// receiptPass writes every waiting receipt and returns how many are left.
func (e *Engine) receiptPass(ctx context.Context) (left int) {
	pend, err := e.j.pendingReceipts()
	if err != nil {
		return 1
	}
	for _, p := range pend {
		if ctx.Err() != nil {
			return len(pend)
		}
		if err := e.putReceipt(ctx, p); err != nil {
			left++
			continue
		}
		e.inbox.put(receiptDoneMsg{key: p.Key})
	}
	return left
}

// putReceipt writes one receipt with the engine's retries and
// credential refreshes.
func (e *Engine) putReceipt(ctx context.Context, p pendingReceipt) error {
	return retrier{e: e, op: "write receipt"}.do(ctx, nil, func(ctx context.Context) error {
		_, err := e.store.put(ctx, p.Key, bytes.NewReader(p.Body), int64(len(p.Body)), writeOpts{ctype: "application/json"})
		return err
	})
}

// stopReceipts ends the writer after one last pass (Close).
func (e *Engine) stopReceipts() {
	w := e.rw
	close(w.stop)
	w.cancel()
	<-w.done
}

// PendingReceipts is how many receipts wait in the journal to be written
// to the bucket.
func (e *Engine) PendingReceipts() (int, error) { return e.j.receiptCount() }

// ReadPendingReceipts counts the receipts waiting in stateDir's journal
// without starting an engine (`cosdrop status` when no CosDrop runs on
// it).
func ReadPendingReceipts(stateDir string) (int, error) {
	j, p, err := openReadOnly(stateDir)
	if err != nil {
		return 0, err
	}
	defer j.close()
	var n int
	err = guard(p, func() error {
		var err error
		n, err = j.receiptCount()
		return err
	})
	return n, err
}

// salvageReceipts reads the receipts waiting in the damaged journal file
// p, when bbolt can still open it, so setting a journal aside does not
// lose them: each whole and named after its key.
func salvageReceipts(p string) (out [][2][]byte) {
	j, err := safeOpen(p, true, time.Second, false)
	if err != nil {
		return nil
	}
	defer j.close()
	_ = guard(p, func() error {
		return j.scanBucket(bucketReceipts, func(k, v []byte) {
			var pr pendingReceipt
			if json.Unmarshal(v, &pr) == nil && pr.Key == string(k) {
				out = append(out, [2][]byte{[]byte(pr.Key), append([]byte(nil), v...)})
			}
		})
	})
	return out
}
