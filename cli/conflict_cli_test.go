package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"cosdrop/localcos"
)

// Conflict policies under Tencent's sample STS policy (localcos's
// default /sts grant: no HeadObject, no AbortMultipartUpload), through the
// command line over real HTTP.

// noteOf returns the "note" of the --json line for state, "" if none.
func noteOf(t *testing.T, stdout, state string) (note string, found bool) {
	t.Helper()
	for _, line := range strings.Split(stdout, "\n") {
		var ev struct {
			State string `json:"state"`
			Note  string `json:"note_code"`
		}
		if json.Unmarshal([]byte(line), &ev) == nil && ev.State == state {
			return ev.Note, true
		}
	}
	return "", false
}

// TestCLISkipUnderSampleSTS is the equivalent of the session branch's
// TestCLIUploadProfileSkipIdentical: "skip" under the sample grant used to
// fail with HEAD 403. Now an existing object is never overwritten: the
// file is skipped, and the note says it could not be compared.
func TestCLISkipUnderSampleSTS(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	src := t.TempDir()
	file, crc := writeTestFile(t, src, "a.txt", []byte("hello, skip-identical"))
	upload := func(file string) cliResult {
		return runCLI(t, "upload", "--endpoint", s.URL(), "--sts-url", s.STSURL()+"/sts", "--on-conflict", "skip",
			"--json", "--state-dir", filepath.Join(t.TempDir(), "st"), file)
	}
	if r := upload(file); r.code != 0 {
		t.Fatalf("first upload: exit %d, stderr %q", r.code, r.stderr)
	}
	// The same bytes from another folder, in a fresh journal: skipped.
	file2, _ := writeTestFile(t, t.TempDir(), "a.txt", []byte("hello, skip-identical"))
	r := upload(file2)
	if r.code != 0 {
		t.Fatalf("second upload: exit %d, stderr %q", r.code, r.stderr)
	}
	if n, ok := noteOf(t, r.stdout, "skipped"); !ok || n != "skipped_uncompared" {
		t.Errorf("identical file under the sample grant: skipped %v, note %q; want skipped_uncompared", ok, n)
	}
	// Other bytes: still not overwritten (skip never overwrites what it
	// cannot compare).
	file3, _ := writeTestFile(t, t.TempDir(), "a.txt", []byte("other bytes entirely"))
	if r := upload(file3); r.code != 0 {
		t.Fatalf("third upload: exit %d, stderr %q", r.code, r.stderr)
	} else if _, ok := noteOf(t, r.stdout, "skipped"); !ok {
		t.Errorf("a different file was not skipped: %s", r.stdout)
	}
	if n := s.Stats().CountStatus("HeadObject", 200); n != 0 {
		t.Errorf("%d HEADs succeeded under a policy without HeadObject", n)
	}
	if _, got, _ := headObject(t, s, "a.txt"); got != crc {
		t.Errorf("the object was overwritten: CRC64 %d, want %d", got, crc)
	}
}

// TestCLIRenameRerunAddsNoCopy: --on-conflict rename against an existing
// object stores "a (1).txt"; running the same command again recognises the
// renamed upload instead of adding "a (2).txt".
func TestCLIRenameRerunAddsNoCopy(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	file, crc := writeTestFile(t, t.TempDir(), "a.txt", []byte("the user's file"))
	other, _ := writeTestFile(t, t.TempDir(), "a.txt", []byte("someone else's object"))
	state := filepath.Join(t.TempDir(), "st")
	args := func(f string) []string {
		return []string{"upload", "--endpoint", s.URL(), "--sts-url", s.STSURL() + "/sts", "--on-conflict", "rename",
			"--json", "--state-dir", state, f}
	}
	if r := runCLI(t, append(args(other)[:len(args(other))-3], "--json", "--state-dir", filepath.Join(t.TempDir(), "o"), other)...); r.code != 0 {
		t.Fatalf("existing object: exit %d", r.code)
	}
	for run := 1; run <= 3; run++ {
		if r := runCLI(t, args(file)...); r.code != 0 {
			t.Fatalf("run %d: exit %d, stderr %q", run, r.code, r.stderr)
		}
	}
	if _, got, found := headObject(t, s, "a (1).txt"); !found || got != crc {
		t.Errorf("a (1).txt: found %v, CRC64 %d; want the file's %d", found, got, crc)
	}
	if _, _, found := headObject(t, s, "a (2).txt"); found {
		t.Error("a rerun added a (2).txt: the renamed task was not recognised")
	}
	if _, got, _ := headObject(t, s, "a.txt"); got == crc {
		t.Error("rename overwrote the existing object")
	}
}

// TestCLIUnverifiedShown: a lost Complete under the sample grant ends done
// but not verified; the result line, the final summary line and --json
// say so (never a plain "done").
func TestCLIUnverifiedShown(t *testing.T) {
	isolate(t)
	for _, mode := range []string{"json", "text"} {
		faults, err := localcos.ParseFaults("complete-drop:times=1")
		if err != nil {
			t.Fatal(err)
		}
		s, _ := startCOS(t, localcos.Config{Faults: faults})
		file, _ := writeTestFile(t, t.TempDir(), "big.bin", patterned(3<<20, 5))
		args := []string{"upload", "--endpoint", s.URL(), "--sts-url", s.STSURL() + "/sts", "--part-size", "1MiB",
			"--state-dir", filepath.Join(t.TempDir(), "st")}
		if mode == "json" {
			args = append(args, "--json")
		}
		args = append(args, file)
		r := runCLI(t, args...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d", mode, r.code)
		}
		if mode == "text" {
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if last := lines[len(lines)-1]; !strings.Contains(last, "1 of them NOT verified") {
				t.Errorf("final line %q does not say the upload is not verified", last)
			}
			if !strings.Contains(r.stdout, "done, NOT verified") {
				t.Errorf("result line does not say NOT verified: %q", r.stdout)
			}
			continue
		}
		var done, summary bool
		for _, line := range strings.Split(r.stdout, "\n") {
			var ev struct {
				Event      string `json:"event"`
				State      string `json:"state"`
				Note       string `json:"note_code"`
				Verified   *bool  `json:"verified"`
				Unverified *int   `json:"unverified"`
			}
			if json.Unmarshal([]byte(line), &ev) != nil {
				continue
			}
			if ev.State == "done" {
				done = ev.Verified != nil && !*ev.Verified && ev.Note == "completed_unverified"
			}
			if ev.Event == "summary" {
				summary = ev.Unverified != nil && *ev.Unverified == 1
			}
		}
		if !done || !summary {
			t.Errorf("--json: done event verified=false with note %v, summary unverified=1 %v", done, summary)
		}
	}
}
