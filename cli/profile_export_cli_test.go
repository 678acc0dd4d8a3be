package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// Issue 21, finding 1: `profile export NAME marketing.json` wrote a file
// the window's Import dialog did not show and a double click did not open:
// export gives the file the .cosdrop extension (marketing.json becomes
// marketing.cosdrop), and the file imports back.
func TestCLIProfileExportAddsExtension(t *testing.T) {
	isolate(t)
	if r := runCLI(t, "profile", "add", "Marketing", "--mode", "sts", "--bucket", "mkt-1250000000", "--region", "ap-guangzhou",
		"--credential-url", "https://sts.example.com/cosdrop"); r.code != 0 {
		t.Fatalf("profile add: exit %d", r.code)
	}
	dir := t.TempDir()
	if r := runCLI(t, "profile", "export", "Marketing", filepath.Join(dir, "marketing.json")); r.code != 0 {
		t.Fatalf("profile export: exit %d", r.code)
	}
	want := filepath.Join(dir, "marketing.cosdrop")
	if _, err := os.Stat(want); err != nil {
		t.Fatalf("export did not write %s: %v", want, err)
	}
	if r := runCLI(t, "profile", "export", "Marketing", filepath.Join(dir, "m.COSDROP")); r.code != 0 {
		t.Fatalf("profile export: exit %d", r.code)
	}
	if _, err := os.Stat(filepath.Join(dir, "m.COSDROP")); err != nil {
		t.Fatalf("a name that has the extension got another: %v", err)
	}
	if r := runCLI(t, "profile", "import", want, "--name", "Copy"); r.code != 0 {
		t.Fatalf("the export does not import: exit %d", r.code)
	}
}
