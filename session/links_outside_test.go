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

// Issue 20, finding 16: the state folder inside a drop is worded as such.
func TestNoteStateFolderWords(t *testing.T) {
	reloadForTest()
	got := NoteText(uploader.Note{Code: uploader.NoteNotAFile, Args: map[string]string{"kind": uploader.KindStateFolder}})
	if !strings.Contains(got, "state folder") {
		t.Errorf("NoteText = %q", got)
	}
}
