package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
)

// teamProfile is a profile file an administrator hands out, with rules.
func teamProfile(endpoint string) string {
	return `{
  "format": "cosdrop-profile",
  "version": 1,
  "profile": {
    "name": "team",
    "bucket": "` + cliBucket + `",
    "region": "` + cliRegion + `",
    "endpoint": "` + endpoint + `",
    "prefix": "team/",
    "mode": "permanent",
    "secret_id": "` + cliID + `",
    "rules": {
      "cache_control": "max-age=86400",
      "content_disposition": "inline",
      "storage_class": "STANDARD_IA",
      "meta": {"department": "design"},
      "patterns": [
        {"pattern": "*.md", "content_type": "text/markdown; charset=utf-8"},
        {"pattern": "downloads/**", "content_disposition": "attachment", "cache_control": "no-store"}
      ],
      "exclude": ["*.bak"]
    }
  }
}`
}

// requestCount is every request localcos has answered, of any API.
func requestCount(s *localcos.Server) int64 {
	var n int64
	for api := range s.Stats().Requests {
		n += s.Stats().Count(api)
	}
	return n
}

// TestCLIRulesDryRunAndUpload: a profile file with rules is imported; a
// dry run prints each file's key, headers and link and the excluded
// files, sends no request and writes no journal; the real upload then
// stores exactly those headers (read back with HEAD) and leaves out the
// excluded files with a note.
func TestCLIRulesDryRunAndUpload(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	file := filepath.Join(t.TempDir(), "team.cosdrop.json")
	os.WriteFile(file, []byte(teamProfile(s.URL())), 0o600)
	if r := runCLI(t, "profile", "import", file); r.code != 0 {
		t.Fatalf("profile import: exit %d", r.code)
	}
	src := filepath.Join(t.TempDir(), "site")
	for _, rel := range []string{"readme.md", "downloads/报告.pdf", ".git/HEAD", ".DS_Store", "old.bak", "~$plan.docx"} {
		writeTestFile(t, src, rel, []byte("content of "+rel))
	}
	stateDir := filepath.Join(t.TempDir(), "state")
	before := requestCount(s)

	checkDryRunText(t, s, stateDir, src)
	checkDryRunJSON(t, s, stateDir, src)
	if n := requestCount(s) - before; n != 0 {
		t.Errorf("the dry runs sent %d requests to COS", n)
	}
	if _, err := os.Stat(stateDir); !os.IsNotExist(err) {
		entries, _ := os.ReadDir(stateDir)
		t.Errorf("the dry run created the state dir (%v): %v", err, entries)
	}

	checkRulesReachCOS(t, s, stateDir, src)
}

// checkDryRunText: the dry run prints each file's key, headers and link,
// and each excluded file with its pattern.
func checkDryRunText(t *testing.T, s *localcos.Server, stateDir, src string) {
	t.Helper()
	r := runCLI(t, "upload", "--profile", "team", "--state-dir", stateDir, "--dry-run", src)
	if r.code != 0 {
		t.Fatalf("dry run: exit %d", r.code)
	}
	for _, want := range []string{
		"-> team/site/readme.md", "Content-Type: text/markdown; charset=utf-8", "Cache-Control: max-age=86400",
		`Content-Disposition: inline; filename="readme.md"`, "X-Cos-Storage-Class: STANDARD_IA", "X-Cos-Meta-Department: design",
		"-> team/site/downloads/报告.pdf", "Cache-Control: no-store", "Content-Disposition: attachment; filename=",
		s.URL() + "/team/site/downloads/%E6%8A%A5%E5%91%8A.pdf",
		`.git: matches the exclude pattern ".git/"`, `old.bak: matches the exclude pattern "*.bak"`,
		`.DS_Store: matches the exclude pattern ".DS_Store"`, `~$plan.docx: matches the exclude pattern "~$*"`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run output lacks %q", want)
		}
	}
	if !strings.Contains(r.stderr, "Nothing was uploaded or recorded") {
		t.Errorf("dry run summary: %q", r.stderr)
	}
}

// checkDryRunJSON: --json gives would-upload and excluded events, and
// --link-template shapes the links.
func checkDryRunJSON(t *testing.T, s *localcos.Server, stateDir, src string) {
	t.Helper()
	rj := runCLI(t, "upload", "--profile", "team", "--state-dir", stateDir, "--dry-run", "--json", "--exclude", "*.md", src)
	var upload, excluded int
	for _, line := range strings.Split(strings.TrimSpace(rj.stdout), "\n") {
		var ev struct {
			Event, Key, Link, ExcludedBy string `json:"-"`
			Raw                          map[string]any
		}
		if err := json.Unmarshal([]byte(line), &ev.Raw); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		switch ev.Raw["event"] {
		case "would-upload":
			upload++
			if h, _ := ev.Raw["headers"].(map[string]any); h["X-Cos-Storage-Class"] != "STANDARD_IA" || !strings.HasPrefix(ev.Raw["link"].(string), s.URL()) {
				t.Errorf("would-upload event: %v", ev.Raw)
			}
		case "excluded":
			excluded++
		}
	}
	if rj.code != 0 || upload != 1 || excluded != 5 {
		t.Errorf("--dry-run --json --exclude *.md: exit %d, %d to upload (want 1), %d excluded (want 5)", rj.code, upload, excluded)
	}
	rl := runCLI(t, "upload", "--profile", "team", "--state-dir", stateDir, "--dry-run", "--json", "--link-template", "![{filename}](https://cdn.example.com/{key})", "--exclude", "*.md", src)
	if !strings.Contains(rl.stdout, `"link":"![`) || !strings.Contains(rl.stdout, "https://cdn.example.com/") {
		t.Errorf("--dry-run with --link-template does not print the templated link:\n%s", rl.stdout)
	}
}

// checkRulesReachCOS: the real upload skips the excluded files with a
// note and stores the rules' headers on COS.
func checkRulesReachCOS(t *testing.T, s *localcos.Server, stateDir, src string) {
	t.Helper()
	t.Setenv("TENCENTCLOUD_SECRET_ID", cliID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", cliKey)
	r := runCLI(t, "upload", "--profile", "team", "--state-dir", stateDir, "--json", src)
	if r.code != 0 {
		t.Fatalf("upload: exit %d", r.code)
	}
	notes := 0
	for _, ev := range jsonLines(t, r.stdout) {
		if ev.State == "skipped" {
			notes++
		}
	}
	if strings.Contains(r.stdout, `"crc64":"0"`) {
		t.Errorf("an excluded file's event claims a CRC64 of 0")
	}
	if notes != 4 || !strings.Contains(r.stdout, `"note_code":"excluded"`) {
		t.Errorf("%d skipped events, want 4 excluded with their note", notes)
	}
	c := localcostest.Client(s, cliID, cliKey)
	resp, err := c.Object.Head(context.Background(), "team/site/downloads/报告.pdf", nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"Content-Type": "application/pdf", "Cache-Control": "no-store", "x-cos-storage-class": "STANDARD_IA",
		"x-cos-meta-department": "design", "Content-Disposition": `attachment; filename="__.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf`,
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("HEAD %s = %q, want %q", k, got, want)
		}
	}
	for _, key := range []string{"team/site/old.bak", "team/site/.DS_Store", "team/site/.git/HEAD"} {
		if _, _, found := headObject(t, s, key); found {
			t.Errorf("%s was uploaded", key)
		}
	}
}

// TestCLIRulesInvalidStorageClass: a profile file naming a storage class
// COS does not offer is refused on import, in plain words that list the
// valid ones.
func TestCLIRulesInvalidStorageClass(t *testing.T) {
	isolate(t)
	file := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(file, []byte(strings.Replace(teamProfile("http://127.0.0.1:9"), "STANDARD_IA", "GLACIER", 1)), 0o600)
	r := runCLI(t, "profile", "import", file)
	if r.code == 0 || !strings.Contains(r.stderr, `the storage class "GLACIER" is not one COS offers`) || !strings.Contains(r.stderr, "DEEP_ARCHIVE") {
		t.Errorf("import of a bad storage class: exit %d, stderr %q", r.code, r.stderr)
	}
}
