package cli

import (
	"bytes"
	"strings"
	"testing"

	"cosdrop/uploader"
)

// `cosdrop upload` on a terminal: a file whose run waits for the
// credential server says so on its progress line, not "0 %  0 B/s".
func TestUploadLineSaysWaitingForCredentialServer(t *testing.T) {
	var b bytes.Buffer
	o := &uploadOutput{tty: true, w: &b}
	s := uploader.Snapshot{ID: 1, Path: "/d/photo.jpg", Size: 1000, State: uploader.Uploading,
		Note: uploader.Note{Code: uploader.NoteWaitingCredentials}}
	o.redraw(map[uploader.TaskID]uploader.Snapshot{1: s}, uploader.Totals{Tasks: 1, Bytes: 1000})
	if line := strings.SplitN(b.String(), "\n", 2)[0]; !strings.Contains(line, "photo.jpg") || !strings.Contains(line, "Waiting for the credential server") {
		t.Fatalf("progress line %q", line)
	}
}
