package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cosdrop/profile"
)

// `profile add` sets the upload rules and watch folders with flags, so an
// admin no longer edits profiles.json by hand: a rules file (pattern
// rules), excludes, headers, meta and watch folders land in the profile,
// and a bad value is refused as an imported file's would be.
func TestCLIProfileAddRulesAndWatchFlags(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	rules := filepath.Join(dir, "rules.json")
	if err := os.WriteFile(rules, []byte(`{"patterns":[{"pattern":"*.pdf","content_disposition":"inline"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	watch := filepath.Join(dir, "Outbox")
	r := runCLI(t, "profile", "add", "Marketing", "--mode", "sts", "--bucket", "mkt-1250000000", "--region", "ap-guangzhou",
		"--credential-url", "https://sts.example.com/cosdrop", "--link-template", "https://cdn.example.com/{key}",
		"--rules", rules, "--exclude", "*.psd", "--exclude", "drafts/", "--cache-control", "max-age=86400",
		"--content-disposition", "attachment", "--storage-class", "STANDARD_IA", "--meta", "team=marketing", "--watch", watch)
	if r.code != 0 {
		t.Fatalf("profile add: exit %d: %s", r.code, r.stderr)
	}
	p, err := profile.NewProfiles("").Get("Marketing")
	if err != nil {
		t.Fatal(err)
	}
	if p.LinkTemplate != "https://cdn.example.com/{key}" || !slices.Equal(p.WatchFolders, []string{watch}) || p.Rules == nil {
		t.Fatalf("profile %+v", p)
	}
	got := *p.Rules
	if !slices.Equal(got.Exclude, []string{"*.psd", "drafts/"}) || got.CacheControl != "max-age=86400" ||
		got.ContentDisposition != "attachment" || got.StorageClass != "STANDARD_IA" || got.Meta["team"] != "marketing" ||
		len(got.Patterns) != 1 || got.Patterns[0].Pattern != "*.pdf" {
		t.Fatalf("rules %+v", got)
	}
	for _, bad := range [][]string{
		{"--storage-class", "FAST"},
		{"--meta", "no-equals-sign"},
		{"--content-disposition", "sometimes"},
		{"--rules", filepath.Join(dir, "missing.json")},
		{"--rules", rules + "x"},
	} {
		args := append([]string{"profile", "add", "Bad", "--mode", "sts", "--bucket", "mkt-1250000000", "--region", "ap-guangzhou",
			"--credential-url", "https://sts.example.com/cosdrop"}, bad...)
		if r := runCLI(t, args...); r.code == 0 || !strings.Contains(r.stderr, "not valid") {
			t.Errorf("%v: exit %d, stderr %q; want a refusal", bad, r.code, r.stderr)
		}
	}
	typo := filepath.Join(dir, "typo.json")
	if err := os.WriteFile(typo, []byte(`{"exlude":["*.psd"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "profile", "add", "Typo", "--mode", "sts", "--bucket", "mkt-1250000000", "--region", "ap-guangzhou",
		"--credential-url", "https://sts.example.com/cosdrop", "--rules", typo); r.code == 0 || !strings.Contains(r.stderr, "exlude") {
		t.Errorf("a misspelt rules field: exit %d, stderr %q; want it named", r.code, r.stderr)
	}
}
