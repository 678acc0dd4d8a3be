package session

import (
	"errors"
	"os"
	"path/filepath"

	"cosdrop/uploader"
)

// Journals lists the state directories under dataDir that hold a journal
// (the window's "gui-" and the CLI's "profile-"/"endpoint-" ones).
func Journals(dataDir string) []string {
	var dirs []string
	entries, _ := os.ReadDir(dataDir)
	for _, en := range entries {
		d := filepath.Join(dataDir, en.Name())
		if _, err := os.Stat(filepath.Join(d, uploader.JournalFile)); err == nil {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// IsDamaged reports whether err says a journal is damaged (and so can be
// set aside with SetAsideJournal).
func IsDamaged(err error) bool {
	var de *uploader.DamagedJournalError
	return errors.As(err, &de)
}

// SetAsideJournal moves the damaged journal in dir aside and starts a
// fresh one with every task that can still be read (see
// uploader.SetAsideJournal). Nothing may hold the journal open: the window
// closes the profile's session first (Opener.SetAside).
func SetAsideJournal(dir string) (uploader.SetAsideResult, error) {
	return uploader.SetAsideJournal(dir)
}

// SetAside closes this Opener's session on the named profile's journal
// (if any), sets the damaged journal aside, and returns the words to
// show; the window then opens the profile again.
func (o *Opener) SetAside(name string) (string, error) {
	dir := o.StateDir(name)
	o.mu.Lock()
	old := o.live[dir]
	o.mu.Unlock()
	if old != nil {
		_ = old.Close()
	}
	res, err := SetAsideJournal(dir)
	if err != nil {
		return "", err
	}
	return SetAsideText(res), nil
}

// SetAsideText says what setting a damaged journal aside did.
func SetAsideText(res uploader.SetAsideResult) string {
	out := T("The damaged upload list was moved to {{.Path}}. A fresh list holds the {{.Tasks}} tasks that could still be read.",
		map[string]any{"Path": res.Moved, "Tasks": res.Tasks})
	if !res.Complete {
		out += " " + T("Some tasks could not be read; upload those files again if they are missing in COS.")
	}
	if res.Raw {
		out += " " + T("Its header could not be read, so its pages were read one by one: unfinished tasks wait, paused, until you resume them, and a task removed earlier may reappear.")
	}
	return out
}

// damagedText words a damaged journal: what is wrong and what to do,
// plain words first, the reader's detail after.
func damagedText(de *uploader.DamagedJournalError) string {
	return T("CosDrop's upload list on this computer ({{.Path}}) is damaged, perhaps by a crash or a full disk, so it cannot be used as it is. Your files and what is already in COS are not affected. Set the damaged list aside (in the window, or with 'cosdrop repair'); CosDrop keeps every task it can still read.",
		map[string]any{"Path": de.Path}) + " " + T("Details: {{.Detail}}", map[string]any{"Detail": de.Reason})
}
