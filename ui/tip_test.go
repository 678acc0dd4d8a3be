package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cosdrop/uploader"
)

// Finding 6 (issue #12): after the pointer rested on a button, its
// tooltip took the next click (it was a pop-up overlay, and Fyne gives
// clicks to the top overlay). A click at the button under a showing
// tooltip now acts once, and the tooltip goes.
func TestClickUnderTooltipActsOnce(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/a.txt")
	w.tick()
	row := w.list.queue.rowFor(1)
	b := row.toggleB
	b.hovered = true // what MouseIn does, without its timer goroutine
	b.showTip()      // what the 0.6 s timer does
	if got := visibleTip(w.win); got != "Pause" {
		t.Fatalf("tooltip %q, want Pause", got)
	}
	if top := w.win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("the tooltip is an overlay (%T): it would take the next click", top)
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b).Add(fyne.NewPos(b.Size().Width/2, b.Size().Height/2))
	test.TapCanvas(w.win.Canvas(), pos)
	if st := stateOf(e, 1); st != uploader.Paused {
		t.Fatalf("one click on Pause under its tooltip: task is %s, want paused", st)
	}
	if got := visibleTip(w.win); got != "" {
		t.Errorf("tooltip %q still shown after the click", got)
	}
	if n := countCalls(e, "pause"); n != 1 {
		t.Errorf("pause reached the engine %d times, want 1", n)
	}
}

func countCalls(e *scriptEngine, name string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, c := range e.calls {
		if c == name {
			n++
		}
	}
	return n
}
