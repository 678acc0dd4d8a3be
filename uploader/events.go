package uploader

import (
	"sync"
	"time"
)

// EventKind names what an Event reports.
type EventKind string

// Event kinds.
const (
	EventTaskDone     EventKind = "task-done"
	EventTaskFailed   EventKind = "task-failed"
	EventTaskSkipped  EventKind = "task-skipped"
	EventTaskCanceled EventKind = "task-canceled"
	// EventBatchDone: every task of the batch is final and its folders are
	// walked. It can come again if a task of the batch is retried.
	EventBatchDone EventKind = "batch-done"
)

var eventFor = map[State]EventKind{
	Done: EventTaskDone, Failed: EventTaskFailed, Skipped: EventTaskSkipped, Canceled: EventTaskCanceled,
}

// Event is a notification worth telling the user about (a desktop
// notification, a CLI --json line). Progress is not an event: poll Changes.
type Event struct {
	Kind     EventKind `json:"kind"`
	Batch    BatchID   `json:"batch"`
	Task     TaskID    `json:"task,omitempty"`
	Snapshot Snapshot  `json:"-"` // the task at that moment (task events)
	Time     time.Time `json:"time"`
}

// eventQueue delivers events in order without ever blocking the engine. It
// keeps events only once someone has asked for the channel, so an engine
// nobody listens to does not grow a backlog.
type eventQueue struct {
	mu      sync.Mutex
	on      bool
	closed  bool
	pending []Event
	signal  chan struct{}
	out     chan Event
}

// Events returns the engine's event channel; it is closed by Close. The
// first call starts delivery: earlier events are not kept.
func (e *Engine) Events() <-chan Event {
	q := &e.events
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.on {
		q.on = true
		q.signal = make(chan struct{}, 1)
		q.out = make(chan Event, 64)
		go q.pump()
	}
	return q.out
}

func (q *eventQueue) push(ev Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.on || q.closed {
		return
	}
	q.pending = append(q.pending, ev)
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

func (q *eventQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.closed = true
	if q.on {
		select {
		case q.signal <- struct{}{}:
		default:
		}
	}
}

func (q *eventQueue) pump() {
	for range q.signal {
		for {
			q.mu.Lock()
			batch, closed := q.pending, q.closed
			q.pending = nil
			q.mu.Unlock()
			for _, ev := range batch {
				q.out <- ev
			}
			if closed && len(batch) == 0 {
				close(q.out)
				return
			}
			if len(batch) == 0 {
				break
			}
		}
	}
}
