package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/clipboard"
)

// pressShortcut delivers s the way Fyne's desktop driver does
// (internal/driver/glfw/window.go, triggersShortcut): to the focused
// widget alone when it takes shortcuts, otherwise to the canvas. The test
// driver has no key routing of its own.
func pressShortcut(c fyne.Canvas, s fyne.Shortcut) {
	if f, ok := c.Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	c.(fyne.Shortcutable).TypedShortcut(s)
}

var ctrlO = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}

func windowTitled(a fyne.App, title string) fyne.Window {
	for _, win := range a.Driver().AllWindows() {
		if win.Title() == title {
			return win
		}
	}
	return nil
}

// Ctrl+O opens the add-files dialog and Ctrl+, the settings while the
// search box has focus, and the search box keeps its own shortcuts and
// text.
func TestShortcutsWorkWhileSearchHasFocus(t *testing.T) {
	w := newTestWindow(t, scriptSession(newScriptEngine()))
	w.async = func(f func()) { f() }
	c := w.win.Canvas()
	c.Focus(w.bar.search)
	test.Type(w.bar.search, "cat")
	if c.Focused() != w.bar.search {
		t.Fatalf("focus on %T, want the search box", c.Focused())
	}
	// The bug this guards against: a plain Entry swallows Ctrl+O.
	plain := widget.NewEntry()
	w.win.SetContent(container.NewBorder(nil, plain, nil, nil, w.win.Content()))
	c.Focus(plain)
	pressShortcut(c, ctrlO)
	if c.Overlays().Top() != nil {
		t.Fatal("the test's key routing does not match Fyne's: a plain Entry passed Ctrl+O on")
	}

	c.Focus(w.bar.search)
	pressShortcut(c, ctrlO)
	if c.Overlays().Top() == nil {
		t.Fatal("Ctrl+O in the search box did not open the add-files dialog")
	}
	if w.bar.search.Text != "cat" {
		t.Errorf("search text became %q", w.bar.search.Text)
	}
	c.Overlays().Top().Hide()
	c.Overlays().Remove(c.Overlays().Top())

	c.Focus(w.bar.search) // the picker took the focus to its folder box
	pressShortcut(c, &fyne.ShortcutSelectAll{})
	if got := w.bar.search.SelectedText(); got != "cat" {
		t.Errorf("Ctrl+A in the search box selected %q, want its text", got)
	}

	pressShortcut(c, &desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault})
	if !strings.Contains(overlayText(w), "Speed limit") {
		t.Fatal("Ctrl+, in the search box did not open the settings")
	}
	w.dialogs.closeTop()
	c.Overlays().Remove(c.Overlays().Top())
	if n := len(w.windowShortcuts()); n != 4 || w.windowShortcuts()[3].shortcut.ShortcutName() ==
		w.windowShortcuts()[2].shortcut.ShortcutName() {
		t.Errorf("Ctrl+Shift+, (the profile editor) is not its own shortcut")
	}

	// Ctrl+V in the search box pastes text there; it uploads nothing.
	c.Focus(w.bar.search)
	w.app.Clipboard().SetContent("dog")
	pasted := false
	old := readClipboard
	readClipboard = func() (clipboard.Content, error) { pasted = true; return clipboard.Content{}, nil }
	defer func() { readClipboard = old }()
	pressShortcut(c, &fyne.ShortcutPaste{Clipboard: w.app.Clipboard()})
	if pasted || !strings.Contains(w.bar.search.Text, "dog") {
		t.Errorf("Ctrl+V in the search box: upload read the clipboard %v, search text %q", pasted, w.bar.search.Text)
	}

	// With nothing focused the canvas takes the shortcut.
	c.Unfocus()
	pressShortcut(c, ctrlO)
	if c.Overlays().Top() == nil {
		t.Fatal("Ctrl+O with nothing focused did not open the add-files dialog")
	}
}
