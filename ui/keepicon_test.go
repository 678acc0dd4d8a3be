package ui

import (
	"testing"

	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// "Keep uploading" wore an ✕ (the Cancel icon of Fyne's confirm dialog),
// which reads as "stop": in the close question and in the row's cancel
// question it is a plain button, and it is the highlighted answer.
func TestKeepUploadingWearsNoCross(t *testing.T) {
	e := newScriptEngine()
	tw := newTrayWindow(t, e, false, Options{})
	tw.bg.start()
	e.Add("/d/big.bin")
	e.set(1, func(s *uploader.Snapshot) {
		s.State, s.Size, s.Acked, s.Speed = uploader.Uploading, 300<<20, 72<<20, 2<<20
	})
	tw.tick()
	check := func(where string) {
		b := findButton(t, tw.mainWindow, "Keep uploading")
		if b.Icon != nil {
			t.Errorf("%s: Keep uploading has an icon (%s)", where, b.Icon.Name())
		}
		if b.Importance != widget.HighImportance {
			t.Errorf("%s: Keep uploading is not the highlighted answer", where)
		}
		tw.dialogs.closeTop()
	}
	tw.bg.closeRequested()
	check("the close question")
	tw.list.cancel(1)
	check("the cancel question")
}
