package session

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"cosdrop/clipboard"
	"cosdrop/profile"
	"cosdrop/uploader"
)

// PastedDir is where pasted images wait for their upload: in the data
// directory, so a paste survives a relaunch like any queued file; images
// older than pasteKeep are removed at the next paste.
func PastedDir() string { return filepath.Join(DefaultDataDir(), "pasted") }

// pasteKeep is how long a pasted image is kept after its paste: long
// enough to retry a failed upload after a weekend.
const pasteKeep = 14 * 24 * time.Hour

// pngMagic starts every PNG file (https://www.w3.org/TR/png/#5PNG-file-signature).
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// Paste errors, worded by PasteWords.
var (
	errPasteNotPNG   = errors.New("the clipboard image is not a PNG")
	errPasteNothing  = errors.New("the clipboard holds nothing to upload")
	errPasteNotPaths = errors.New("the clipboard text does not name files")
)

// PasteError is a paste the clipboard's content cannot make: Line is the
// first line of text that names no file (when that is the reason).
type PasteError struct {
	err  error
	Line string
}

func (e *PasteError) Error() string {
	if e.Line != "" {
		return fmt.Sprintf("%v: %q", e.err, e.Line)
	}
	return e.err.Error()
}

func (e *PasteError) Unwrap() error { return e.err }

// ErrPasteNothing is the error of an empty paste (no image, no files, no
// text), for callers that word it themselves.
var ErrPasteNothing = &PasteError{err: errPasteNothing}

// PasteWords says err (from PastedImage or PastedPaths) in the user's
// language, or "" when err is not a paste error.
func PasteWords(err error) string {
	var pe *PasteError
	switch {
	case !errors.As(err, &pe):
		return ""
	case errors.Is(err, errPasteNotPNG):
		return T("The clipboard holds an image CosDrop cannot read. Save it as a file and drop that instead.")
	case errors.Is(err, errPasteNotPaths):
		return T("The clipboard holds text, not an image or files: “{{.Line}}” is not a file on this computer. Copy a screenshot or files, then paste again.",
			map[string]any{"Line": Printable(pe.Line)})
	}
	return T("The clipboard holds nothing to upload. Copy a screenshot or files, then paste again.")
}

// PastedImage saves a pasted PNG under dir by the profile's paste name
// template at now, and returns the file to add (its Rel is the key's name
// under the prefix). A name already taken in dir (two pastes in one
// second) gets -2, -3, … before .png.
func PastedImage(png []byte, template, dir string, now time.Time) (uploader.FileRef, error) {
	if !bytes.HasPrefix(png, pngMagic) {
		return uploader.FileRef{}, &PasteError{err: errPasteNotPNG}
	}
	pruneOld(dir, now)
	rel := profile.RenderPasteName(template, now)
	base := strings.TrimSuffix(rel, path.Ext(rel))
	for n := 2; ; n++ {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return uploader.FileRef{}, fmt.Errorf("save the pasted image: %w", err)
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			rel = fmt.Sprintf("%s-%d%s", base, n, path.Ext(rel))
			continue
		}
		if err != nil {
			return uploader.FileRef{}, fmt.Errorf("save the pasted image: %w", err)
		}
		_, err = f.Write(png)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(p)
			return uploader.FileRef{}, fmt.Errorf("save the pasted image: %w", err)
		}
		return uploader.FileRef{Path: p, Rel: rel, At: now}, nil
	}
}

// pruneOld removes pasted images older than pasteKeep (best effort: an
// image still uploading is recent).
func pruneOld(dir string, now time.Time) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil && now.Sub(info.ModTime()) > pasteKeep {
			os.Remove(p)
		}
		return nil
	})
}

// PastedPaths reads clipboard text as the files to upload: one path per
// line, as file managers copy them (file:// URIs, GNOME's "copy" header
// line, Windows' "Copy as path" quotes). Every line must name an existing
// file or folder by its full path, else nothing is uploaded: text copied
// by mistake must not become an upload.
func PastedPaths(text string) ([]string, error) {
	var paths []string
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" || i == 0 && (line == "copy" || line == "cut") && len(lines) > 1 {
			continue
		}
		p, ok := pathOf(line)
		if !ok {
			return nil, &PasteError{err: errPasteNotPaths, Line: line}
		}
		paths = append(paths, p)
	}
	if len(paths) == 0 {
		return nil, ErrPasteNothing
	}
	return paths, nil
}

// pathOf reads one line as a full path of an existing file or folder.
func pathOf(line string) (string, bool) {
	line = strings.Trim(line, `"`)
	if strings.HasPrefix(line, "file://") {
		u, err := url.Parse(line)
		if err != nil || u.Host != "" && u.Host != "localhost" {
			return "", false
		}
		line = u.Path
		if runtime.GOOS == "windows" {
			line = strings.TrimPrefix(line, "/") // file:///C:/x
		}
		line = filepath.FromSlash(line)
	}
	if !filepath.IsAbs(line) {
		return "", false
	}
	if _, err := os.Stat(line); err != nil {
		return "", false
	}
	return filepath.Clean(line), true
}

// PasteAdder is what a paste is added to: the engine, or the window's
// view of it.
type PasteAdder interface {
	Add(paths ...string) uploader.BatchID
	AddFiles(files ...uploader.FileRef) uploader.BatchID
}

// PasteFrom turns what the clipboard holds into what adds it, for the
// window's Ctrl+V and `upload --clipboard` alike: an image saved under dir
// by the paste name template at now (PastedImage), files copied in a file
// manager, or text naming files (PastedPaths), each added as if dropped.
func PasteFrom(c clipboard.Content, template, dir string, now time.Time) (func(PasteAdder) uploader.BatchID, error) {
	switch c.Kind {
	case clipboard.Image:
		ref, err := PastedImage(c.PNG, template, dir, now)
		if err != nil {
			return nil, err
		}
		return func(e PasteAdder) uploader.BatchID { return e.AddFiles(ref) }, nil
	case clipboard.Files, clipboard.Text:
		paths := c.Paths
		if c.Kind == clipboard.Text {
			var err error
			if paths, err = PastedPaths(c.Text); err != nil {
				return nil, err
			}
		}
		return func(e PasteAdder) uploader.BatchID { return e.Add(paths...) }, nil
	}
	return nil, ErrPasteNothing
}
