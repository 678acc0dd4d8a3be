package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// leftScript is a script engine with uploads left open on COS.
type leftScript struct {
	*scriptEngine
	left    []uploader.Leftover
	cleaned int
}

func (e *leftScript) Leftovers() ([]uploader.Leftover, error) { return e.left, nil }

func (e *leftScript) CleanLeftovers(context.Context) (uploader.CleanResult, error) {
	e.cleaned++
	n := len(e.left)
	e.left = nil
	return uploader.CleanResult{Ended: n}, nil
}

// The window says when a profile's journal lists uploads left open on
// COS (a removed task whose abort COS refused) and removes them on
// request; "Not now" is remembered, so the question does not come back
// at every launch for the same uploads.
func TestLeftoversOfferedAndRemoved(t *testing.T) {
	e := &leftScript{scriptEngine: newScriptEngine(), left: []uploader.Leftover{{UploadID: "u-1", Key: "big.bin", Code: uploader.CodeAbortDenied}}}
	w := newTestWindow(t, nil)
	w.async = func(f func()) { f() }
	w.useSession(scriptSession(e))
	if !topDialogOpen(w) {
		t.Fatal("no question about the upload left open")
	}
	if txt := dialogText(w); !strings.Contains(txt, "big.bin") || !strings.Contains(txt, "u-1") {
		t.Errorf("the question does not name the upload: %q", txt)
	}
	test.Tap(findButton(t, w, "Not now"))
	w.useSession(scriptSession(e))
	if topDialogOpen(w) {
		t.Fatal("asked again about an upload the user put off")
	}
	e.left = append(e.left, uploader.Leftover{UploadID: "u-2", Key: "other.bin"})
	w.useSession(scriptSession(e))
	test.Tap(findButton(t, w, "Remove them"))
	if e.cleaned != 1 || !strings.Contains(w.notice.text.Text, "Removed 2") {
		t.Errorf("cleanup runs %d, notice %q", e.cleaned, w.notice.text.Text)
	}
}

// dialogText is every label's text in the top dialog.
func dialogText(w *mainWindow) string {
	var b strings.Builder
	if top := w.win.Canvas().Overlays().Top(); top != nil {
		for _, o := range test.LaidOutObjects(top) {
			if l, ok := o.(*widget.Label); ok {
				b.WriteString(l.Text + "\n")
			}
		}
	}
	return b.String()
}
