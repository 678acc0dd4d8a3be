package session

import (
	"strings"
	"testing"

	"cosdrop/uploader"
)

// TestNoteStoppedDuringComplete: a Complete the next run found done but
// could not read back says so, and says the file was not sent again.
func TestNoteStoppedDuringComplete(t *testing.T) {
	n := uploader.Note{Code: uploader.NoteCompletedUnverified, Args: map[string]string{"upload_id": "u1", "reason": uploader.ReasonStoppedDuringComplete}}
	got := NoteText(n)
	for _, want := range []string{"NOT verified", "u1", "not sent again", "GetObject"} {
		if !strings.Contains(got, want) {
			t.Errorf("note %q lacks %q", got, want)
		}
	}
	n.Args["reason"] = "head_denied"
	if got := NoteText(n); !strings.Contains(got, "answer to the last step was lost") {
		t.Errorf("head_denied note %q", got)
	}
}
