package ui

import (
	"testing"

	"cosdrop/uploader"
)

// A run waiting for its credential server says so in the row from the
// moment the engine notes it, instead of a bare "Uploading 0 %".
func TestRowSaysWaitingForCredentialServer(t *testing.T) {
	s := uploader.Snapshot{State: uploader.Uploading, Size: 1000, Note: uploader.Note{Code: uploader.NoteWaitingCredentials}}
	if got, want := rowDetail(s), "Waiting for the credential server…"; got != want {
		t.Fatalf("row detail %q, want %q", got, want)
	}
	s.Note = uploader.Note{}
	if got := rowDetail(s); got != "" {
		t.Fatalf("row detail without the note %q, want nothing", got)
	}
}
