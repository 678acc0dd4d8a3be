package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cosdrop/localcos"
	"cosdrop/session"
	"cosdrop/uploader"
)

// `cosdrop status` reads a journal while an upload runs on it (it once
// said "an upload is running with the state directory ..."). Two
// real processes: a held `cosdrop upload` and `cosdrop status --json`,
// which must list the running task (it asks the upload over its socket).
// The PUT stalls at the server after its first MiB, until the upload is
// killed at the test's end: the upload is still running when status asks,
// however long this machine takes to start status (a rate limit alone
// could let it finish first).
func TestStatusWhileUploadRuns(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	s.Faults().Add(localcos.Rule{Kind: localcos.Stall, API: "PutObject", After: 1 << 20, Delay: time.Hour})
	env := []string{"TENCENTCLOUD_SECRET_ID=" + cliID, "TENCENTCLOUD_SECRET_KEY=" + cliKey}
	file, _ := writeTestFile(t, t.TempDir(), "slow.bin", patterned(4<<20, 7))
	state := filepath.Join(t.TempDir(), "state")
	startBin(t, env, "upload", "--endpoint", s.URL(), "--state-dir", state, file)
	var out string
	pollUntil(t, "status listing the running upload", func() bool {
		var code int
		code, out = runBin(t, env, "status", "--json", "--state-dir", state)
		if strings.Contains(out, "goroutine ") {
			t.Fatal("status crashed")
		}
		return code == 0 && strings.Contains(out, "slow.bin")
	})
	if !strings.Contains(out, `"state":"uploading"`) && !strings.Contains(out, `"state":"queued"`) {
		t.Errorf("the running task is not shown as running: %s", out)
	}
	// The journal file itself is locked by the upload: status answered
	// from the running process, not the file.
	if _, err := uploader.ReadJournal(state); err == nil {
		t.Fatal("the journal was readable directly; the upload ended too soon and this test proves nothing")
	}
}

// Single instance: `cosdrop FILE` while a window runs hands the file to it
// and exits 0 (here the "window" is this test process listening like one;
// the second launch is the real binary).
func TestSecondLaunchHandsFilesToWindow(t *testing.T) {
	data := t.TempDir()
	got := make(chan []string, 1)
	stop, err := session.ListenWindow(data, func(p []string) { got <- p })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	file, _ := writeTestFile(t, t.TempDir(), "photo.jpg", []byte("jpeg"))
	code, out := runBin(t, []string{"COSDROP_DATA_DIR=" + data}, file)
	if code != 0 {
		t.Fatalf("second launch: exit %d: %s", code, out)
	}
	if p := receive(t, got, "the file handed to the window"); len(p) != 1 || p[0] != file {
		t.Errorf("handed over %v, want [%s]", p, file)
	}
}

// The Sandbox across launches, with the real binary: `cosdrop upload --profile
// Sandbox` twice in the same home (the window's Sandbox journal and
// objects), each run a new process with a new server; both upload, and
// status then lists both files.
func TestSandboxUploadTwiceRealBinary(t *testing.T) {
	isolate(t)
	data := t.TempDir()
	env := []string{"COSDROP_DATA_DIR=" + data}
	one, _ := writeTestFile(t, t.TempDir(), "one.txt", []byte("first launch"))
	two, _ := writeTestFile(t, t.TempDir(), "two.txt", []byte("second launch"))
	for _, f := range []string{one, two} {
		if code, out := runBin(t, env, "upload", "--profile", "Sandbox", f); code != 0 {
			t.Fatalf("upload %s to the Sandbox: exit %d: %s", f, code, out)
		}
	}
	code, out := runBin(t, env, "status", "--json")
	if code != 0 || !strings.Contains(out, "one.txt") || !strings.Contains(out, "two.txt") {
		t.Errorf("status after two Sandbox launches: exit %d", code)
	}
}
