package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"cosdrop/localcos"
)

var (
	cliOnce sync.Once
	cliBin  string
	cliErr  error
)

// cliBinary builds the CLI-only cosdrop once per test run: damaged-journal
// and two-process tests run the real binary, so a crash shows as one.
func cliBinary(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cosdrop-cli-test")
		if err != nil {
			cliErr = err
			return
		}
		cliBin = filepath.Join(dir, "cosdrop-cli")
		cmd := exec.Command("go", "build", "-tags", "nogui", "-o", cliBin, "..")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			cliErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if cliErr != nil {
		t.Fatalf("build the CLI: %v", cliErr)
	}
	return cliBin
}

// skipIfShort skips a test that runs the real binary for many seconds
// (kills, signals, full disks, faults) under go test -short (make check);
// make test runs it.
func skipIfShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the real binary for many seconds; make test runs it")
	}
}

// runBin runs the real binary with the test's environment plus env.
func runBin(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(cliBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	return runCmd(t, cmd)
}

// runCmd runs cmd and returns its exit code and output.
func runCmd(t *testing.T, cmd *exec.Cmd) (int, string) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	code, ok := exitCode(err)
	if !ok {
		t.Fatal(err)
	}
	t.Logf("%s -> exit %d\n%s", strings.Join(cmd.Args, " "), code, out)
	return code, string(out)
}

// exitCode is the status a finished command exited with (0 for a nil
// error, -1 when a signal ended it); ok is false when err is not an exit
// at all (the command did not run).
func exitCode(err error) (code int, ok bool) {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, true
	case errors.As(err, &ee):
		return ee.ExitCode(), true
	}
	return 0, false
}

// startBin starts the real binary with env added, its output (stdout and
// stderr) collected; the test's end kills it if it still runs.
func startBin(t *testing.T, env []string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(cliBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, out
}

// damage returns a copy of the journal bytes hurt the way the field hurts
// them: a file truncated to half, pages zeroed (the freelist among them:
// bbolt panicked "invalid freelist page: 0"), bytes flipped.
func damage(kind string, b []byte) []byte {
	b = append([]byte(nil), b...)
	switch kind {
	case "truncated":
		// Half the file, but never more than three pages and a bit: bbolt
		// grows its file ahead of use, and half of a file twice the size
		// of its data cuts off nothing the journal needs (this test then
		// failed now and then).
		return b[:min(len(b)/2, 3*4096+100)]
	case "zeroed":
		for i := 2 * 4096; i < len(b); i++ {
			b[i] = 0
		}
	case "flipped":
		for i := 2 * 4096; i+8 < len(b); i += 997 {
			for j := range 8 {
				b[i+j] ^= 0xA5
			}
		}
	}
	return b
}

// A damaged journal once crashed `upload` and `status` with a Go
// stack trace. Now both say in plain words what is wrong, `repair` (or
// upload --set-aside-damaged) sets the file aside keeping what can be
// read, and uploads carry on.
func TestDamagedJournalNeverCrashes(t *testing.T) {
	skipIfShort(t)
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	env := []string{"TENCENTCLOUD_SECRET_ID=" + cliID, "TENCENTCLOUD_SECRET_KEY=" + cliKey, "LANG=C.UTF-8", "LC_ALL=", "LANGUAGE="}
	src := t.TempDir()
	for i := range 40 {
		writeTestFile(t, src, fmt.Sprintf("f%02d.txt", i), patterned(100+i, byte(i)))
	}
	good := filepath.Join(t.TempDir(), "good")
	if code, _ := runBin(t, env, "upload", "--endpoint", s.URL(), "--state-dir", good, src); code != 0 {
		t.Fatal("the first upload failed")
	}
	journal, err := os.ReadFile(filepath.Join(good, "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	extra, _ := writeTestFile(t, t.TempDir(), "after.txt", []byte("uploaded after the repair"))
	for _, kind := range []string{"truncated", "zeroed", "flipped"} {
		t.Run(kind, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "state")
			os.MkdirAll(dir, 0o700)
			if err := os.WriteFile(filepath.Join(dir, "journal.db"), damage(kind, journal), 0o600); err != nil {
				t.Fatal(err)
			}
			noCrash := func(what, out string) {
				t.Helper()
				for _, bad := range []string{"goroutine ", "panic:", "fatal error:", "[signal "} {
					if strings.Contains(out, bad) {
						t.Fatalf("%s crashed (%q):\n%s", what, bad, out)
					}
				}
			}
			code, out := runBin(t, env, "status", "--state-dir", dir)
			noCrash("status", out)
			if code != 1 || !strings.Contains(out, "is damaged") {
				t.Errorf("status on a %s journal: exit %d, want 1 and plain words", kind, code)
			}
			code, out = runBin(t, env, "upload", "--endpoint", s.URL(), "--state-dir", dir, extra)
			noCrash("upload", out)
			if code == 0 || !strings.Contains(out, "is damaged") || !strings.Contains(out, "cosdrop repair") {
				t.Errorf("upload on a %s journal: exit %d, want a failure that says what to do", kind, code)
			}
			code, out = runBin(t, env, "repair", "--state-dir", dir)
			noCrash("repair", out)
			if code != 0 || !strings.Contains(out, "was moved to") {
				t.Fatalf("repair: exit %d", code)
			}
			moved, _ := filepath.Glob(filepath.Join(dir, "journal.db.damaged-*"))
			if len(moved) != 1 {
				t.Errorf("damaged file set aside: %v", moved)
			}
			code, out = runBin(t, env, "upload", "--endpoint", s.URL(), "--state-dir", dir, extra)
			noCrash("upload after repair", out)
			if code != 0 {
				t.Errorf("upload after repair: exit %d", code)
			}
			code, out = runBin(t, env, "status", "--state-dir", dir)
			noCrash("status after repair", out)
			if code != 0 || !strings.Contains(out, "after.txt") {
				t.Errorf("status after repair: exit %d", code)
			}
		})
	}
	// upload --set-aside-damaged does the same in one step.
	dir := filepath.Join(t.TempDir(), "state")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "journal.db"), damage("zeroed", journal), 0o600)
	code, out := runBin(t, env, "upload", "--set-aside-damaged", "--endpoint", s.URL(), "--state-dir", dir, extra)
	if code != 0 || !strings.Contains(out, "was moved to") {
		t.Errorf("upload --set-aside-damaged: exit %d", code)
	}
}
