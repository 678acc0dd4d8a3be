package cli

// End-to-end tests of the command line: run() in-process, real files,
// localcos over loopback HTTP, the real bbolt journal. Helpers here are
// shared with secrets_leak_test.go and cli_keyring_real_test.go.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"hash/crc64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
)

const (
	cliID     = "AKIDCLIE2ETEST000000001"
	cliKey    = "CliE2ESecretKey0123456789abcdefXY"
	cliBucket = localcos.DefaultBucket
	cliRegion = localcos.DefaultRegion
)

// syncBuffer is a bytes.Buffer safe for localcos's request log, which is
// written from server goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startCOS starts localcos with a credential server, logging every request
// to the returned buffer. cfg's listener, data and key fields are filled in.
func startCOS(t testing.TB, cfg localcos.Config) (*localcos.Server, *syncBuffer) {
	t.Helper()
	log := &syncBuffer{}
	cfg.SecretID, cfg.SecretKey, cfg.Log = cliID, cliKey, log
	return localcostest.Start(t, cfg), log
}

// isolate points every directory CosDrop could write to into the test's
// temporary directory, and clears credentials inherited from the caller.
// It returns the config dir.
func isolate(t *testing.T) (configDir string) {
	t.Helper()
	root := t.TempDir()
	configDir = filepath.Join(root, "config")
	t.Setenv("COSDROP_CONFIG_DIR", configDir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(root, "xdg-config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(root, "xdg-data"))
	for _, v := range []string{"TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SECURITY_TOKEN", "COSDROP_LOGIN_TOKEN"} {
		t.Setenv(v, "")
	}
	return configDir
}

// cliResult is one in-process run of the command line.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI calls run(args) with os.Stdout and os.Stderr redirected into
// pipes, and returns the exit code and everything printed. Tests using it
// must not run in parallel.
func runCLI(t testing.TB, args ...string) cliResult {
	t.Helper()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var outB, errB bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); io.Copy(&outB, outR) }()
	go func() { defer wg.Done(); io.Copy(&errB, errR) }()
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = outW, errW
	code := func() int {
		defer func() { os.Stdout, os.Stderr = oldOut, oldErr }()
		return run(args)
	}()
	outW.Close()
	errW.Close()
	wg.Wait()
	outR.Close()
	errR.Close()
	res := cliResult{code: code, stdout: outB.String(), stderr: errB.String()}
	t.Logf("cosdrop %s -> exit %d\n--- stdout:\n%s--- stderr:\n%s", strings.Join(args, " "), code, res.stdout, res.stderr)
	return res
}

// cliEvent is the subset of a --json line (and a `status --json` line) the
// tests read.
type cliEvent struct {
	Event    string `json:"event"`
	Task     uint64 `json:"task"`
	Path     string `json:"path"`
	Key      string `json:"key"`
	State    string `json:"state"`
	Size     int64  `json:"size"`
	Acked    int64  `json:"acked"`
	CRC64    string `json:"crc64"`
	ExitCode *int   `json:"exit_code"`
	Error    *struct {
		Code    string `json:"Code"`
		Message string `json:"Message"`
	} `json:"error"`
}

// jsonLines parses one JSON object per line; any other line fails the test.
func jsonLines(t testing.TB, out string) []cliEvent {
	t.Helper()
	var evs []cliEvent
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var ev cliEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("not a JSON line: %q: %v", sc.Text(), err)
		}
		evs = append(evs, ev)
	}
	return evs
}

// headObject returns the size and CRC64 COS holds for key (permanent key).
func headObject(t testing.TB, s *localcos.Server, key string) (size int64, crc uint64, found bool) {
	t.Helper()
	c := localcostest.Client(s, cliID, cliKey)
	resp, err := c.Object.Head(context.Background(), key, nil)
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return 0, 0, false
		}
		t.Fatalf("HEAD %q: %v", key, err)
	}
	size, _ = strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
	crc, _ = strconv.ParseUint(resp.Header.Get("x-cos-hash-crc64ecma"), 10, 64)
	return size, crc, true
}

// writeTestFile writes data to dir/rel, creating folders, and returns the
// path and the data's CRC64-ECMA.
func writeTestFile(t testing.TB, dir, rel string, data []byte) (string, uint64) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, crc64.Checksum(data, crc64.MakeTable(crc64.ECMA))
}

// patterned returns n bytes that differ from block to block.
func patterned(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i/4093) ^ byte(i*7) ^ seed
	}
	return b
}

// TestCLIE2EUploadStatusExitCodes drives the command line as a user would:
// a profile added with the CLI, then `upload` of a Unicode folder tree and
// a multipart-sized file with credentials from the environment, `status
// --json`, a rerun that resumes (sends nothing again), and a run in which
// two files fail (a missing path and a key with a control character),
// which must exit non-zero with a summary naming each failure.
func TestCLIE2EUploadStatusExitCodes(t *testing.T) {
	configDir := isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	stateDir := filepath.Join(t.TempDir(), "state")
	checkProfileCommands(t, configDir, s)
	src, want, upload, big := checkUploadJSON(t, s, stateDir)
	checkStatusJSON(t, stateDir, want)
	checkRerunSendsNothing(t, s, append(upload, filepath.Join(src, "相册 2024"), big))
	checkFailingBatch(t, s, src, upload)
}

// checkProfileCommands adds, lists and reads back a profile through the
// CLI; the file holds no secret.
func checkProfileCommands(t *testing.T, configDir string, s *localcos.Server) {
	t.Helper()
	r := runCLI(t, "profile", "add", "local", "--bucket", cliBucket, "--region", cliRegion,
		"--endpoint", s.URL(), "--mode", "permanent", "--secret-id", cliID, "--prefix", "cli/")
	if r.code != 0 {
		t.Fatalf("profile add: exit %d", r.code)
	}
	if r = runCLI(t, "profile", "list"); r.code != 0 || !strings.Contains(r.stdout, "local") || !strings.Contains(r.stdout, s.URL()) {
		t.Fatalf("profile list: exit %d, output %q", r.code, r.stdout)
	}
	prof, err := os.ReadFile(filepath.Join(configDir, "profiles.json"))
	if err != nil {
		t.Fatalf("profile file: %v", err)
	}
	if !bytes.Contains(prof, []byte(s.URL())) || bytes.Contains(prof, []byte(cliKey)) {
		t.Fatalf("profiles.json: %s", prof)
	}

}

// checkUploadJSON uploads with the environment's key: a nested Unicode
// folder and a file big enough for multipart at 1 MiB parts. It returns
// the source folder, each key's CRC64, the upload command and the big file.
func checkUploadJSON(t *testing.T, s *localcos.Server, stateDir string) (src string, want map[string]uint64, upload []string, big string) {
	t.Helper()
	src = t.TempDir()
	want = map[string]uint64{} // key -> CRC64
	_, c1 := writeTestFile(t, src, "相册 2024/a.txt", []byte("first file"))
	want["cli/相册 2024/a.txt"] = c1
	_, c2 := writeTestFile(t, src, "相册 2024/子目录/b 文件.txt", patterned(200<<10, 3))
	want["cli/相册 2024/子目录/b 文件.txt"] = c2
	big, c3 := writeTestFile(t, src, "big.bin", patterned(3<<20+12345, 9))
	want["cli/big.bin"] = c3

	t.Setenv("TENCENTCLOUD_SECRET_ID", cliID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", cliKey)
	upload = []string{"upload", "--endpoint", s.URL(), "--bucket", cliBucket, "--region", cliRegion,
		"--prefix", "cli/", "--part-size", "1MiB", "--state-dir", stateDir}
	r := runCLI(t, append(append(upload, "--json"), filepath.Join(src, "相册 2024"), big)...)
	if r.code != 0 {
		t.Fatalf("upload: exit %d", r.code)
	}
	done := map[string]bool{}
	var summary *cliEvent
	for _, ev := range jsonLines(t, r.stdout) {
		switch ev.Event {
		case "done":
			done[ev.Key] = true
			if c, _ := strconv.ParseUint(ev.CRC64, 10, 64); c != want[ev.Key] {
				t.Errorf("--json done event for %q: CRC64 %s, want %d", ev.Key, ev.CRC64, want[ev.Key])
			}
		case "summary":
			summary = &ev
		}
	}
	if len(done) != len(want) {
		t.Errorf("--json reported done for %v, want %d keys", done, len(want))
	}
	if summary == nil || summary.ExitCode == nil || *summary.ExitCode != 0 {
		t.Errorf("--json summary %+v, want exit_code 0", summary)
	}
	for key, crc := range want {
		size, got, found := headObject(t, s, key)
		if !found || got != crc {
			t.Errorf("COS %q: found %v, %d bytes, CRC64 %d; want CRC64 %d", key, found, size, got, crc)
		}
	}
	if s.Stats().Count("UploadPart") < 4 {
		t.Errorf("big.bin was not uploaded in parts: %v", s.Stats().Requests)
	}

	return src, want, upload, big
}

// checkStatusJSON: status --json lists every task of the journal, done,
// with its CRC64.
func checkStatusJSON(t *testing.T, stateDir string, want map[string]uint64) {
	t.Helper()
	r := runCLI(t, "status", "--state-dir", stateDir, "--json")
	if r.code != 0 {
		t.Fatalf("status: exit %d", r.code)
	}
	tasks := jsonLines(t, r.stdout)
	if len(tasks) != len(want) {
		t.Errorf("status lists %d tasks, want %d", len(tasks), len(want))
	}
	for _, ev := range tasks {
		c, _ := strconv.ParseUint(ev.CRC64, 10, 64)
		if ev.State != "done" || c != want[ev.Key] || ev.Acked != ev.Size {
			t.Errorf("status: %+v; want done with CRC64 %d", ev, want[ev.Key])
		}
	}

}

// checkRerunSendsNothing: rerunning the same command resumes; everything
// is already done, so nothing is sent again and it exits 0.
func checkRerunSendsNothing(t *testing.T, s *localcos.Server, rerun []string) {
	t.Helper()
	before := s.Stats()
	r := runCLI(t, rerun...)
	if r.code != 0 {
		t.Errorf("rerun: exit %d", r.code)
	}
	after := s.Stats()
	for _, api := range []string{"PutObject", "UploadPart", "InitiateMultipartUpload"} {
		if after.Count(api) != before.Count(api) {
			t.Errorf("rerun sent %d more %s requests", after.Count(api)-before.Count(api), api)
		}
	}

}

// checkFailingBatch: one good file, one missing, one whose name makes an
// invalid key; the good one is uploaded, the command exits 1 and says why
// the others failed.
func checkFailingBatch(t *testing.T, s *localcos.Server, src string, upload []string) {
	t.Helper()
	good, _ := writeTestFile(t, src, "ok/good.txt", []byte("good"))
	bad, _ := writeTestFile(t, src, "ok/bad\x01name.txt", []byte("control character"))
	missing := filepath.Join(src, "ok", "does-not-exist.txt")
	r := runCLI(t, append(upload, good, bad, missing)...)
	if r.code == 0 || r.code == 2 {
		t.Fatalf("upload with two failing files: exit %d, want 1", r.code)
	}
	if !strings.Contains(r.stderr, "1 done") || !strings.Contains(r.stderr, "2 failed") {
		t.Errorf("summary does not count 1 done, 2 failed: %q", r.stderr)
	}
	for _, want := range []string{missing, "InvalidKey", "FileMissing"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("summary does not mention %q", want)
		}
	}
	if !strings.Contains(r.stderr, "bad") {
		t.Errorf("summary does not name the file with the bad name")
	}
	if _, _, found := headObject(t, s, "cli/good.txt"); !found {
		t.Error("the good file of the failing batch was not uploaded")
	}
}

// TestCLIE2EWrongLoginToken: `upload --sts-url` with a login token the
// credential server refuses exits non-zero, and the summary shows the
// server's own 401 message.
func TestCLIE2EWrongLoginToken(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{STSAuthToken: "the-right-login-token"})
	src := t.TempDir()
	p, _ := writeTestFile(t, src, "a.txt", []byte("hello"))
	t.Setenv("COSDROP_LOGIN_TOKEN", "a-wrong-login-token")
	r := runCLI(t, "upload", "--endpoint", s.URL(), "--sts-url", s.STSURL()+"/sts",
		"--state-dir", filepath.Join(t.TempDir(), "state"), p)
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	if !strings.Contains(r.stderr, "A valid Authorization: Bearer token is required.") {
		t.Errorf("stderr does not show the server's 401 message: %q", r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "a-wrong-login-token") {
		t.Error("the login token was printed")
	}
}
