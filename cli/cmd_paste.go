package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"cosdrop/clipboard"
	"cosdrop/profile"
	"cosdrop/session"
	"cosdrop/uploader"
)

// readClipboard is clipboard.Read; a test replaces it (no display there).
var readClipboard = clipboard.Read

// writeClipboard is clipboard.WriteText; a test replaces it.
var writeClipboard = clipboard.WriteText

// clipboardAdd reads the clipboard for `upload --clipboard` and returns
// what adds its content to the engine (session.PasteFrom), the image named
// by the profile's paste name.
func clipboardAdd(f uploadFlags) (func(e *uploader.Engine) uploader.BatchID, error) {
	c, err := readClipboard()
	if err != nil {
		return nil, err
	}
	add, err := session.PasteFrom(c, pasteName(f), session.PastedDir(), time.Now())
	if err != nil {
		return nil, err
	}
	return func(e *uploader.Engine) uploader.BatchID { return add(e) }, nil
}

// pasteName is the paste name template of the --profile (the default
// without one, or when it cannot be read: uploadConfig says why).
func pasteName(f uploadFlags) string {
	if f.profile == "" || f.profile == session.SandboxName {
		return ""
	}
	p, err := profile.NewProfiles(profile.ConfigDir()).Get(f.profile)
	if err != nil {
		return ""
	}
	return p.PasteName
}

// clipboardErrText words a clipboard that could not be read or used.
func clipboardErrText(err error) string {
	if w := session.PasteWords(err); w != "" {
		return w
	}
	if errors.Is(err, clipboard.ErrUnavailable) {
		return tr("The clipboard cannot be read here (no desktop session, or a build without a window). Save the image or name the files instead.")
	}
	return tr("The clipboard could not be read:") + " " + safe(err.Error())
}

// copyLinks puts the links of a --clipboard upload back on the clipboard
// (one per line), and says so; the links were printed too, as on X11 the
// clipboard keeps them only where a clipboard manager runs.
func copyLinks(links []string) {
	if len(links) == 0 {
		return
	}
	if err := writeClipboard(strings.Join(links, "\n")); err != nil {
		fmt.Fprintln(os.Stderr, clipboardErrText(err))
		return
	}
	fmt.Fprintln(os.Stderr, trN("Copied {{.Count}} links to the clipboard.", len(links)))
}

// uploadInput is what `upload` adds: the paths named, or with --clipboard
// what the clipboard holds (which prints and copies its links). ok false
// ends the command with code.
func uploadInput(f *uploadFlags, fs *flag.FlagSet, paths []string) (add func(*uploader.Engine) uploader.BatchID, code int, ok bool) {
	switch {
	case f.clipboard && (len(paths) > 0 || f.dryRun):
		fmt.Fprintln(os.Stderr, tr("--clipboard uploads what the clipboard holds: name no files and no --dry-run with it."))
		return nil, 2, false
	case f.clipboard:
		add, err := clipboardAdd(*f)
		if err != nil {
			fmt.Fprintln(os.Stderr, clipboardErrText(err))
			return nil, 1, false
		}
		f.links = true
		return add, 0, true
	case len(paths) == 0:
		fmt.Fprintln(os.Stderr, tr("Name at least one file or folder to upload."))
		fs.Usage()
		return nil, 2, false
	}
	return func(e *uploader.Engine) uploader.BatchID { return e.Add(paths...) }, 0, true
}
