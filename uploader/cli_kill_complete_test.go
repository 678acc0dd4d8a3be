//go:build clikill

package uploader

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"cosdrop/localcos"
)

// TestCLIKill9DuringComplete (issue 20, findings 1 and 2): the real binary
// uploads 30 MB in 4 MiB parts with --on-conflict rename; Complete stalls
// on the server (as COS joining many parts does) and the binary is
// SIGKILLed while it waits; the server finishes the upload after the
// client died. The rerun sends no part again, starts no upload and stores
// no "big (1).bin": under the sample STS grant (no HeadObject, no
// GetObject) the task is done but NOT verified, under a broad grant
// verified.
// Run: go test -tags clikill -run TestCLIKill9 ./uploader/
func TestCLIKill9DuringComplete(t *testing.T) {
	for _, c := range []struct {
		name     string
		actions  []string
		verified bool
	}{{"sample grant", nil, false}, {"broad grant", localcos.BroadActions, true}} {
		t.Run(c.name, func(t *testing.T) { killDuringComplete(t, c.actions, c.verified) })
	}
}

func killDuringComplete(t *testing.T, actions []string, verified bool) {
	faults, err := localcos.ParseFaults("stall:api=CompleteMultipartUpload,delay=12s,times=1")
	if err != nil {
		t.Fatal(err)
	}
	v, _ := newSampleEnv(t, actions, faults)
	bin := buildCLI(t)
	p := filepath.Join(v.data, "big.bin")
	writeFile(t, p, 30_000_000, 47)
	args := []string{"upload", "--endpoint", v.srv.URL(), "--sts-url", v.srv.STSURL() + "/sts", "--state-dir", v.state,
		"--part-size", "4MiB", "--concurrency", "2", "--on-conflict", "rename", "--json", p}
	cmd := exec.Command(bin, args...)
	cmd.Env = os.Environ()
	var out1 bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out1, &out1
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return v.srv.Stats().Faults[localcos.Stall] >= 1 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	waitFor(t, func() bool { return v.openUploads() == 0 }) // the server finished the Complete
	parts := v.srv.Stats().CountStatus("UploadPart", 200)
	initiates := v.srv.Stats().CountStatus("InitiateMultipartUpload", 200)
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"key":"big.bin"`) {
		t.Fatalf("rerun: %v\n%s", err, out)
	}
	if n := v.srv.Stats().CountStatus("UploadPart", 200) - parts; n != 0 {
		t.Errorf("the rerun sent %d parts again, want 0\n%s", n, out)
	}
	if n := v.srv.Stats().CountStatus("InitiateMultipartUpload", 200) - initiates; n != 0 {
		t.Errorf("the rerun started %d uploads, want 0", n)
	}
	if found, _, _ := v.head("big (1).bin"); found {
		t.Error(`the rerun stored a second copy "big (1).bin"`)
	}
	if _, _, crc := v.head("big.bin"); crc != mustCRC(t, p) {
		t.Error("big.bin is not the file")
	}
	if got := strings.Contains(string(out), "NOT verified"); got == verified {
		t.Errorf("rerun output (want verified %v):\n%s", verified, out)
	}
}
