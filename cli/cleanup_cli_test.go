package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/session"
	"cosdrop/uploader"
)

// openUploads counts the multipart uploads open at the local server.
func openUploads(t *testing.T, s *localcos.Server) int {
	t.Helper()
	c := localcostest.Client(s, cliID, cliKey)
	res, _, err := c.Bucket.ListMultipartUploads(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Uploads)
}

// TestCLICleanupLeftovers: a removed task whose abort COS
// refused leaves its upload listed; `status` shows it in plain words with
// the upload ID, and `cleanup` ends it once COS allows.
func TestCLICleanupLeftovers(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	t.Setenv("TENCENTCLOUD_SECRET_ID", cliID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", cliKey)
	stateDir := filepath.Join(t.TempDir(), "state")
	big, _ := writeTestFile(t, t.TempDir(), "big.bin", patterned(4<<20, 5))

	// The second part waits at the server until the task is removed: the
	// upload is still open when the test removes it, however late (a rate
	// limit alone could let the file finish first on a busy machine).
	s.Faults().Add(localcos.Rule{Kind: localcos.Stall, API: "UploadPart", Nth: 2, Delay: time.Hour})
	spec, err := session.FlagsEngine(session.Flags{Endpoint: s.URL()}, session.Overrides{StateDir: stateDir, PartSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	spec.Config.MaxAttempts = 1
	e, closers, err := session.Start(spec)
	if err != nil {
		t.Fatal(err)
	}
	s.Faults().Add(localcos.Rule{Kind: localcos.Fail500, API: "AbortMultipartUpload"})
	e.Add(big)
	var id uploader.TaskID
	pollUntil(t, "the multipart upload to start", func() bool {
		snaps, _ := e.Changes(0)
		for _, sn := range snaps {
			if sn.UploadID != "" {
				id = sn.ID
				return true
			}
		}
		return false
	})
	e.Remove(id)
	pollUntil(t, "the refused abort to be listed", func() bool { l, _ := e.Leftovers(); return len(l) == 1 && l[0].Code != "" })
	if err := closeAll(closers); err != nil {
		t.Fatal(err)
	}

	r := runCLI(t, "status", "--state-dir", stateDir)
	if r.code != 0 || !strings.Contains(r.stdout, "big.bin") || !strings.Contains(r.stdout, "cosdrop cleanup") || !strings.Contains(r.stdout, "billed") {
		t.Fatalf("status does not show the upload left open:\n%s", r.stdout)
	}
	r = runCLI(t, "status", "--state-dir", stateDir, "--json")
	if !strings.Contains(r.stdout, `"event":"leftover"`) || !strings.Contains(r.stdout, `"code":"InternalError"`) {
		t.Errorf("status --json has no leftover event:\n%s", r.stdout)
	}
	s.Faults().Clear()
	r = runCLI(t, "cleanup", "--endpoint", s.URL(), "--state-dir", stateDir)
	if r.code != 0 || !strings.Contains(r.stdout, "Removed 1") {
		t.Fatalf("cleanup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := openUploads(t, s); n != 0 {
		t.Errorf("%d uploads open after cleanup", n)
	}
	r = runCLI(t, "status", "--state-dir", stateDir)
	if strings.Contains(r.stdout, "cosdrop cleanup") {
		t.Errorf("status still lists a leftover after cleanup:\n%s", r.stdout)
	}
}
