package cli

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/profile"
	"cosdrop/receipt"
	"cosdrop/receipt/receipttest"
)

const cliReceipts = ".cosdrop/receipts"

// receiptsCOS starts localcos with the two machines' receipts (and a
// foreign and a damaged object), the environment holding its key.
func receiptsCOS(t *testing.T, cfg ...localcos.Config) (*localcos.Server, receipttest.Scenario, receipttest.Put) {
	t.Helper()
	isolate(t)
	s, _ := startCOS(t, append(cfg, localcos.Config{})[0])
	t.Setenv("TENCENTCLOUD_SECRET_ID", cliID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", cliKey)
	put := receipttest.PutVia(localcostest.Client(s, cliID, cliKey))
	sc, err := receipttest.Seed(put, cliReceipts, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return s, sc, put
}

// receiptLines parses --json output.
func receiptLines(t *testing.T, out string) []jsonReceipt {
	t.Helper()
	var lines []jsonReceipt
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev jsonReceipt
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		lines = append(lines, ev)
	}
	return lines
}

func receiptIDs(lines []jsonReceipt) string {
	var ids []string
	for _, l := range lines {
		if l.Receipt != nil {
			ids = append(ids, l.Receipt.ID)
		} else {
			ids = append(ids, l.Status)
		}
	}
	return strings.Join(ids, " ")
}

func TestCLIReceiptsTwoMachinesFilters(t *testing.T) {
	s, _, _ := receiptsCOS(t)
	base := []string{"receipts", "--endpoint", s.URL(), "--receipts-prefix", cliReceipts}
	r := runCLI(t, base...)
	bob, alice := strings.Index(r.stdout, "Bob (bob on PC-B)"), strings.Index(r.stdout, "Alice (alice on PC-A)")
	if r.code != 0 || bob < 0 || alice < bob || !strings.Contains(r.stdout, "Not a receipt") || !strings.Contains(r.stdout, "Damaged") {
		t.Fatalf("listing: exit %d, Bob at %d, Alice at %d", r.code, bob, alice)
	}
	if !strings.Contains(r.stdout, "1 file arrived, 1 file failed") || strings.Contains(r.stdout, "ancient") {
		t.Errorf("counts or the week's bound wrong")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--who", "alice"}, "a1 a0"},
		{[]string{"--failed"}, "b1 damaged"},
		{[]string{"--who", "Bob", "--since", "30d"}, "b1 b0"},
		{[]string{"--who", "alice", "--since", "24h"}, "a1"},
		{[]string{"--since", time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02"), "--who", "alice"}, "a1"},
	} {
		r := runCLI(t, append(append(base, "--json"), c.args...)...)
		if got := receiptIDs(receiptLines(t, r.stdout)); r.code != 0 || got != c.want {
			t.Errorf("%v: exit %d, %q, want %q", c.args, r.code, got, c.want)
		}
	}
	r = runCLI(t, append(base, "--failed")...)
	for _, want := range []string{"uploads/bob/bad.txt: failed", "not allowed to write", "NjQ2Yl9yZXF1ZXN0X2lk"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--failed lacks %q", want)
		}
	}
	if strings.Contains(r.stdout, "uploads/bob/ok.txt") {
		t.Errorf("--failed lists a file that arrived")
	}
	r = runCLI(t, append(base, "--id", "a1")...)
	if r.code != 0 || !strings.Contains(r.stdout, "uploads/alice/one.txt: arrived, verified") || !strings.Contains(r.stdout, "req-a1") {
		t.Errorf("--id a1: exit %d", r.code)
	}
	if r = runCLI(t, append(base, "--id", "nope")...); r.code != 1 {
		t.Errorf("--id of no receipt: exit %d, want 1", r.code)
	}
}

func TestCLIReceiptsCheckNoticesChangesAndExits1(t *testing.T) {
	s, _, put := receiptsCOS(t)
	base := []string{"receipts", "--endpoint", s.URL(), "--receipts-prefix", cliReceipts, "--who", "alice", "--check"}
	if r := runCLI(t, base...); r.code != 0 || strings.Count(r.stdout, "still there, unchanged") != 3 {
		t.Fatalf("check of untouched files: exit %d", r.code)
	}
	if err := put("uploads/alice/two.txt", []byte("SECOND FILE, LONGER")); err != nil {
		t.Fatal(err)
	}
	if _, err := localcostest.Client(s, cliID, cliKey).Object.Delete(context.Background(), "uploads/alice/one.txt"); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, append(base, "--json")...)
	lines := receiptLines(t, r.stdout)
	if r.code != 1 || len(lines) != 2 || len(lines[0].Checks) != 2 {
		t.Fatalf("check after changes: exit %d, %d lines", r.code, len(lines))
	}
	if c := lines[0].Checks; c[0].Result != "gone" || c[1].Result != "changed" || lines[1].Checks[0].Result != "unchanged" {
		t.Fatalf("checks %+v / %+v", c, lines[1].Checks)
	}
	if r = runCLI(t, base...); !strings.Contains(r.stdout, "GONE") || !strings.Contains(r.stdout, "CHANGED") {
		t.Errorf("words of the check")
	}
}

// A support profile with a grant to list and read the receipts only:
// the drops list, and --check says COS would not let it look at the
// files. The profile's receipts_prefix is used without the flag.
func TestCLIReceiptsSupportProfileUnderListReadGrant(t *testing.T) {
	s, _, _ := receiptsCOS(t, localcos.Config{STSActions: []string{"name/cos:GetBucket", "name/cos:GetObject"}})
	sts := s.STSURL() + "/sts?prefix=" + url.QueryEscape(cliReceipts+"/")
	p := profile.Profile{Name: "support", Bucket: cliBucket, Region: cliRegion, Endpoint: s.URL(), Mode: profile.ModeSTS,
		CredentialURL: sts, ReceiptsPrefix: cliReceipts}
	if err := profile.NewProfiles(profile.ConfigDir()).Put(p); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "receipts", "--profile", "support", "--who", "bob", "--check")
	if r.code != 1 || !strings.Contains(r.stdout, "Bob (bob on PC-B)") || !strings.Contains(r.stdout, "could not be checked") ||
		!strings.Contains(r.stdout, "HeadObject") {
		t.Fatalf("support profile --check: exit %d", r.code)
	}
	if r = runCLI(t, "receipts", "--profile", "support", "--who", "bob"); r.code != 0 {
		t.Fatalf("support profile listing: exit %d", r.code)
	}
}

func TestCLIReceiptsPagesAndStaysSafeForTerminals(t *testing.T) {
	s, sc, put := receiptsCOS(t)
	now := time.Now()
	if err := receipttest.SeedMany(put, cliReceipts, "many", 12, now); err != nil {
		t.Fatal(err)
	}
	evil := receipt.Receipt{ID: "e1", Who: receipt.Who{Label: "Eve\x1b]0;owned\x07", Machine: "PC\u202eE"}, Ended: sc.Alice.Ended.Add(time.Second),
		Profile: "\x9b31m", Files: []receipt.File{{Key: "k\x1b[2J", State: receipt.StateFailed, Reason: "why\x1b[31m"}}, Counts: receipt.Counts{Failed: 1}}
	if err := receipttest.PutReceipt(put, cliReceipts, evil); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "receipts", "--endpoint", s.URL(), "--receipts-prefix", cliReceipts, "--who", "many", "--page-size", "3", "--json")
	if lines := receiptLines(t, r.stdout); r.code != 0 || len(lines) != 12 || lines[0].Receipt.ID != "m011" || lines[11].Receipt.ID != "m000" {
		t.Fatalf("paging 12 receipts 3 per listing: exit %d, %q", r.code, receiptIDs(lines))
	}
	r = runCLI(t, "receipts", "--endpoint", s.URL(), "--receipts-prefix", cliReceipts, "--failed")
	if r.code != 0 || !strings.Contains(r.stdout, "Eve") || strings.ContainsAny(r.stdout, "\x1b\x07\u202e\u009b") {
		t.Fatalf("a hostile receipt reached the terminal: exit %d, %q", r.code, r.stdout)
	}
}

func TestCLIReceiptsUsage(t *testing.T) {
	s, _, _ := receiptsCOS(t)
	for _, args := range [][]string{
		{"receipts", "--endpoint", s.URL()},                                                   // no prefix
		{"receipts", "--endpoint", s.URL(), "--receipts-prefix", "r", "--since", "yesterday"}, // bad --since
		{"receipts", "--receipts-prefix", "r"},                                                // nowhere
	} {
		if r := runCLI(t, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
}
