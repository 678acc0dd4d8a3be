package session

import (
	"strings"
	"testing"

	"cosdrop/uploader"
)

// Issue 20, finding 4: a dropped folder's link leading outside it is
// worded as such, naming where it leads, not as "not a file".
func TestNoteLinkOutsideWords(t *testing.T) {
	reloadForTest()
	got := NoteText(uploader.Note{Code: uploader.NoteNotAFile, Args: map[string]string{"kind": uploader.KindLinkOutside, "target": "/home/a/.ssh/id_rsa"}})
	if !strings.Contains(got, "outside the dropped folder") || !strings.Contains(got, "/home/a/.ssh/id_rsa") {
		t.Errorf("NoteText = %q", got)
	}
}
