package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/profile"
)

// `cosdrop upload --profile P` once refused a valid profile whose
// on_conflict is skip-identical ("--on-conflict must be overwrite, skip or
// rename"), a flag the user never passed. The profile now goes through
// the session layer's one mapping, the window's too.
func TestCLIUploadProfileSkipIdentical(t *testing.T) {
	configDir := isolate(t)
	old := secretStore
	secretStore = auth.NewSessionStore() // no login token: localcos's STS needs none
	t.Cleanup(func() { secretStore = old })
	s, _ := startCOS(t, localcos.Config{})
	p := profile.Profile{Name: "office", Endpoint: s.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModeSTS, CredentialURL: s.STSURL() + "/sts", OnConflict: "skip-identical"}
	if err := profile.NewProfiles(configDir).Put(p); err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	file, _ := writeTestFile(t, src, "a.txt", []byte("hello, skip-identical"))
	r := runCLI(t, "upload", "--profile", "office", "--json", file)
	if r.code != 0 {
		t.Fatalf("first upload: exit %d, stderr %q", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "on-conflict") {
		t.Errorf("the profile's conflict policy was refused: %q", r.stderr)
	}
	if _, _, found := headObject(t, s, filepath.Base(file)); !found {
		t.Error("the file did not arrive")
	}
	// A second file with the same key and the same bytes, in a fresh
	// journal: the profile's policy skips it as identical.
	other := t.TempDir()
	file2, _ := writeTestFile(t, other, "a.txt", []byte("hello, skip-identical"))
	r = runCLI(t, "upload", "--profile", "office", "--json", "--state-dir", filepath.Join(t.TempDir(), "st"), file2)
	if r.code != 0 {
		t.Fatalf("second upload: exit %d, stderr %q", r.code, r.stderr)
	}
	var skipped bool
	for _, ev := range jsonLines(t, r.stdout) {
		skipped = skipped || ev.State == "skipped"
	}
	if !skipped {
		t.Errorf("the identical file was not skipped under skip-identical: %s", r.stdout)
	}
}
