package ui

import (
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

// The feed writes the lines (feed.go: writeTaskEvent, testEvent).

func oneLine(s string) string {
	return strings.NewReplacer("\t", " ", "\r", " ", "\n", " ").Replace(s)
}
