package watch

import (
	"os"
	"path/filepath"
	"testing"
)

// TestStillOpenForWritingWaits: a file whose size and time have settled
// but that a program still holds open for writing (here, this test) is not
// uploaded, and says why; closed, it is. A file only open for reading
// does not wait.
func TestStillOpenForWritingWaits(t *testing.T) {
	h := newHarness(t)
	h.start(nil)
	p := filepath.Join(h.dir, "download.iso")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("first chunk, more to come")); err != nil {
		t.Fatal(err)
	}
	h.wait("the file to be seen", func() bool { return h.count(Waiting, p) > 0 })
	for range 4 {
		h.step(settle)
	}
	if h.writes() != 0 || h.count(StillOpen, p) != 1 {
		t.Fatalf("%d uploads, %d still-open decisions; want none and one", h.writes(), h.count(StillOpen, p))
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	h.until("the upload", func() bool { return h.count(Uploaded, p) == 1 })

	r := filepath.Join(h.dir, "read.txt")
	writeFile(t, r, []byte("read only"))
	rf, err := os.Open(r)
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Close()
	h.until("the upload of a file open for reading", func() bool { return h.count(Uploaded, r) == 1 })
	if h.count(StillOpen, r) != 0 {
		t.Error("a file open only for reading waited as if open for writing")
	}
}
