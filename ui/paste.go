package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"cosdrop/clipboard"
	"cosdrop/session"
	"cosdrop/uploader"
)

// readClipboard is clipboard.Read (Fyne's clipboard carries text only); tests
// replace it.
var readClipboard = clipboard.Read

// pasteBatches remembers the drops made by a paste: their links are copied
// when they finish, whatever the auto-copy option says.
type pasteBatches struct{ m sync.Map }

func (p *pasteBatches) add(id uploader.BatchID) { p.m.Store(id, true) }

// take reports whether id was a paste, forgetting it.
func (p *pasteBatches) take(id uploader.BatchID) bool {
	_, ok := p.m.LoadAndDelete(id)
	return ok
}

// pasteClipboard uploads what the clipboard holds (Ctrl/Cmd+V, the tray's
// "Upload clipboard"): a screenshot saved as PNG under the profile's paste
// name, files copied in a file manager, or text naming files. It reads the
// clipboard off the Fyne goroutine (X11 may take a while to answer) and
// adds on it, as a drop does.
func (w *mainWindow) pasteClipboard() {
	if w.sess == nil {
		return
	}
	name := w.sess.profile.PasteName
	w.async(func() {
		add, err := pasteAdder(name)
		fyne.Do(func() {
			if err != nil {
				w.showNotice(pasteErrText(err))
				return
			}
			w.list.queue.expectDrop()
			w.call(func(e Engine) { w.pasted.add(add(e)) })
		})
	})
}

// pasteAdder reads the clipboard and returns what adds its content
// (session.PasteFrom).
func pasteAdder(name string) (func(session.PasteAdder) uploader.BatchID, error) {
	c, err := readClipboard()
	if err != nil {
		return nil, err
	}
	return session.PasteFrom(c, name, session.PastedDir(), time.Now())
}

// pasteErrText words a paste that cannot be made.
func pasteErrText(err error) string {
	if w := session.PasteWords(err); w != "" {
		return w
	}
	return T("The clipboard cannot be read here. Save the image or drop the files instead.")
}
