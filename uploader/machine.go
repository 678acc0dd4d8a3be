package uploader

// The task lifecycle as a pure function. The engine loop (loop.go) is the
// only caller: it builds a tstate from a task, feeds it one event, writes
// the new state back and carries out the effects (start or stop a worker,
// write the journal, queue, abort a multipart upload, drop the task).
// Nothing here does I/O, so every transition is table-tested
// (machine_test.go).

// want is what a control call asked of a running task; it takes effect when
// the worker has stopped (a run cannot be undone halfway).
type want uint8

const (
	wantNone    want = iota
	wantPause        // stop, keep the parts: Paused
	wantRequeue      // paused, then resumed before the worker stopped: Queued
	wantCancel       // stop, abort the upload: Canceled
	wantRemove       // stop, abort, forget the task
	wantFail         // the journal failed: stay Failed
)

// tstate is the part of a task the state machine decides on.
type tstate struct {
	State   State
	Running bool // a worker owns the run
	Want    want
	Upload  bool // a multipart upload is open on COS
	Refused bool // the key itself is refused: retrying cannot help
}

// evKind names an event.
type evKind uint8

const (
	evStart    evKind = iota + 1 // the dispatcher gives the task a worker
	evPause                      // control: Pause
	evResume                     // control: Resume
	evRetry                      // control: Retry
	evCancel                     // control: Cancel
	evRemove                     // control: Remove
	evPhase                      // worker: now uploading, completing or verifying
	evDone                       // worker: the object is verified
	evSkipped                    // worker: an identical object is already there
	evFailed                     // worker: failed for good (Keep: the upload is worth resuming)
	evStopped                    // worker: stopped because its context ended
	evJournal                    // loop: the journal refused this task's change
	evReupload                   // walker: a finished task's file changed; upload it again
)

// event is one input of the state machine.
type event struct {
	Kind  evKind
	Phase State // evPhase
	Keep  bool  // evFailed: keep the multipart upload for a Retry
}

// effects is a set of things the loop must do after a transition.
type effects uint16

const (
	effRun       effects = 1 << iota // start a worker
	effStop                          // cancel the worker's context
	effPersist                       // write the record to the journal
	effQueue                         // append to the run queue
	effAbort                         // abort the open multipart upload (in the background)
	effForget                        // forget the upload and its parts: the next run starts from zero
	effDropParts                     // forget the journaled parts (the upload is finished)
	effDrop                          // delete the task from the journal and memory
	effNotify                        // tell listeners (a final state was reached)
)

// next is the task lifecycle: the state after ev and what to do about it.
// An event that makes no sense in a state (a Resume of a done task, a
// worker report after the run ended) changes nothing.
func next(s tstate, ev event) (tstate, effects) {
	if s.Running {
		return nextRunning(s, ev)
	}
	return nextIdle(s, ev)
}

// nextRunning handles a task a worker owns: control calls only record what
// is wanted and stop the worker; the worker's report decides the state.
func nextRunning(s tstate, ev event) (tstate, effects) {
	switch ev.Kind {
	case evPause:
		if s.Want == wantNone || s.Want == wantRequeue {
			s.Want = wantPause
			return s, effStop
		}
	case evResume, evRetry:
		if s.Want == wantPause {
			s.Want = wantRequeue
		}
	case evCancel:
		if s.Want != wantRemove && s.Want != wantFail {
			s.Want = wantCancel
			return s, effStop
		}
	case evRemove:
		if s.Want != wantFail {
			s.Want = wantRemove
			return s, effStop
		}
	case evPhase:
		if s.Want == wantNone && (ev.Phase == Uploading || ev.Phase == Completing || ev.Phase == Verifying) {
			s.State = ev.Phase
		}
	case evJournal:
		s.State, s.Want = Failed, wantFail
		return s, effStop | effNotify
	case evDone, evSkipped:
		return finished(s, ev.Kind)
	case evFailed, evStopped:
		return ended(s, ev)
	}
	return s, 0
}

// finished is a run that reached its goal, whatever was asked meanwhile:
// the object is in COS and verified (a remove still forgets the task).
func finished(s tstate, k evKind) (tstate, effects) {
	w := s.Want
	s.Running, s.Want, s.Upload = false, wantNone, false
	switch w {
	case wantFail:
		return s, 0 // the journal cannot record it: stay Failed
	case wantRemove:
		return s, effDrop
	}
	s.State = Done
	if k == evSkipped {
		s.State = Skipped
	}
	return s, effPersist | effDropParts | effNotify
}

// ended is a run that stopped short, by a failure or by its context; what
// was wanted decides where the task goes.
func ended(s tstate, ev event) (tstate, effects) {
	w := s.Want
	s.Running, s.Want = false, wantNone
	abort := effects(0)
	if s.Upload {
		abort = effAbort
	}
	switch {
	case w == wantFail:
		return s, 0 // keep the upload: a Retry resumes it
	case w == wantRemove:
		return s, effDrop | abort
	case w == wantCancel:
		s.State = Canceled
		return s, effPersist | effNotify | abort
	case ev.Kind == evFailed:
		s.State = Failed
		if ev.Keep {
			abort = 0
		}
		return s, effPersist | effNotify | abort
	case w == wantRequeue:
		s.State = Queued
		return s, effPersist | effQueue
	}
	// Paused by the user, or stopped by Close: resumable either way.
	s.State = Paused
	return s, effPersist
}

// nextIdle handles a task no worker owns.
func nextIdle(s tstate, ev event) (tstate, effects) {
	abort := effects(0)
	if s.Upload {
		abort = effAbort
	}
	switch ev.Kind {
	case evStart:
		if s.State == Queued {
			s.State, s.Running = Uploading, true
			return s, effRun
		}
	case evPause:
		if s.State == Queued {
			s.State = Paused
			return s, effPersist
		}
	case evResume:
		if s.State == Paused {
			s.State = Queued
			return s, effPersist | effQueue
		}
	case evRetry:
		return retryIdle(s)
	case evCancel:
		if s.State == Queued || s.State == Paused {
			s.State = Canceled
			return s, effPersist | effNotify | abort
		}
	case evRemove:
		if s.State == Done || s.State == Skipped {
			abort = 0
		}
		return s, effDrop | abort
	case evJournal:
		if !s.State.Final() || s.State == Done || s.State == Skipped {
			s.State = Failed
			return s, effNotify
		}
	case evReupload:
		if s.State == Done || s.State == Skipped {
			s.State, s.Upload = Queued, false
			return s, effForget | effPersist | effQueue
		}
	}
	return s, 0
}

// retryIdle queues a failed or canceled task again. A canceled one starts
// from zero (its upload was aborted, or the abort is tried once more); a
// failed one keeps an upload it was allowed to keep.
func retryIdle(s tstate) (tstate, effects) {
	if s.Refused || s.State != Failed && s.State != Canceled {
		return s, 0
	}
	eff := effPersist | effQueue
	if s.State == Canceled {
		if s.Upload {
			eff |= effAbort
		}
		eff |= effForget
		s.Upload = false
	}
	s.State = Queued
	return s, eff
}
