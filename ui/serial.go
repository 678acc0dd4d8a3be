package ui

import "sync"

// serial runs functions one at a time, in the order given, on its own
// goroutine. Engine calls go through it: a journal write can take a disk
// flush, which must not stall the Fyne goroutine, and pause-then-resume
// must reach the engine in that order.
type serial struct {
	mu   sync.Mutex
	q    []func()
	wake chan struct{}
	stop chan struct{}
	done chan struct{}
}

func newSerial() *serial {
	s := &serial{wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s
}

// do queues f; it never blocks.
func (s *serial) do(f func()) {
	s.mu.Lock()
	s.q = append(s.q, f)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *serial) run() {
	defer close(s.done)
	for {
		select {
		case <-s.stop:
			return
		case <-s.wake:
		}
		for {
			s.mu.Lock()
			if len(s.q) == 0 {
				s.mu.Unlock()
				break
			}
			f := s.q[0]
			s.q[0] = nil
			s.q = s.q[1:]
			s.mu.Unlock()
			f()
		}
	}
}

// flush waits until everything queued so far has run. Never call it from
// the Fyne goroutine of a running app: queued work may wait on fyne.Do.
func (s *serial) flush() {
	ch := make(chan struct{})
	s.do(func() { close(ch) })
	<-ch
}

// close stops the goroutine after the current function.
func (s *serial) close() {
	close(s.stop)
	<-s.done
}
