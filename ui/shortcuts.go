package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// windowShortcut is one keyboard shortcut of the main window.
type windowShortcut struct {
	shortcut fyne.Shortcut
	run      func()
}

// windowShortcuts are the main window's shortcuts: Ctrl/Cmd+O adds files,
// Ctrl/Cmd+V uploads the clipboard,
// Ctrl/Cmd+, opens Settings, Ctrl/Cmd+Shift+, the active profile's editor
// (what Ctrl/Cmd+, opened before Settings existed: the real-window tests
// and keyboard users reach the editor in one step).
func (w *mainWindow) windowShortcuts() []windowShortcut {
	return []windowShortcut{
		{&desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}, w.addFilesDialog},
		{&fyne.ShortcutPaste{}, w.pasteClipboard}, // paste.go
		{&desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault}, w.showAppSettings},                      // settings.go
		{&desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}, w.showSettings}, // profiles.go
	}
}

// addShortcuts registers the window's shortcuts on the canvas (which gets
// a shortcut when the focused widget takes none) and the list's keys.
func (w *mainWindow) addShortcuts() {
	c := w.win.Canvas()
	for _, s := range w.windowShortcuts() {
		run := s.run
		c.AddShortcut(s.shortcut, func(fyne.Shortcut) { run() })
	}
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { w.typedKey(ev) })
}

// typedKey is the window's keys, from the canvas and from the focused
// list: the open dialogs take them first, then the list.
func (w *mainWindow) typedKey(ev *fyne.KeyEvent) bool {
	return w.dialogs.typedKey(ev) || w.list.typedKey(ev)
}

// runShortcut runs the window shortcut matching s, reporting whether
// there was one.
func (w *mainWindow) runShortcut(s fyne.Shortcut) bool {
	for _, ws := range w.windowShortcuts() {
		if ws.shortcut.ShortcutName() == s.ShortcutName() {
			ws.run()
			return true
		}
	}
	return false
}

// shortcutEntry is an Entry that lets the window's shortcuts through.
// Fyne hands a shortcut only to the focused widget when that widget takes
// shortcuts at all (an Entry does, for copy and paste), never to the
// canvas as well: without this, Ctrl+O did nothing while the search box
// had focus. The Entry keeps every shortcut the window does not use.
type shortcutEntry struct {
	widget.Entry
	window func(fyne.Shortcut) bool
}

func newShortcutEntry(window func(fyne.Shortcut) bool) *shortcutEntry {
	e := &shortcutEntry{window: window}
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut gives the window's shortcuts to the window, the rest to
// the Entry; Ctrl/Cmd+V stays the Entry's (it pastes text into it).
func (e *shortcutEntry) TypedShortcut(s fyne.Shortcut) {
	if _, paste := s.(*fyne.ShortcutPaste); !paste && e.window != nil && e.window(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}
