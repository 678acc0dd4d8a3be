package uploader_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/uploader"
)

// TestSignedRerunIsALookup: with a signing server (which picks every key)
// and ResumeExisting, adding a finished, unchanged file again adopts its
// task and sends nothing. The walker's record has no key in this mode, so
// it never matched the task's server-chosen key, and every rerun (and a
// watch's every restart) uploaded the file again.
func TestSignedRerunIsALookup(t *testing.T) {
	s := e2eServer(t, localcos.Config{})
	p := filepath.Join(t.TempDir(), "scan.pdf")
	if err := os.WriteFile(p, []byte("signed once"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, uploader.Config{Signer: auth.NewSignServer(s.STSURL(), "", nil), ResumeExisting: true,
		RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond})
	first := uploader.WaitBatch(t, e, e.Add(p))
	if first[0].State != uploader.Done {
		t.Fatalf("first upload: %s %+v", first[0].State, first[0].LastErr)
	}
	puts := s.Stats().Count("PutObject")
	again := uploader.WaitBatch(t, e, e.Add(p))
	if len(again) != 1 || again[0].ID != first[0].ID || again[0].Key != first[0].Key {
		t.Errorf("rerun: %+v, want the same task %d at %q", again, first[0].ID, first[0].Key)
	}
	if n := s.Stats().Count("PutObject") - puts; n != 0 {
		t.Errorf("the rerun of an unchanged file sent %d PutObject requests", n)
	}
}
