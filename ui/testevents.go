package ui

import (
	"fmt"
	"strings"

	"cosdrop/uploader"
)

// The events file (EventsEnv) is how tests outside the process read what
// the window shows without reading pixels: one line per task that reaches
// an end state, with the words its row shows, and one line per notice or
// Test connection result. Off unless the variable is set.

// eventWords is what a finished task's row says: its state and the
// progress column's words (the failure's reason, "Saved as ...").
func eventWords(s uploader.Snapshot) string {
	return oneLine(strings.TrimSpace(taskStateText(s) + " " + rowDetail(s)))
}

// writeTaskEvent records a finished task ("done\tID\tPATH\tKEY\tWORDS").
// The caller holds pollMu.
func (w *mainWindow) writeTaskEvent(s uploader.Snapshot) {
	fmt.Fprintf(w.events, "%s\t%d\t%s\t%s\t%s\n", s.State, s.ID, s.Path, s.Key, eventWords(s))
}

// testEvent records words the window shows outside the list ("notice",
// "probe"). Safe from any goroutine.
func (w *mainWindow) testEvent(kind, text string) {
	w.pollMu.Lock()
	defer w.pollMu.Unlock()
	if w.events != nil {
		fmt.Fprintf(w.events, "%s\t%s\n", kind, oneLine(text))
	}
}

func oneLine(s string) string {
	return strings.NewReplacer("\t", " ", "\r", " ", "\n", " ").Replace(s)
}
