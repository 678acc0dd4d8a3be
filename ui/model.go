package ui

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"cosdrop/uploader"
)

// Filter narrows the queue view.
type Filter int

// The filters of the toolbar.
const (
	FilterAll Filter = iota
	FilterActive
	FilterFailed
	FilterDone
)

func (f Filter) match(s uploader.State) bool {
	switch f {
	case FilterActive:
		return !s.Final()
	case FilterFailed:
		return s == uploader.Failed
	case FilterDone:
		return s == uploader.Done || s == uploader.Skipped
	}
	return true
}

// entry is one task as the window knows it: the last snapshot plus the
// lower-cased text the search box matches, computed once per change.
type entry struct {
	snap   uploader.Snapshot
	search string
}

// update is what one merge hands to the Fyne goroutine: the new row order
// when the visible set changed (nil otherwise), the rows whose content
// changed, and what to tell the user.
type update struct {
	view []uploader.TaskID // non-nil: replace the list's rows
	// refiltered: the filter or search changed (not just the tasks), so
	// the list starts again from its top.
	refiltered bool
	rows       []uploader.TaskID // changed rows (only when view is nil)
	totals     uploader.Totals
	failed     []uploader.Snapshot // tasks that just failed
	finished   []batchResult       // batches that just finished
	// resumed counts the unfinished tasks the journal brought back at
	// start (once per session), so the window can say they carry on.
	resumed int
}

// batchResult summarises a finished batch for its notification.
type batchResult struct {
	Batch        uploader.BatchID
	Done, Failed int
}

// queueModel is the window's copy of the engine's queue. The ticker
// goroutine merges change-feed snapshots into it and builds the filtered
// row order there, so the Fyne goroutine only swaps a slice and refreshes
// rows. It holds no widget.
type queueModel struct {
	mu      sync.Mutex
	tasks   map[uploader.TaskID]*entry
	order   []uploader.TaskID // every task, ascending ID (= creation order)
	filter  Filter
	search  string // lower-cased
	loaded  bool   // the first merge (the journal's backlog) notifies nothing
	batches map[uploader.BatchID]*batchCount
	ending  []uploader.BatchID // batches with a task that ended in this merge, in order

	// pending is what the next take hands over.
	pending    bool // anything at all for the next take
	structural bool
	refiltered bool
	rows       map[uploader.TaskID]struct{}
	totals     uploader.Totals
	failed     []uploader.Snapshot
	finished   []batchResult
	resumed    int
	opened     time.Time         // when the session opened: older unfinished tasks were resumed
	view       []uploader.TaskID // last built order
}

type batchCount struct {
	open, done, failed int
	ending             bool // a task of it ended in this merge
}

func newQueueModel() *queueModel {
	return &queueModel{
		tasks:   map[uploader.TaskID]*entry{},
		batches: map[uploader.BatchID]*batchCount{},
		rows:    map[uploader.TaskID]struct{}{},
	}
}

func searchText(s uploader.Snapshot) string {
	return strings.ToLower(filepath.Base(s.Path) + "\x00" + s.Key + "\x00" + s.Path)
}

// merge folds changed snapshots and the totals into the model and reports
// whether anything needs the Fyne goroutine.
func (m *queueModel) merge(changed []uploader.Snapshot, totals uploader.Totals) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	notify := m.loaded
	if !m.loaded {
		for _, s := range changed {
			if !s.State.Final() && s.State != stateRemoved && s.Created.Before(m.opened) {
				m.resumed++
			}
		}
		if m.resumed > 0 {
			m.pending = true
		}
	}
	m.loaded = true
	totalsChanged := totals != m.totals
	m.totals = totals
	appended, unsorted := false, false
	for _, s := range changed {
		old, known := m.tasks[s.ID]
		if s.State == stateRemoved {
			if known {
				delete(m.tasks, s.ID)
				m.structural = true
				prev := old.snap
				m.countBatch(&prev, s, notify)
			}
			continue
		}
		if !known {
			m.tasks[s.ID] = &entry{snap: s, search: searchText(s)}
			if n := len(m.order); n > 0 && m.order[n-1] > s.ID {
				unsorted = true
			}
			m.order = append(m.order, s.ID)
			appended = true
			m.countBatch(nil, s, notify)
			continue
		}
		prev := old.snap
		old.snap = s
		if prev.Key != s.Key || prev.Path != s.Path {
			old.search = searchText(s)
		}
		m.countBatch(&prev, s, notify)
		if m.filter.match(prev.State) != m.filter.match(s.State) {
			m.structural = true
		} else if m.visible(old) {
			m.rows[s.ID] = struct{}{}
		}
	}
	if unsorted {
		slices.Sort(m.order)
	}
	if appended {
		m.structural = true
	}
	m.announceEnded(notify)
	changedAny := totalsChanged || m.structural || len(m.rows) > 0 || len(m.failed) > 0 || len(m.finished) > 0
	m.pending = m.pending || changedAny
	return changedAny
}

// countBatch keeps per-batch counts of unfinished tasks, so the window can
// say "batch finished" exactly once, when its last task reaches an end.
// prev is nil for a task seen for the first time. A task first seen
// already ended (a small file that finished between two polls, a file the
// walk skipped) was open in between, so it counts as one that ended now.
func (m *queueModel) countBatch(prev *uploader.Snapshot, s uploader.Snapshot, notify bool) {
	b := m.batches[s.Batch]
	if b == nil {
		b = &batchCount{}
		m.batches[s.Batch] = b
	}
	wasOpen := prev != nil && !prev.State.Final()
	if prev == nil && notify && s.State.Final() && s.State != stateRemoved {
		b.open++
		wasOpen = true
	}
	if s.State == stateRemoved {
		if wasOpen {
			b.open--
		}
		return
	}
	isOpen := !s.State.Final()
	switch {
	case isOpen && !wasOpen:
		b.open++
	case !isOpen && wasOpen:
		b.open--
		switch s.State {
		case uploader.Done, uploader.Skipped:
			b.done++
		case uploader.Failed:
			b.failed++
		}
		if !b.ending {
			b.ending = true
			m.ending = append(m.ending, s.Batch)
		}
	}
	if notify && s.State == uploader.Failed && (prev == nil || prev.State != uploader.Failed) {
		m.failed = append(m.failed, s)
	}
}

// announceEnded reports the batches whose last open task ended in this
// merge, once every change of the merge is counted: the walk publishes a
// skipped entry and the files after it in one step, and the batch is not
// over when the first of them is.
func (m *queueModel) announceEnded(notify bool) {
	for _, id := range m.ending {
		b := m.batches[id]
		b.ending = false
		if b.open == 0 && notify {
			m.finished = append(m.finished, batchResult{Batch: id, Done: b.done, Failed: b.failed})
			b.done, b.failed = 0, 0
		}
	}
	m.ending = m.ending[:0]
}

func (m *queueModel) visible(e *entry) bool {
	if !m.filter.match(e.snap.State) {
		return false
	}
	return m.search == "" || strings.Contains(e.search, m.search)
}

// setFilter changes what the view shows; the next take rebuilds the order.
func (m *queueModel) setFilter(f Filter, search string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	search = strings.ToLower(strings.TrimSpace(search))
	if f == m.filter && search == m.search {
		return
	}
	m.filter, m.search = f, search
	m.structural = true
	m.refiltered = true
	m.pending = true
}

// hasPending reports whether a take would hand anything over.
func (m *queueModel) hasPending() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pending
}

// take hands the pending changes over and resets them. It builds the row
// order when the set changed: O(tasks), so it belongs on the ticker
// goroutine, which is where the window calls it.
func (m *queueModel) take() update {
	m.mu.Lock()
	defer m.mu.Unlock()
	u := update{totals: m.totals, failed: m.failed, finished: m.finished, resumed: m.resumed}
	m.failed, m.finished, m.resumed = nil, nil, 0
	m.pending = false
	if m.structural {
		view := make([]uploader.TaskID, 0, len(m.order))
		keep := m.order[:0]
		for _, id := range m.order {
			e, ok := m.tasks[id]
			if !ok {
				continue // removed: drop it from the order as well
			}
			keep = append(keep, id)
			if m.visible(e) {
				view = append(view, id)
			}
		}
		m.order = keep
		m.view = view
		u.view = view
		u.refiltered = m.refiltered
		m.structural, m.refiltered = false, false
		clear(m.rows)
		return u
	}
	if len(m.rows) > 0 {
		u.rows = make([]uploader.TaskID, 0, len(m.rows))
		for id := range m.rows {
			u.rows = append(u.rows, id)
		}
		slices.Sort(u.rows)
		clear(m.rows)
	}
	return u
}

// get returns the latest snapshot of a task.
func (m *queueModel) get(id uploader.TaskID) (uploader.Snapshot, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.tasks[id]
	if !ok {
		return uploader.Snapshot{}, false
	}
	return e.snap, true
}

// all returns every task's snapshot in creation order, for the history
// window and diagnostics.
func (m *queueModel) all() []uploader.Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]uploader.Snapshot, 0, len(m.order))
	for _, id := range m.order {
		if e, ok := m.tasks[id]; ok {
			out = append(out, e.snap)
		}
	}
	return out
}

// reset forgets everything (the profile changed).
func (m *queueModel) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	clear(m.tasks)
	clear(m.batches)
	clear(m.rows)
	m.order = nil
	m.loaded = false
	m.structural = true
	m.pending = true
	m.totals = uploader.Totals{}
	m.failed, m.finished = nil, nil
	m.resumed = 0
	m.opened = time.Now()
}

// indexOf finds id in an ascending view by binary search, so no per-view
// index map has to be built for 100,000 rows.
func indexOf(view []uploader.TaskID, id uploader.TaskID) int {
	i, ok := slices.BinarySearch(view, id)
	if !ok {
		return -1
	}
	return i
}
