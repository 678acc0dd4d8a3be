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
	"time"

	"cosdrop/localcos"
)

// TestCLIKill9RenameRerun (issue 11, "rename makes duplicates"): the real
// binary uploads with --on-conflict rename under the sample STS grant
// against an existing object, is killed with SIGKILL in the middle of the
// multipart upload to "big (1).bin", and the same command is run again:
// it resumes that upload (no "big (2).bin", no task left uploading, no
// multipart upload open); a third run adds nothing.
// Run: go test -tags clikill -run TestCLIKill9 ./uploader/
func TestCLIKill9RenameRerun(t *testing.T) {
	v, _ := newSampleEnv(t, nil, nil)
	v.put("big.bin", []byte("another client's object"))
	bin := buildCLI(t)
	const size = 64 << 20
	p := filepath.Join(v.data, "big.bin")
	writeFile(t, p, size, 43)
	args := []string{"upload", "--endpoint", v.srv.URL(), "--sts-url", v.srv.STSURL() + "/sts", "--state-dir", v.state,
		"--part-size", "1MiB", "--concurrency", "2", "--on-conflict", "rename", "--json"}
	// The 20th part waits at the server (until the kill) so the kill lands
	// mid-file however late this test looks; the rule is gone before the
	// reruns.
	v.srv.Faults().Add(localcos.Rule{Kind: localcos.Stall, API: "UploadPart", Nth: 20, Delay: time.Hour})
	cmd := exec.Command(bin, append(args, "--limit", "8MiB", p)...)
	cmd.Env = os.Environ()
	var out1 bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out1, &out1
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return v.srv.Stats().CountStatus("UploadPart", 200) >= 8 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	v.srv.Faults().Clear()
	if n := v.openUploads(); n != 1 {
		t.Fatalf("%d uploads open after the kill, want 1", n)
	}
	initiates := v.srv.Stats().CountStatus("InitiateMultipartUpload", 200)
	for run := 2; run <= 3; run++ {
		out, err := exec.Command(bin, append(args, p)...).CombinedOutput()
		want := `"key":"big (1).bin"` // the resumed task ends done under its renamed key
		if run == 3 {
			want = `"Done":1,` // already done: it only counts
		}
		if err != nil || !strings.Contains(string(out), want) {
			t.Fatalf("run %d: %v\n%s", run, err, out)
		}
	}
	if n := v.srv.Stats().CountStatus("InitiateMultipartUpload", 200); n != initiates {
		t.Errorf("the reruns started %d new uploads: the killed one was not resumed", n-initiates)
	}
	if _, _, crc := v.head("big (1).bin"); crc != mustCRC(t, p) {
		t.Error("big (1).bin is not the file")
	}
	if found, _, _ := v.head("big (2).bin"); found {
		t.Error("a rerun added big (2).bin")
	}
	if n := v.openUploads(); n != 0 {
		t.Errorf("%d uploads left open", n)
	}
	st, err := exec.Command(bin, "status", "--state-dir", v.state).CombinedOutput()
	if err != nil || strings.Count(string(st), "big.bin") != 1 || strings.Contains(string(st), "uploading") {
		t.Errorf("status after the reruns (want one done task):\n%s", st)
	}
}
