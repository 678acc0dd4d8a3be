//go:build realkeyring

package cli

// The real-keyring acceptance test, through the command line: it needs a
// Secret Service, so it runs only inside .ci/keyring-test.sh (a private
// D-Bus session with gnome-keyring unlocked).

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/profile"
)

// withStdin runs fn with the process's standard input (and the CLI's
// stdin variable, captured from it at start-up) reading from a pipe that
// holds input, as in `echo KEY | cosdrop login ...`.
func withStdin(t *testing.T, input string, fn func()) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteString(input); err != nil {
		t.Fatal(err)
	}
	w.Close()
	oldFile, oldVar := os.Stdin, stdin
	os.Stdin, stdin = r, r
	defer func() { os.Stdin, stdin = oldFile, oldVar; r.Close() }()
	fn()
}

// TestRealKeyringCLILoginUploadLogout: `profile add`, `login` with the
// SecretKey on stdin, `upload --profile` of two files, `logout`, and a
// second upload that fails with a plain message about the missing
// SecretKey. Afterwards the SecretKey is nowhere: not in the config dir,
// the state dir, the test's home, any output of the runs, or localcos's log.
func TestRealKeyringCLILoginUploadLogout(t *testing.T) {
	configDir := isolate(t)
	const name = "kr-e2e"
	s, cosLog := startCOS(t, localcos.Config{})
	tap := startTap(t, strings.TrimPrefix(s.URL(), "http://"))
	stateDir := filepath.Join(t.TempDir(), "state")
	src := t.TempDir()
	f1, c1 := writeTestFile(t, src, "第一.txt", []byte("first file through the keyring"))
	f2, c2 := writeTestFile(t, src, "second.bin", patterned(300<<10, 5))
	f3, _ := writeTestFile(t, src, "third.txt", []byte("after logout"))

	var arts []artifact
	cli := func(args ...string) cliResult {
		r := runCLI(t, args...)
		arts = append(arts, artifact{"stdout of " + args[0], r.stdout}, artifact{"stderr of " + args[0], r.stderr})
		return r
	}
	// A permanent profile must name a SecretId when added (auth's rule); an
	// admin's placeholder is replaced by the user's own at login.
	if r := cli("profile", "add", name, "--bucket", cliBucket, "--region", cliRegion,
		"--endpoint", tap.URL(), "--mode", "permanent", "--prefix", "kr/", "--secret-id", "AKIDPLACEHOLDER00001"); r.code != 0 {
		t.Fatalf("profile add: exit %d", r.code)
	}
	var r cliResult
	withStdin(t, cliKey+"\n", func() { r = cli("login", "--profile", name, "--secret-id", cliID) })
	if r.code != 0 {
		t.Fatalf("login: exit %d", r.code)
	}
	if p, err := profile.NewProfiles("").Get(name); err != nil || p.SecretID != cliID {
		t.Fatalf("after login --secret-id the profile has SecretId %q (err %v), want %q", p.SecretID, err, cliID)
	}
	ctx := context.Background()
	if got, err := auth.NewKeyring().Get(ctx, auth.SecretKeyAccount(name)); err != nil || got != cliKey {
		t.Fatalf("after login the keyring holds %d bytes, err %v; want the SecretKey", len(got), err)
	}

	if r = cli("upload", "--profile", name, "--state-dir", stateDir, "--json", f1, f2); r.code != 0 {
		t.Fatalf("upload --profile: exit %d", r.code)
	}
	for key, crc := range map[string]uint64{"kr/第一.txt": c1, "kr/second.bin": c2} {
		if _, got, found := headObject(t, s, key); !found || got != crc {
			t.Errorf("COS %q: found %v, CRC64 %d; want %d", key, found, got, crc)
		}
	}

	checkAfterLogout(t, s, cli, name, stateDir, f3)

	arts = append(arts, dirArtifacts(t, configDir)...)
	arts = append(arts, dirArtifacts(t, stateDir)...)
	// Inside keyring-test.sh HOME is a throw-away directory holding the
	// keyring's own files, which must be encrypted: search it too.
	if home := os.Getenv("HOME"); home != "" && strings.HasPrefix(home, os.TempDir()) {
		arts = append(arts, dirArtifacts(t, home)...)
	} else {
		t.Logf("HOME %q is not a throw-away directory; not searched", home)
	}
	arts = append(arts, artifact{"localcos log", cosLog.String()})
	secrets := []string{cliKey}
	secrets = append(secrets, tap.headerValues("Authorization")...)
	if len(secrets) < 3 {
		t.Fatalf("only %d signed requests seen through the tap", len(secrets)-1)
	}
	assertNoSecrets(t, dedupe(secrets), arts)
}

// checkAfterLogout: logout empties the keyring, and an upload then fails
// in plain words naming the login command, without sending a request.
func checkAfterLogout(t *testing.T, s *localcos.Server, cli func(...string) cliResult, name, stateDir, file string) {
	t.Helper()
	ctx := context.Background()
	if r := cli("logout", "--profile", name); r.code != 0 {
		t.Fatalf("logout: exit %d", r.code)
	}
	if _, err := auth.NewKeyring().Get(ctx, auth.SecretKeyAccount(name)); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("after logout the keyring read gives %v; want ErrNotFound", err)
	}
	before := s.Stats().Count("PutObject")
	r := cli("upload", "--profile", name, "--state-dir", stateDir, file)
	if r.code == 0 {
		t.Fatal("upload after logout succeeded")
	}
	if !strings.Contains(r.stderr, "no SecretKey stored") || !strings.Contains(r.stderr, "cosdrop login --profile "+name) {
		t.Errorf("upload after logout: stderr %q; want a plain message naming the missing SecretKey and the login command", r.stderr)
	}
	if s.Stats().Count("PutObject") != before {
		t.Error("upload after logout sent a request")
	}
	if r = cli("status", "--state-dir", stateDir, "--json"); r.code != 0 {
		t.Errorf("status: exit %d", r.code)
	}
}
