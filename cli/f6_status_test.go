package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cosdrop/localcos"
)

// statusAcked returns the acked bytes `cosdrop status --json` reports for
// the task whose path ends in name, and whether it was listed.
func statusAcked(t *testing.T, env []string, state, name string) (int64, string, bool) {
	t.Helper()
	cmd := exec.Command(cliBinary(t), "status", "--json", "--state-dir", state)
	cmd.Env = append(os.Environ(), env...)
	out, _ := cmd.Output()
	for _, line := range strings.Split(string(out), "\n") {
		var ev cliEvent
		if json.Unmarshal([]byte(line), &ev) == nil && strings.HasSuffix(ev.Path, name) {
			return ev.Acked, ev.State, true
		}
	}
	return 0, "", false
}

// Found by the soak: after a SIGKILL during a multipart upload, `cosdrop
// status` showed "acknowledged 0" for the task although COS had
// acknowledged parts of it. The fourth part stalls at the server until the
// client is killed, so the kill lands mid-file however busy the machine.
func TestStatusAfterKillShowsAckedParts(t *testing.T) {
	skipIfShort(t)
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	s.Faults().Add(localcos.Rule{Kind: localcos.Stall, API: "UploadPart", Nth: 4, Delay: time.Hour})
	env := []string{"TENCENTCLOUD_SECRET_ID=" + cliID, "TENCENTCLOUD_SECRET_KEY=" + cliKey}
	file, _ := writeTestFile(t, t.TempDir(), "big.bin", patterned(12<<20, 3))
	state := filepath.Join(t.TempDir(), "state")
	up, _ := startBin(t, env, "upload", "--endpoint", s.URL(), "--state-dir", state,
		"--part-size", "1MiB", "--concurrency", "1", file)
	var live int64
	pollUntil(t, "two parts acknowledged", func() bool {
		live, _, _ = statusAcked(t, env, state, "big.bin")
		return live >= 2<<20
	})
	if err := up.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = up.Wait()
	acked, st, ok := statusAcked(t, env, state, "big.bin")
	if !ok {
		t.Fatal("status does not list the task after the kill")
	}
	t.Logf("live status said %d acknowledged; after the kill the journal says %d (%s)", live, acked, st)
	if acked < live {
		t.Fatalf("after SIGKILL status shows %d bytes acknowledged, the running upload had shown %d", acked, live)
	}
	// The rerun: status while it runs (from its socket), then after a
	// second kill (from the journal), must never go below what was acked.
	re, _ := startBin(t, env, "upload", "--endpoint", s.URL(), "--state-dir", state,
		"--part-size", "1MiB", "--concurrency", "1", "--limit", "256KiB", file)
	for i := 0; i < 20; i++ {
		a, st, ok := statusAcked(t, env, state, "big.bin")
		t.Logf("rerun: %d %s %v", a, st, ok)
		if ok && a < acked {
			t.Errorf("during the rerun status shows %d acknowledged (%s), the journal had %d", a, st, acked)
		}
		time.Sleep(30 * time.Millisecond) // spacing of samples of an invariant, not a wait for an event
	}
	_ = re.Process.Kill()
	_ = re.Wait()
	a, st, _ := statusAcked(t, env, state, "big.bin")
	t.Logf("after the second kill: %d %s", a, st)
	if a < acked {
		t.Errorf("after the second kill status shows %d acknowledged (%s), it had %d", a, st, acked)
	}
}
