package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/session"
	"cosdrop/uploader"
)

// TestCLIZeroedJournalLeavesNothingOpen (issue 20, finding 3): an upload
// stopped halfway, then the first 8 KiB of journal.db zeroed (both bbolt
// meta pages: power loss, a bad sector). `repair` salvages the task from
// the data pages, and the rerun finishes the upload the journal had
// started instead of leaving it open on COS for good (were the task lost,
// the rerun would adopt it: uploader/orphans_test.go); and `cleanup` asks
// COS, so an upload no journal knows is reported instead of "No uploads
// left open".
func TestCLIZeroedJournalLeavesNothingOpen(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	t.Setenv("TENCENTCLOUD_SECRET_ID", cliID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", cliKey)
	stateDir := filepath.Join(t.TempDir(), "state")
	big, _ := writeTestFile(t, t.TempDir(), "big.bin", patterned(4<<20, 7))

	spec, err := session.FlagsEngine(session.Flags{Endpoint: s.URL()}, session.Overrides{StateDir: stateDir, PartSize: 1 << 20, RateLimit: 512 << 10})
	if err != nil {
		t.Fatal(err)
	}
	e, closers, err := session.Start(spec)
	if err != nil {
		t.Fatal(err)
	}
	e.Add(big)
	pollUntil(t, "2 MiB acknowledged before the stop", func() bool {
		snaps, _ := e.Changes(0)
		return len(snaps) == 1 && snaps[0].Acked >= 2<<20
	})
	if err := closeAll(closers); err != nil {
		t.Fatal(err)
	}
	if n := openUploads(t, s); n != 1 {
		t.Fatalf("%d uploads open after the stop, want 1", n)
	}
	zeroHead(t, filepath.Join(stateDir, uploader.JournalFile), 8<<10)
	if r := runCLI(t, "repair", "--state-dir", stateDir); r.code != 0 || !strings.Contains(r.stdout, "holds the 1 tasks") {
		t.Fatalf("repair (want the one task salvaged from the data pages): exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	held := heldPartBytes(t, s)
	received := s.Stats().BytesReceived
	r := runCLI(t, "upload", "--endpoint", s.URL(), "--state-dir", stateDir, "--part-size", "1MiB", big)
	if r.code != 0 {
		t.Fatalf("rerun: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := openUploads(t, s); n != 0 {
		t.Errorf("%d uploads left open on COS after the rerun", n)
	}
	// What COS held is not sent again: the rest of the file, and the
	// Complete request's few hundred bytes of XML. (How much COS held at
	// the stop depends on how fast this machine ran; the bound follows it.)
	if sent, want := s.Stats().BytesReceived-received, 4<<20-held+16<<10; sent > want || held == 0 {
		t.Errorf("the rerun sent %d bytes with %d of the file's held by COS (at most %d): the parts COS held were sent again", sent, held, want)
	}

	// An upload no journal accounts for, under the prefix: reported.
	c := localcostest.Client(s, cliID, cliKey)
	if _, _, err := c.Object.InitiateMultipartUpload(context.Background(), "someone-else.bin", nil); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, "cleanup", "--endpoint", s.URL(), "--state-dir", stateDir)
	if r.code != 0 || strings.Contains(r.stdout, "No uploads left open") || !strings.Contains(r.stdout, "someone-else.bin") {
		t.Errorf("cleanup with an upload open on COS: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// zeroHead overwrites the first n bytes of the file at p with zeros.
func zeroHead(t *testing.T, p string, n int) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(bytes.Repeat([]byte{0}, n), 0); err != nil {
		t.Fatal(err)
	}
}

// heldPartBytes is the size of every part of the one upload open on s.
func heldPartBytes(t *testing.T, s *localcos.Server) int64 {
	t.Helper()
	c := localcostest.Client(s, cliID, cliKey)
	ups, _, err := c.Bucket.ListMultipartUploads(context.Background(), nil)
	if err != nil || len(ups.Uploads) != 1 {
		t.Fatalf("open uploads: %+v, %v", ups, err)
	}
	parts, _, err := c.Object.ListParts(context.Background(), ups.Uploads[0].Key, ups.Uploads[0].UploadID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, p := range parts.Parts {
		n += p.Size
	}
	return n
}
