// Package clipboard reads and writes the system clipboard for paste to upload:
// an image (a screenshot), files copied in a file manager, or text.
//
// Fyne's clipboard carries text only, so images come through
// golang.design/x/clipboard (X11 via cgo on Linux, Cocoa on macOS, the
// Win32 clipboard on Windows: https://github.com/golang-design/clipboard),
// which is small, kept up to date, and used by Fyne apps for exactly this.
// It reads text and PNG only; files copied in Windows Explorer travel as
// CF_HDROP, which hdrop_windows.go reads itself. A build without cgo on
// Linux or macOS (the CLI-only `make cli`) has no clipboard: Read and
// WriteText return ErrUnavailable.
package clipboard

import (
	"errors"
	"fmt"
	"sync"

	xclipboard "golang.design/x/clipboard"
)

// Kind says what the clipboard holds.
type Kind int

const (
	// Empty: nothing CosDrop can upload.
	Empty Kind = iota
	// Image: a PNG image (Content.PNG).
	Image
	// Files: files copied in a file manager (Content.Paths).
	Files
	// Text: text (Content.Text), which may name files.
	Text
)

// Content is what Read found, the most specific kind first: files, then
// an image, then text.
type Content struct {
	Kind  Kind
	PNG   []byte
	Paths []string
	Text  string
}

// ErrUnavailable means this build or session has no clipboard (no display,
// or a build without cgo).
var ErrUnavailable = errors.New("the clipboard cannot be read here")

var (
	initOnce sync.Once
	initErr  error
)

func ready() error {
	initOnce.Do(func() {
		if err := xclipboard.Init(); err != nil {
			initErr = fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
	})
	return initErr
}

// Read returns what the clipboard holds.
func Read() (Content, error) {
	if paths, err := readDroppedFiles(); err != nil || len(paths) > 0 {
		return Content{Kind: Files, Paths: paths}, err
	}
	if err := ready(); err != nil {
		return Content{}, err
	}
	if b := xclipboard.Read(xclipboard.FmtImage); len(b) > 0 {
		return Content{Kind: Image, PNG: b}, nil
	}
	if b := xclipboard.Read(xclipboard.FmtText); len(b) > 0 {
		return Content{Kind: Text, Text: string(b)}, nil
	}
	return Content{}, nil
}

// WriteText puts s on the clipboard. On X11 the text is served by this
// process: it outlives the process only where a clipboard manager takes
// it over (GNOME, KDE and Xfce run one), so a command line tool also
// prints what it copies.
func WriteText(s string) error {
	if err := ready(); err != nil {
		return err
	}
	xclipboard.Write(xclipboard.FmtText, []byte(s))
	return nil
}
