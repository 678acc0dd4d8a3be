package ui

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"

	"cosdrop/uploader"
)

// engineRef lets the ticker goroutine read the current engine without
// touching the Fyne-owned session.
type engineRef struct{ e Engine }

// feed is the one way engine state flows into the window: the ticker
// goroutine polls the current engine's change feed into the model, and
// post hands what changed to the Fyne goroutine in at most one fyne.Do at
// a time. cur may be read from any goroutine; ref, cursor and events
// belong to whoever holds mu (the poller).
type feed struct {
	model    *queueModel
	cur      atomic.Pointer[engineRef]
	applying atomic.Bool // a posted update has not run yet

	mu     sync.Mutex
	ref    *engineRef
	cursor uint64
	events *os.File // COSDROP_TEST_EVENTS: one line per finished task
}

// engine is the current engine, nil before the first session opens.
func (f *feed) engine() Engine {
	if ref := f.cur.Load(); ref != nil {
		return ref.e
	}
	return nil
}

// use switches the feed to e: the model forgets the old engine's tasks
// and the next poll reads e's whole queue.
func (f *feed) use(e Engine) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.model.reset()
	f.cursor = 0
	ref := &engineRef{e: e}
	f.ref = ref
	f.cur.Store(ref)
}

// poll merges the engine's changes since the last poll into the model.
func (f *feed) poll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ref == nil {
		return
	}
	changed, cur := f.ref.e.Changes(f.cursor)
	f.cursor = cur
	f.model.merge(changed, f.ref.e.Totals())
	if f.events != nil {
		for _, s := range changed {
			if s.State.Final() {
				f.writeTaskEvent(s)
			}
		}
	}
}

// post hands the model's pending changes to apply on the Fyne goroutine,
// unless the previous post has not run yet (its update then carries on
// growing in the model).
func (f *feed) post(apply func(update)) {
	if !f.model.hasPending() || !f.applying.CompareAndSwap(false, true) {
		return
	}
	u := f.model.take()
	fyne.Do(func() {
		f.applying.Store(false)
		apply(u)
	})
}

// writeTaskEvent records a finished task ("done\tID\tPATH\tKEY\tWORDS").
// The caller holds mu.
func (f *feed) writeTaskEvent(s uploader.Snapshot) {
	fmt.Fprintf(f.events, "%s\t%d\t%s\t%s\t%s\n", s.State, s.ID, s.Path, s.Key, eventWords(s))
}

// testEvent records words the window shows outside the list ("notice",
// "probe"). Safe from any goroutine.
func (f *feed) testEvent(kind, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.events != nil {
		fmt.Fprintf(f.events, "%s\t%s\n", kind, oneLine(text))
	}
}

// closeEvents closes the events file once a poll in progress is done.
func (f *feed) closeEvents() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.events != nil {
		_ = f.events.Close()
		f.events = nil
	}
}
