//go:build unix

package cli

// Hostile input at the command line (file names with
// escape sequences, missing files, what a folder holds besides files, an
// empty folder, flags after paths) and the exit codes of signals.

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cosdrop/localcos"
	"cosdrop/uploader"
)

// cliEnv isolates the test and gives the CLI localcos's key.
func cliEnv(t *testing.T) (*localcos.Server, string) {
	t.Helper()
	isolate(t)
	t.Setenv("TENCENTCLOUD_SECRET_ID", cliID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", cliKey)
	s, _ := startCOS(t, localcos.Config{})
	return s, filepath.Join(t.TempDir(), "state")
}

// noEscapes fails if out holds a raw control character other than a
// line break.
func noEscapes(t *testing.T, what, out string) {
	t.Helper()
	for _, r := range out {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			t.Fatalf("%s printed a raw control character %U:\n%q", what, r, out)
		}
	}
}

func TestCLIFileNameEscapesNeverReachTheTerminal(t *testing.T) {
	s, state := cliEnv(t)
	dir := filepath.Join(t.TempDir(), "drop")
	name := "\x1b]0;pwned\x07\x1b[2J.txt"
	writeTestFile(t, dir, name, []byte("hello"))
	writeTestFile(t, dir, "bad\x9b31m.txt", []byte("c1"))
	missing := filepath.Join(t.TempDir(), "gone\x1b[31mred.txt")
	res := runCLI(t, "upload", "--endpoint", s.URL(), "--state-dir", state, dir, missing)
	if res.code != 1 {
		t.Errorf("exit %d, want 1 (a missing file)", res.code)
	}
	noEscapes(t, "upload", res.stdout+res.stderr)
	if !strings.Contains(res.stdout+res.stderr, `\x1b]0;pwned\x07\x1b[2J.txt`) {
		t.Errorf("the file name is not shown with visible escapes:\n%s%s", res.stdout, res.stderr)
	}
	st := runCLI(t, "status", "--state-dir", state)
	noEscapes(t, "status", st.stdout+st.stderr)
	if !strings.Contains(st.stdout, `gone\x1b[31mred.txt`) {
		t.Errorf("status does not name the missing file visibly:\n%s", st.stdout)
	}
}

// A missing file showed "100.0%" in status (pct of 0 bytes).
func TestCLIMissingFileIsNotHundredPercent(t *testing.T) {
	s, state := cliEnv(t)
	missing := filepath.Join(t.TempDir(), "missing.txt")
	if res := runCLI(t, "upload", "--endpoint", s.URL(), "--state-dir", state, missing); res.code != 1 {
		t.Fatalf("exit %d, want 1", res.code)
	}
	st := runCLI(t, "status", "--state-dir", state)
	for _, line := range strings.Split(st.stdout, "\n") {
		if strings.Contains(line, "missing.txt") && strings.Contains(line, "100.0%") {
			t.Errorf("a missing file shows 100.0%%: %q", line)
		}
	}
	if !strings.Contains(st.stdout, "missing.txt") {
		t.Errorf("status does not list the missing file:\n%s", st.stdout)
	}
}

// Flags after a path were read as files ("--json" became a missing file).
func TestCLIFlagsAfterPathsAreFlags(t *testing.T) {
	s, state := cliEnv(t)
	file, _ := writeTestFile(t, t.TempDir(), "a.txt", []byte("flags after paths"))
	res := runCLI(t, "upload", "--endpoint", s.URL(), file, "--state-dir", state, "--json")
	if res.code != 0 {
		t.Fatalf("exit %d, want 0", res.code)
	}
	evs := jsonLines(t, res.stdout) // --json was honoured: every line is JSON
	for _, ev := range evs {
		if strings.Contains(ev.Path, "--") {
			t.Errorf("a flag was taken for a file: %+v", ev)
		}
	}
	if _, err := os.Stat(filepath.Join(state, uploader.JournalFile)); err != nil {
		t.Errorf("--state-dir after the path was ignored: %v", err)
	}
	// After "--" a name that looks like a flag is a file.
	dir := t.TempDir()
	writeTestFile(t, dir, "-odd.txt", []byte("dash"))
	t.Chdir(dir)
	res = runCLI(t, "upload", "--endpoint", s.URL(), "--state-dir", state, "--", "-odd.txt")
	if res.code != 0 || !strings.Contains(res.stdout, "-odd.txt") {
		t.Errorf("a file named -odd.txt after -- was not uploaded (exit %d)", res.code)
	}
}

// An empty folder exited 0 without a word.
func TestCLIEmptyFolderSaysSo(t *testing.T) {
	s, state := cliEnv(t)
	empty := t.TempDir()
	res := runCLI(t, "upload", "--endpoint", s.URL(), "--state-dir", state, empty)
	if res.code != 1 {
		t.Errorf("exit %d for an empty folder, want 1 (nothing was uploaded)", res.code)
	}
	if !strings.Contains(res.stderr, "Nothing was uploaded") || !strings.Contains(res.stdout, "holds no files") {
		t.Errorf("no notice for the empty folder:\nstdout %q\nstderr %q", res.stdout, res.stderr)
	}
}

// FIFOs, devices, sockets and symlinked folders inside a dropped folder
// were skipped without a word: each gets a line and the summary counts them.
func TestCLILeftOutEntriesAreReported(t *testing.T) {
	s, state := cliEnv(t)
	dir := filepath.Join(t.TempDir(), "drop")
	writeTestFile(t, dir, "real.txt", []byte("real"))
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(t.TempDir(), filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/null", filepath.Join(dir, "null")); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", filepath.Join(dir, "sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	res := runCLI(t, "upload", "--endpoint", s.URL(), "--state-dir", state, dir)
	if res.code != 0 {
		t.Errorf("exit %d, want 0 (the one file uploaded)", res.code)
	}
	for _, name := range []string{"pipe", "linked", "null", "sock"} {
		if !strings.Contains(res.stdout, "left out "+filepath.Join(dir, name)+":") {
			t.Errorf("no line for %s:\n%s", name, res.stdout)
		}
	}
	if !strings.Contains(res.stderr, "4 entries were left out") || !strings.Contains(res.stderr, "1 done") {
		t.Errorf("the summary does not count the left-out entries:\n%s", res.stderr)
	}
}

// signalUpload starts a real upload, waits until it runs, sends sig and
// returns the exit code and output. The third part stalls at the server
// until the client gives up, so the upload is still running when the
// signal comes however slowly this machine polls (a rate limit alone let
// it finish first on a busy machine, and exit 0).
func signalUpload(t *testing.T, sig syscall.Signal) (int, string, string) {
	t.Helper()
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	s.Faults().Add(localcos.Rule{Kind: localcos.Stall, API: "UploadPart", Nth: 3, Delay: time.Hour})
	env := []string{"TENCENTCLOUD_SECRET_ID=" + cliID, "TENCENTCLOUD_SECRET_KEY=" + cliKey}
	file, _ := writeTestFile(t, t.TempDir(), "slow.bin", patterned(8<<20, 5))
	state := filepath.Join(t.TempDir(), "state")
	up, out := startBin(t, env, "upload", "--endpoint", s.URL(), "--state-dir", state, "--part-size", "1MiB",
		"--concurrency", "1", file)
	pollUntil(t, "the upload running with a part acknowledged", func() bool {
		a, st, ok := statusAcked(t, env, state, "slow.bin")
		return ok && st == "uploading" && a > 0
	})
	if err := up.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	code, _ := exitCode(up.Wait())
	t.Logf("exit %d after %v:\n%s", code, sig, out.String())
	return code, state, out.String()
}

// SIGTERM exited 130 (SIGINT's code). Each signal's code is 128+n, after
// the journal was closed cleanly: it opens read-only at once, is sound, and
// keeps the acknowledged parts for the rerun.
func TestCLISignalsExitCodes(t *testing.T) {
	skipIfShort(t)
	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		t.Run(c.sig.String(), func(t *testing.T) {
			code, state, out := signalUpload(t, c.sig)
			if code != c.code {
				t.Errorf("exit %d after %v, want %d", code, c.sig, c.code)
			}
			if !strings.Contains(out, "Interrupted") {
				t.Errorf("no word about the interruption:\n%s", out)
			}
			if err := uploader.CheckJournal(state); err != nil {
				t.Fatalf("the journal was not closed cleanly: %v", err)
			}
			snaps, err := uploader.ReadJournal(state)
			if err != nil || len(snaps) != 1 {
				t.Fatalf("journal after the signal: %v, %d tasks", err, len(snaps))
			}
			if s := snaps[0]; s.State != uploader.Paused || s.Acked == 0 {
				t.Errorf("task after the signal: %s with %d acknowledged, want paused with its parts", s.State, s.Acked)
			}
		})
	}
}
