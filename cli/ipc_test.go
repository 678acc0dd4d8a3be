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
// real processes: a slow `cosdrop upload` and `cosdrop status --json`,
// which must list the running task (it asks the upload over its socket).
func TestStatusWhileUploadRuns(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	env := []string{"TENCENTCLOUD_SECRET_ID=" + cliID, "TENCENTCLOUD_SECRET_KEY=" + cliKey}
	file, _ := writeTestFile(t, t.TempDir(), "slow.bin", patterned(4<<20, 7))
	state := filepath.Join(t.TempDir(), "state")
	startBin(t, env, "upload", "--endpoint", s.URL(), "--state-dir", state, "--limit", "64KiB", file)
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, out := runBin(t, env, "status", "--json", "--state-dir", state)
		if code == 0 && strings.Contains(out, "slow.bin") {
			if !strings.Contains(out, `"state":"uploading"`) && !strings.Contains(out, `"state":"queued"`) {
				t.Errorf("the running task is not shown as running: %s", out)
			}
			break
		}
		if strings.Contains(out, "goroutine ") {
			t.Fatal("status crashed")
		}
		if time.Now().After(deadline) {
			t.Fatalf("status never listed the running upload; last answer %q", out)
		}
		time.Sleep(100 * time.Millisecond)
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
	select {
	case p := <-got:
		if len(p) != 1 || p[0] != file {
			t.Errorf("handed over %v, want [%s]", p, file)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the window never received the file")
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
