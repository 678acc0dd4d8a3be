package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// The conflict question is one dialog for the batch; "apply to all" makes
// later batches take the same answer without asking.
func TestConflictDialogApplyToAll(t *testing.T) {
	w := newTestWindow(t, scriptSession(newScriptEngine()))
	answer := make(chan uploader.ConflictPolicy, 1)
	cs := []uploader.Conflict{{Task: 1, Key: "a.jpg"}, {Task: 2, Key: "b.jpg"}}
	w.showConflict(cs, answer)
	over := w.win.Canvas().Overlays().Top()
	if over == nil {
		t.Fatal("no dialog")
	}
	var radio *widget.RadioGroup
	var check *widget.Check
	var cont *widget.Button
	for _, o := range test.LaidOutObjects(over) {
		switch x := o.(type) {
		case *widget.RadioGroup:
			radio = x
		case *widget.Check:
			check = x
		case *widget.Button:
			if x.Text == "Continue" {
				cont = x
			}
		}
	}
	if radio == nil || check == nil || cont == nil {
		t.Fatalf("dialog lacks its controls: radio %v check %v continue %v", radio != nil, check != nil, cont != nil)
	}
	words, _ := conflictChoices()
	radio.SetSelected(words[2]) // keep both
	check.SetChecked(true)
	test.Tap(cont)
	if got := <-answer; got != uploader.Rename {
		t.Fatalf("answer %q, want rename", got)
	}
	// The next batch is not asked: the remembered answer comes back at once.
	p, err := w.askConflict(context.Background(), cs)
	if err != nil || p != uploader.Rename {
		t.Fatalf("second batch: %q %v", p, err)
	}
	if o := w.win.Canvas().Overlays().Top(); o != nil && o != over && o.Visible() {
		t.Fatal("a second dialog opened")
	}
}
