package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/receipt/receipttest"
)

// TestCLIReceiptsTwoMachinesEndToEnd is issue 24's acceptance over the
// wire with real uploads: two machines (two state directories, so two
// machine tags, and two labels) upload through `cosdrop upload
// --receipts-prefix --who`, one drop with a file COS's naming rules
// refuse; a support reader lists both drops, filters by person and by
// failure, and --check notices an object rewritten behind CosDrop's back.
func TestCLIReceiptsTwoMachinesEndToEnd(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	t.Setenv("TENCENTCLOUD_SECRET_ID", cliID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", cliKey)
	machine := func(who string, names ...string) cliResult {
		src := t.TempDir()
		args := []string{"upload", "--endpoint", s.URL(), "--state-dir", filepath.Join(t.TempDir(), "state"),
			"--prefix", "in/" + who + "/{filename}", "--receipts-prefix", cliReceipts, "--who", who}
		for i, n := range names {
			p, _ := writeTestFile(t, src, n, patterned(1000+i, byte(i+1)))
			args = append(args, p)
		}
		return runCLI(t, args...)
	}
	if r := machine("alice", "a.txt", "b.txt"); r.code != 0 {
		t.Fatalf("alice's upload exited %d\n%s", r.code, r.stderr)
	}
	if r := machine("bob", "ok.txt", "bad\x01.txt"); r.code != 1 {
		t.Fatalf("bob's upload with a refused name exited %d, want 1", r.code)
	}

	base := []string{"receipts", "--endpoint", s.URL(), "--receipts-prefix", cliReceipts, "--json"}
	who := func(args ...string) string {
		r := runCLI(t, append(append([]string{}, base...), args...)...)
		var got []string
		for _, l := range receiptLines(t, r.stdout) {
			if l.Receipt == nil {
				t.Fatalf("%v: a %s object (%s)", args, l.Status, l.Problem)
			}
			got = append(got, l.Receipt.Who.Label)
		}
		return strings.Join(got, " ")
	}
	if got := who(); got != "bob alice" {
		t.Errorf("both machines, newest first: %q", got)
	}
	if got := who("--who", "Alice"); got != "alice" {
		t.Errorf("--who Alice: %q", got)
	}
	if got := who("--failed"); got != "bob" {
		t.Errorf("--failed: %q", got)
	}
	r := runCLI(t, append(append([]string{}, base...), "--who", "bob")...)
	if l := receiptLines(t, r.stdout); len(l) != 1 || l[0].Receipt.Counts.Done != 1 || l[0].Receipt.Counts.Failed != 1 || l[0].Receipt.Who.Machine == "" {
		t.Fatalf("bob's receipt: %s", r.stdout)
	}

	if r := runCLI(t, append(append([]string{}, base...), "--who", "alice", "--check")...); r.code != 0 {
		t.Fatalf("check of untouched uploads exited %d: %s", r.code, r.stdout)
	}
	put := receipttest.PutVia(localcostest.Client(s, cliID, cliKey))
	if err := put("in/alice/a.txt", []byte("rewritten behind CosDrop's back")); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, append(append([]string{}, base...), "--who", "alice", "--check")...)
	lines := receiptLines(t, r.stdout)
	if r.code != 1 || len(lines) != 1 {
		t.Fatalf("check after a rewrite: exit %d, %d lines", r.code, len(lines))
	}
	results := map[string]string{}
	for _, c := range lines[0].Checks {
		results[c.Key] = c.Result
	}
	if results["in/alice/a.txt"] != "changed" || results["in/alice/b.txt"] != "unchanged" {
		t.Errorf("checks: %v", results)
	}
}
