package session

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"cosdrop/uploader"
)

// Single instance, at the session level: a second launch hands a file to
// the window (HandOff), the window's engine uploads it to the Sandbox, and
// `cosdrop status` asks that engine over its own endpoint while it runs.
// The same test runs on Linux (unix sockets) and in the Windows lane
// (loopback TCP with the endpoint key).
func TestHandOffReachesWindowEngine(t *testing.T) {
	data := t.TempDir()
	o := &Opener{DataDir: data}
	s, err := o.OpenSandbox()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	batches := make(chan uploader.BatchID, 1)
	stop, err := ListenWindow(data, func(paths []string) { batches <- s.Engine.Add(paths...) })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !WindowRunning(data) {
		t.Fatal("the window does not answer")
	}
	f := writeFile(t, "handed.bin", 3000)
	if !HandOff(data, []string{f}) {
		t.Fatal("HandOff: no window answered")
	}
	var b uploader.BatchID
	select {
	case b = <-batches:
	case <-time.After(waitBound):
		t.Fatal("the handed file never reached the window")
	}
	var tasks []uploader.Snapshot
	pollFor(t, "the handed file done, as live status reports it", func() bool {
		if res := s.Engine.BatchResult(b); res.Counts[uploader.Done] != 1 {
			return false
		}
		var ok bool
		tasks, ok = LiveStatus(s.StateDir())
		return ok && len(tasks) == 1 && tasks[0].State == uploader.Done
	})
	if tasks[0].Path != f || !tasks[0].Verified {
		t.Errorf("live status: %+v", tasks[0])
	}
	if _, err := ListenWindow(data, func([]string) {}); err == nil {
		t.Error("a second window listened beside the first")
	}
}

// A window killed outright (SIGKILL; TerminateProcess on Windows) leaves
// nothing that makes the next launch believe a window runs, nor anything
// that stops the next window from listening. On Windows the endpoint file
// itself goes with the process (FILE_FLAG_DELETE_ON_CLOSE).
func TestKilledWindowLeavesNoEndpoint(t *testing.T) {
	if dir := os.Getenv("COSDROP_TEST_WINDOW_DIR"); dir != "" { // the child: a window until killed
		if _, err := ListenWindow(dir, func([]string) {}); err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString("listening\n")
		select {}
	}
	data := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWindowLeavesNoEndpoint$")
	cmd.Env = append(os.Environ(), "COSDROP_TEST_WINDOW_DIR="+data)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "listening" {
		cmd.Process.Kill()
		t.Fatalf("the child window said %q", line)
	}
	if !WindowRunning(data) {
		t.Error("the child window does not answer")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if runtime.GOOS == "windows" {
		pollFor(t, "the killed window's endpoint file removed", func() bool {
			_, err := os.Lstat(filepath.Join(data, windowName))
			return os.IsNotExist(err)
		})
	}
	if WindowRunning(data) || HandOff(data, []string{"/a"}) {
		t.Error("a killed window still seems to run")
	}
	got := windowForTest(t, data) // the next window
	if !HandOff(data, []string{"/b"}) || len(<-got) != 1 {
		t.Error("hand-off to the next window failed")
	}
}

// windowForTest listens as a window on data until the test ends; the
// paths handed to it arrive on the channel.
func windowForTest(t *testing.T, data string) chan []string {
	t.Helper()
	handed := make(chan []string, 4)
	stop, err := ListenWindow(data, func(p []string) { handed <- p })
	if err != nil {
		t.Fatalf("listen as the window on %s: %v", data, err)
	}
	t.Cleanup(func() { stop() })
	return handed
}

// pollFor waits, at most waitBound, until cond holds.
func pollFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(waitBound); !cond(); {
		if time.Now().After(end) {
			t.Fatalf("%s: not within %v", what, waitBound)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
