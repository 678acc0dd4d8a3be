package uploader

import "testing"

// TestStateMachine is the lifecycle's table: every control call and report
// in every state, idle and running.
func TestStateMachine(t *testing.T) {
	idle := func(s State) tstate { return tstate{State: s} }
	withUpload := func(s tstate) tstate { s.Upload = true; return s }
	run := func(s State, w want) tstate { return tstate{State: s, Running: true, Want: w} }
	cases := []struct {
		name string
		from tstate
		ev   event
		to   tstate
		eff  effects
	}{
		// Idle tasks.
		{"start queued", idle(Queued), event{Kind: evStart}, run(Uploading, wantNone), effRun},
		{"start paused: no", idle(Paused), event{Kind: evStart}, idle(Paused), 0},
		{"pause queued", idle(Queued), event{Kind: evPause}, idle(Paused), effPersist},
		{"pause done: no", idle(Done), event{Kind: evPause}, idle(Done), 0},
		{"resume paused", idle(Paused), event{Kind: evResume}, idle(Queued), effPersist | effQueue},
		{"resume failed: no", idle(Failed), event{Kind: evResume}, idle(Failed), 0},
		{"retry failed keeps upload", withUpload(idle(Failed)), event{Kind: evRetry}, withUpload(idle(Queued)), effPersist | effQueue},
		{"retry canceled starts afresh", withUpload(idle(Canceled)), event{Kind: evRetry}, idle(Queued), effPersist | effQueue | effAbort | effForget},
		{"retry refused key: no", tstate{State: Failed, Refused: true}, event{Kind: evRetry}, tstate{State: Failed, Refused: true}, 0},
		{"retry done: no", idle(Done), event{Kind: evRetry}, idle(Done), 0},
		{"cancel paused aborts", withUpload(idle(Paused)), event{Kind: evCancel}, withUpload(idle(Canceled)), effPersist | effNotify | effAbort},
		{"cancel queued", idle(Queued), event{Kind: evCancel}, idle(Canceled), effPersist | effNotify},
		{"cancel done: no", idle(Done), event{Kind: evCancel}, idle(Done), 0},
		{"remove paused aborts", withUpload(idle(Paused)), event{Kind: evRemove}, withUpload(idle(Paused)), effDrop | effAbort},
		{"remove done", idle(Done), event{Kind: evRemove}, idle(Done), effDrop},
		{"remove failed with upload aborts", withUpload(idle(Failed)), event{Kind: evRemove}, withUpload(idle(Failed)), effDrop | effAbort},
		{"journal fails queued", idle(Queued), event{Kind: evJournal}, idle(Failed), effNotify},
		{"journal fails done", idle(Done), event{Kind: evJournal}, idle(Failed), effNotify},
		{"reupload changed done", idle(Done), event{Kind: evReupload}, idle(Queued), effForget | effPersist | effQueue},
		{"reupload paused: no", idle(Paused), event{Kind: evReupload}, idle(Paused), 0},
		{"late report on idle: no", idle(Paused), event{Kind: evDone}, idle(Paused), 0},
		// Running tasks: control calls record the wish and stop the worker.
		{"pause running", run(Uploading, wantNone), event{Kind: evPause}, run(Uploading, wantPause), effStop},
		{"resume while pausing", run(Uploading, wantPause), event{Kind: evResume}, run(Uploading, wantRequeue), 0},
		{"pause again after resume", run(Uploading, wantRequeue), event{Kind: evPause}, run(Uploading, wantPause), effStop},
		{"cancel running", run(Completing, wantNone), event{Kind: evCancel}, run(Completing, wantCancel), effStop},
		{"cancel while pausing", run(Uploading, wantPause), event{Kind: evCancel}, run(Uploading, wantCancel), effStop},
		{"remove while canceling", run(Uploading, wantCancel), event{Kind: evRemove}, run(Uploading, wantRemove), effStop},
		{"cancel while removing: no", run(Uploading, wantRemove), event{Kind: evCancel}, run(Uploading, wantRemove), 0},
		{"resume running: no", run(Uploading, wantNone), event{Kind: evResume}, run(Uploading, wantNone), 0},
		{"phase", run(Uploading, wantNone), event{Kind: evPhase, Phase: Completing}, run(Completing, wantNone), 0},
		{"phase while pausing: no", run(Uploading, wantPause), event{Kind: evPhase, Phase: Completing}, run(Uploading, wantPause), 0},
		{"journal fails running", run(Uploading, wantNone), event{Kind: evJournal}, run(Failed, wantFail), effStop | effNotify},
		// Running tasks: the worker's report decides.
		{"done", run(Completing, wantNone), event{Kind: evDone}, idle(Done), effPersist | effDropParts | effNotify},
		{"done while pausing", run(Completing, wantPause), event{Kind: evDone}, idle(Done), effPersist | effDropParts | effNotify},
		{"done while removing", run(Completing, wantRemove), event{Kind: evDone}, idle(Completing), effDrop},
		{"done after journal failure stays failed", run(Failed, wantFail), event{Kind: evDone}, idle(Failed), 0},
		{"skipped", run(Uploading, wantNone), event{Kind: evSkipped}, idle(Skipped), effPersist | effDropParts | effNotify},
		{"stopped by pause", withUpload(run(Uploading, wantPause)), event{Kind: evStopped}, withUpload(idle(Paused)), effPersist},
		{"stopped by close", withUpload(run(Uploading, wantNone)), event{Kind: evStopped}, withUpload(idle(Paused)), effPersist},
		{"stopped, resumed meanwhile", run(Uploading, wantRequeue), event{Kind: evStopped}, idle(Queued), effPersist | effQueue},
		{"stopped by cancel aborts", withUpload(run(Uploading, wantCancel)), event{Kind: evStopped}, withUpload(idle(Canceled)), effPersist | effNotify | effAbort},
		{"stopped by remove aborts", withUpload(run(Uploading, wantRemove)), event{Kind: evStopped}, withUpload(idle(Uploading)), effDrop | effAbort},
		{"stopped after journal failure", withUpload(run(Failed, wantFail)), event{Kind: evStopped}, withUpload(idle(Failed)), 0},
		{"failed for good aborts", withUpload(run(Completing, wantNone)), event{Kind: evFailed}, withUpload(idle(Failed)), effPersist | effNotify | effAbort},
		{"failed, upload kept", withUpload(run(Uploading, wantNone)), event{Kind: evFailed, Keep: true}, withUpload(idle(Failed)), effPersist | effNotify},
		{"failed while canceling", withUpload(run(Uploading, wantCancel)), event{Kind: evFailed}, withUpload(idle(Canceled)), effPersist | effNotify | effAbort},
		{"failed while pausing", run(Uploading, wantPause), event{Kind: evFailed}, idle(Failed), effPersist | effNotify},
	}
	for _, c := range cases {
		got, eff := next(c.from, c.ev)
		if got != c.to || eff != c.eff {
			t.Errorf("%s: next(%+v, %+v) = %+v, %b; want %+v, %b", c.name, c.from, c.ev, got, eff, c.to, c.eff)
		}
	}
}
