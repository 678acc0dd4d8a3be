package ui

import (
	"bytes"
	"image"
	"image/png"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"cosdrop/clipboard"
)

// setClipboard makes the window's clipboard reads give c.
func setClipboard(t *testing.T, c clipboard.Content) {
	t.Helper()
	old := readClipboard
	readClipboard = func() (clipboard.Content, error) { return c, nil }
	t.Cleanup(func() { readClipboard = old })
}

// Ctrl+V with a screenshot on the clipboard uploads it as PNG named by
// the paste name, and its link lands on the clipboard once verified,
// without the auto-copy option.
func TestPasteScreenshot(t *testing.T) {
	t.Setenv("COSDROP_DATA_DIR", t.TempDir())
	w := newTestWindow(t, sandboxSession(t))
	w.async = func(f func()) { f() }
	w.tick()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	setClipboard(t, clipboard.Content{Kind: clipboard.Image, PNG: b.Bytes()})
	if !w.runShortcut(&fyne.ShortcutPaste{}) {
		t.Fatal("Ctrl+V is not a window shortcut")
	}
	s := doneRows(t, w, 1)[0]
	if !regexp.MustCompile(`\d{4}-\d\d-\d\d/\d{6}-screenshot\.png$`).MatchString(s.Key) || s.Size != int64(b.Len()) {
		t.Errorf("pasted image uploaded as %q (%d bytes)", s.Key, s.Size)
	}
	want, _ := w.links.linkOf(s)
	waitFor(t, w, "the link on the clipboard", func() bool { return clip(w) == want && want != "" })
}

// Text that names no file uploads nothing and says why above the list.
func TestPasteTextThatIsNoPath(t *testing.T) {
	w := newTestWindow(t, sandboxSession(t))
	w.async = func(f func()) { f() } // the notice is shown on this goroutine
	w.tick()
	setClipboard(t, clipboard.Content{Kind: clipboard.Text, Text: "hello there"})
	w.pasteClipboard()
	if !w.notice.visible() || !strings.Contains(w.notice.text.Text, "hello there") {
		t.Errorf("notice %q (shown %v), want the line that names no file", w.notice.text.Text, w.notice.visible())
	}
	if len(w.list.queue.view) != 0 {
		t.Errorf("%d rows after a refused paste", len(w.list.queue.view))
	}
}
