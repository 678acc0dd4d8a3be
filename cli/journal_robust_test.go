//go:build unix

package cli

// Journal robustness: a full disk, a read-only state directory,
// the journal removed while an upload runs, and two processes on one
// journal. In each case the real binary says so in plain words, drops
// nothing silently (it completes with the journal, or stops saying the
// journal cannot be written), and a rerun after the fix completes.

import (
	"encoding/json"
	"fmt"
	"hash/crc64"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"cosdrop/localcos"
	"cosdrop/uploader"
)

// fsizeEnv makes the test binary, when started with it, set RLIMIT_FSIZE
// and exec the command given in fsizeArgs: a child whose every file write
// beyond the limit fails with EFBIG, as on a full disk. It needs neither
// root nor mount (CI containers may refuse mount).
const (
	fsizeEnv  = "COSDROP_TEST_FSIZE_LIMIT"
	fsizeArgs = "COSDROP_TEST_FSIZE_ARGS"
)

func init() {
	lim := os.Getenv(fsizeEnv)
	if lim == "" {
		return
	}
	n, err := strconv.ParseUint(lim, 10, 64)
	var argv []string
	if err == nil {
		err = json.Unmarshal([]byte(os.Getenv(fsizeArgs)), &argv)
	}
	if err == nil {
		err = syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n})
	}
	if err == nil {
		env := []string{}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, fsizeEnv+"=") && !strings.HasPrefix(kv, fsizeArgs+"=") {
				env = append(env, kv)
			}
		}
		err = syscall.Exec(argv[0], argv, env)
	}
	fmt.Fprintln(os.Stderr, "fsize helper:", err)
	os.Exit(99)
}

// robustEnv is a localcos and the CLI's environment for it.
type robustEnv struct {
	s   *localcos.Server
	env []string
}

func newRobustEnv(t *testing.T) robustEnv {
	t.Helper()
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	return robustEnv{s: s, env: []string{"TENCENTCLOUD_SECRET_ID=" + cliID, "TENCENTCLOUD_SECRET_KEY=" + cliKey, "LANG=C.UTF-8", "LC_ALL=", "LANGUAGE="}}
}

// tree writes n small files and returns the folder.
func tree(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tree")
	for i := range n {
		writeTestFile(t, dir, fmt.Sprintf("d%02d/f%04d.txt", i%10, i), patterned(200+i%50, byte(i)))
	}
	return dir
}

// allUploaded checks every file of dir is in COS with its bytes.
func (r robustEnv) allUploaded(t *testing.T, dir string) {
	t.Helper()
	missing := 0
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Dir(dir), p)
		b, _ := os.ReadFile(p)
		size, crc, ok := headObject(t, r.s, filepath.ToSlash(rel))
		if !ok || size != int64(len(b)) || crc != crcOfBytes(b) {
			missing++
			if missing < 5 {
				t.Errorf("%s is not in COS as the file is (found %v, %d bytes)", rel, ok, size)
			}
		}
		return nil
	})
	if missing > 0 {
		t.Fatalf("%d files are not in COS after the rerun", missing)
	}
}

// plainWords fails unless out names the journal in words and shows no crash.
// rerunUploadsAll runs the upload args again, after the fault is gone: it
// must exit 0 with every file of src in the bucket.
func (r robustEnv) rerunUploadsAll(t *testing.T, src string, args ...string) {
	t.Helper()
	if code, out := runBin(t, r.env, args...); code != 0 {
		t.Fatalf("the rerun exited %d:\n%s", code, out)
	}
	r.allUploaded(t, src)
}

func plainWords(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, bad := range []string{"goroutine ", "panic:", "fatal error:", "[signal "} {
		if strings.Contains(out, bad) {
			t.Fatalf("crashed (%q):\n%s", bad, out)
		}
	}
	low := strings.ToLower(out)
	for _, w := range want {
		if strings.Contains(low, strings.ToLower(w)) {
			return
		}
	}
	t.Fatalf("no plain words about the journal (want one of %q):\n%s", want, out)
}

// journalWords are phrases the session layer uses for journal trouble.
var journalWords = []string{"could not read or save its progress", "cannot save", "could not save", "journal"}

func TestJournalDiskFull(t *testing.T) {
	skipIfShort(t)
	r := newRobustEnv(t)
	src := tree(t, 1200)
	run := func(t *testing.T, state string, limited func(args []string) (int, string)) {
		args := []string{"upload", "--endpoint", r.s.URL(), "--state-dir", state, src}
		code, out := limited(args)
		if code == 0 {
			t.Fatalf("the upload exited 0 although its journal could not grow:\n%s", out)
		}
		plainWords(t, out, journalWords...)
		// Fixed (room again): the rerun completes.
		r.rerunUploadsAll(t, src, args...)
	}
	t.Run("rlimit", func(t *testing.T) {
		// RLIMIT_FSIZE in the child: every write past 96 KiB fails with
		// EFBIG, as on a full disk.
		state := filepath.Join(t.TempDir(), "state")
		run(t, state, func(args []string) (int, string) {
			argv, _ := json.Marshal(append([]string{cliBinary(t)}, args...))
			return runSelf(t, append(r.env, fsizeEnv+"=98304", fsizeArgs+"="+string(argv)))
		})
	})
	t.Run("tmpfs", func(t *testing.T) {
		mnt := t.TempDir()
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", mnt).CombinedOutput(); err != nil {
			// Not silent: the rlimit subtest above ran the same checks.
			t.Logf("TECHNIQUE: mount refused (%v: %s); the full disk is covered by RLIMIT_FSIZE (subtest rlimit)", err, out)
			return
		}
		t.Log("TECHNIQUE: a 96 KiB tmpfs")
		defer exec.Command("umount", "-l", mnt).Run()
		state := filepath.Join(mnt, "state")
		run(t, state, func(args []string) (int, string) {
			code, out := runBin(t, r.env, args...)
			// Free the disk: move the journal to roomy storage for the rerun.
			roomy := t.TempDir()
			if err := os.MkdirAll(filepath.Join(roomy, "state"), 0o700); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(state, uploader.JournalFile))
			if err == nil {
				err = os.WriteFile(filepath.Join(roomy, "state", uploader.JournalFile), b, 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
			exec.Command("umount", "-l", mnt).Run()
			os.RemoveAll(mnt)
			if err := os.Symlink(roomy, mnt); err != nil {
				t.Fatal(err)
			}
			return code, out
		})
	})
}

// runSelf runs this test binary (which execs the CLI under the limit).
func runSelf(t *testing.T, env []string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	code, out := runCmd(t, cmd)
	if code == 99 {
		t.Fatalf("the RLIMIT_FSIZE helper failed: %s", out)
	}
	return code, out
}

func crcOfBytes(b []byte) uint64 { return crc64.Checksum(b, crc64.MakeTable(crc64.ECMA)) }

// asNobody makes cmd run without the power to ignore file permissions:
// as root (CI containers), as user nobody; otherwise as the caller, for
// whom a mode of 0500 already means read-only. It returns a cleanup-free
// description of the technique.
func asNobody(t *testing.T, cmd *exec.Cmd, dirs ...string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return "the caller's own permissions"
	}
	// nobody must reach the binary and the files (t.TempDir is 0700).
	for _, d := range dirs {
		for p := d; p != "/" && p != "." && strings.HasPrefix(p, os.TempDir()); p = filepath.Dir(p) {
			os.Chmod(p, 0o755)
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	return "user nobody (root ignores permissions)"
}

// A read-only state directory (a journal from an earlier, interrupted run
// in it): the upload refuses in words and sends nothing; after the fix the
// rerun completes.
func TestJournalReadOnlyStateDir(t *testing.T) {
	r := newRobustEnv(t)
	src := tree(t, 30)
	state := filepath.Join(t.TempDir(), "state")
	if err := os.MkdirAll(state, 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"upload", "--endpoint", r.s.URL(), "--state-dir", state, src}
	// First an empty read-only directory, then one holding a journal.
	for _, withJournal := range []bool{false, true} {
		if withJournal {
			os.Chmod(state, 0o755)
			if code, _ := runBin(t, r.env, append([]string{"upload", "--endpoint", r.s.URL(), "--state-dir", state}, filepath.Join(src, "d00"))...); code != 0 {
				t.Fatal("the first upload failed")
			}
			os.Chmod(filepath.Join(state, uploader.JournalFile), 0o444)
		}
		os.Chmod(state, 0o555)
		before := r.s.Stats().Count("PutObject")
		cmd := exec.Command(cliBinary(t), args...)
		cmd.Env = append(os.Environ(), r.env...)
		how := asNobody(t, cmd, cliBinary(t), src, state)
		t.Logf("TECHNIQUE: read-only for %s", how)
		code, out := runCmd(t, cmd)
		if code == 0 {
			t.Fatalf("the upload exited 0 with a read-only state directory:\n%s", out)
		}
		plainWords(t, out, "cannot write its upload list")
		if n := r.s.Stats().Count("PutObject"); n != before {
			t.Errorf("%d objects were uploaded without a journal to record them", n-before)
		}
	}
	os.Chmod(state, 0o700)
	os.Chmod(filepath.Join(state, uploader.JournalFile), 0o600)
	r.rerunUploadsAll(t, src, args...)
}

// The journal removed while an upload runs: writes to the deleted file
// would look saved and vanish at exit (the old code finished with exit 0
// and no record). The upload stops saying so; the rerun completes.
//
// Every PUT after the third is held at a gate until the journal is gone,
// so the upload is still running, with commits to come, when it is
// removed. (A rate limit alone let the 200 small files finish first on a
// busy machine.)
func TestJournalRemovedWhileRunning(t *testing.T) {
	skipIfShort(t)
	r := newRobustEnv(t)
	src := tree(t, 200)
	state := filepath.Join(t.TempDir(), "state")
	var puts atomic.Int64
	g := gateCOS(t, r.s, func(q *http.Request) bool { return q.Method == http.MethodPut && puts.Add(1) > 3 })
	args := []string{"upload", "--endpoint", g.URL, "--state-dir", state, "--concurrency", "2", src}
	cmd, out := startBin(t, r.env, args...)
	pollUntil(t, "a file done and both workers held", func() bool {
		return strings.Contains(out.String(), "done ") && g.held.Load() >= 2
	})
	if err := os.Remove(filepath.Join(state, uploader.JournalFile)); err != nil {
		t.Fatal(err)
	}
	g.release()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	code, _ := exitCode(receive(t, done, "the upload to stop after its journal was removed"))
	t.Logf("exit %d", code)
	if code == 0 {
		t.Fatalf("the upload exited 0 after its journal was removed (its record is lost):\n%s", out.String())
	}
	plainWords(t, out.String(), "deleted or replaced")
	r.rerunUploadsAll(t, src, "upload", "--endpoint", g.URL, "--state-dir", state, src)
}

// Two processes on one journal: the second says another CosDrop is using
// it and sends nothing; the first completes; the second, rerun, completes.
// The first's PUT is held at a gate until the second has been refused, so
// the first still holds the journal then, however slowly the second starts.
func TestJournalTwoProcesses(t *testing.T) {
	skipIfShort(t)
	r := newRobustEnv(t)
	src := tree(t, 60)
	state := filepath.Join(t.TempDir(), "state")
	slow, _ := writeTestFile(t, t.TempDir(), "slow.bin", patterned(256<<10, 9))
	g := gateCOS(t, r.s, func(q *http.Request) bool { return q.Method == http.MethodPut })
	first, out1 := startBin(t, r.env, "upload", "--endpoint", g.URL, "--state-dir", state, slow)
	pollUntil(t, "the first upload's PUT at the gate", func() bool { return g.held.Load() >= 1 })
	if _, err := uploader.ReadJournal(state); err == nil {
		t.Fatal("the journal was readable while the first upload ran: it does not hold it")
	}
	puts := r.s.Stats().Count("PutObject")
	// The second goes straight to the server, not through the gate: were
	// it wrongly let in, it must fail the test, not wait at the gate.
	second := []string{"upload", "--endpoint", r.s.URL(), "--state-dir", state, src}
	code, out := runBin(t, r.env, second...)
	if code == 0 {
		t.Fatalf("a second upload on the same journal exited 0:\n%s", out)
	}
	plainWords(t, out, "Another CosDrop")
	g.release()
	if err := first.Wait(); err != nil {
		t.Fatalf("the first upload failed: %v\n%s", err, out1.String())
	}
	if n := r.s.Stats().Count("PutObject") - puts; n > 1 {
		t.Errorf("%d PUTs while the second process was refused; the first has one file", n)
	}
	// The journal belongs to the first's endpoint (the gate, open now).
	r.rerunUploadsAll(t, src, "upload", "--endpoint", g.URL, "--state-dir", state, src)
}

// A journal on a disk that became read-only (EROFS) was reported as a
// damaged journal, inviting a needless repair. It is worded as a folder
// CosDrop cannot write. Needs mount (a tmpfs remounted read-only); where
// mount is refused, the mapping is covered by TestJournalAccessWords
// (session) and the permission case by TestJournalReadOnlyStateDir.
func TestJournalOnReadOnlyDisk(t *testing.T) {
	r := newRobustEnv(t)
	src := tree(t, 5)
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Logf("TECHNIQUE: mount refused (%v: %s); EROFS is covered by TestJournalAccessWords and permissions by TestJournalReadOnlyStateDir", err, out)
		return
	}
	t.Log("TECHNIQUE: a tmpfs remounted read-only")
	defer exec.Command("umount", "-l", mnt).Run()
	state := filepath.Join(mnt, "state")
	args := []string{"upload", "--endpoint", r.s.URL(), "--state-dir", state, src}
	if code, _ := runBin(t, r.env, args...); code != 0 {
		t.Fatal("the first upload failed")
	}
	if out, err := exec.Command("mount", "-o", "remount,ro", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v: %s", err, out)
	}
	code, out := runBin(t, r.env, args...)
	if code == 0 {
		t.Fatalf("exit 0 with the journal on a read-only disk:\n%s", out)
	}
	if strings.Contains(strings.ToLower(out), "damaged") {
		t.Errorf("a read-only disk is called a damaged journal:\n%s", out)
	}
	plainWords(t, out, "cannot write its upload list")
}
