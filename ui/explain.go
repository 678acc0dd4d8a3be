package ui

import (
	"cosdrop/session"
	"cosdrop/uploader"
)

// explanations used to hold the error sentences; they moved to package
// session (session.*.json), which words errors for the CLI and the window
// alike. Kept empty for tests that list the window's own strings.
var explanations = map[string]string{}

// Explain turns an engine error into plain words in the user's language
// (session.Explain).
func Explain(e uploader.TaskError) string { return session.Explain(e) }
