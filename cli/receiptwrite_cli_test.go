package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/profile"
	"cosdrop/receipt"
)

// receiptsAt reads and parses every object under prefix at s.
func receiptsAt(t *testing.T, s *localcos.Server, prefix string) []receipt.Receipt {
	t.Helper()
	c := localcostest.Client(s, cliID, cliKey)
	res, _, err := c.Bucket.Get(context.Background(), &cos.BucketGetOptions{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	var out []receipt.Receipt
	for _, o := range res.Contents {
		resp, err := c.Object.Get(context.Background(), o.Key, nil)
		if err != nil {
			t.Fatalf("get %s: %v", o.Key, err)
		}
		r, err := receipt.Parse(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: %v", o.Key, err)
		}
		out = append(out, r)
	}
	return out
}

// TestCLIReceiptsPrefixWho: `upload --receipts-prefix --who` without a
// profile leaves a receipt package receipt reads back, labelled by --who.
// A receipt COS refuses (a sample STS grant for in/ only) does not fail
// the upload; `status` and `status --json` say it waits, and a later run
// that may write there writes it.
func TestCLIReceiptsPrefixWho(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	stateDir := filepath.Join(t.TempDir(), "state")
	src := t.TempDir()
	a, _ := writeTestFile(t, src, "a.txt", patterned(2000, 1))
	b, _ := writeTestFile(t, src, "b.txt", patterned(3000, 2))
	base := []string{"upload", "--endpoint", s.URL(), "--state-dir", stateDir, "--prefix", "in/{filename}", "--receipts-prefix", ".cosdrop/receipts", "--who", "Alice Wong"}

	if r := runCLI(t, append(append([]string{}, base...), "--sts-url", s.STSURL()+"/sts?prefix=in/", a)...); r.code != 0 {
		t.Fatalf("an upload whose receipt is refused exited %d", r.code)
	}
	if got := receiptsAt(t, s, ".cosdrop/"); len(got) != 0 {
		t.Fatalf("refused receipts written: %+v", got)
	}
	if r := runCLI(t, "status", "--state-dir", stateDir); !strings.Contains(r.stdout, "1 receipt waits to be written to the bucket") {
		t.Errorf("status does not say a receipt waits")
	}
	if r := runCLI(t, "status", "--state-dir", stateDir, "--json"); !strings.Contains(r.stdout, `{"event":"receipts","waiting":1}`) {
		t.Errorf("status --json does not count the waiting receipt")
	}

	t.Setenv("TENCENTCLOUD_SECRET_ID", cliID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", cliKey)
	if r := runCLI(t, append(base, b)...); r.code != 0 {
		t.Fatalf("upload exited %d", r.code)
	}
	got := receiptsAt(t, s, ".cosdrop/receipts/")
	if len(got) != 2 {
		t.Fatalf("%d receipts, want 2 (the waiting one and the new one)", len(got))
	}
	keys := map[string]bool{}
	for _, r := range got {
		if r.Who.Label != "Alice Wong" || r.Counts.Done != 1 || len(r.Files) != 1 || !r.Files[0].Verified || r.Files[0].CRC64 == "" {
			t.Errorf("receipt %+v", r)
		}
		keys[r.Files[0].Key] = true
	}
	if !keys["in/a.txt"] || !keys["in/b.txt"] {
		t.Errorf("receipts name %v", keys)
	}
	if r := runCLI(t, "status", "--state-dir", stateDir); strings.Contains(r.stdout, "wait to be written") || strings.Contains(r.stdout, "waits to be written") {
		t.Errorf("status still counts waiting receipts")
	}
	if r := runCLI(t, "upload", "--endpoint", s.URL(), "--state-dir", stateDir, "--receipts-prefix", "../x", a); r.code != 2 || !strings.Contains(r.stderr, "receipts prefix") {
		t.Errorf("a receipts prefix with .. was not refused: exit %d", r.code)
	}
}

// `profile add --receipts-prefix --receipts-who --receipts-paths` sets the
// receipts fields (the prefix ending in "/"), and a bad value is refused.
func TestCLIProfileAddReceiptsFlags(t *testing.T) {
	isolate(t)
	base := []string{"profile", "add", "Desk", "--mode", "sts", "--bucket", "mkt-1250000000", "--region", "ap-guangzhou",
		"--credential-url", "https://sts.example.com/cosdrop"}
	r := runCLI(t, append(base, "--receipts-prefix", "in/.cosdrop/receipts", "--receipts-who", "Front desk", "--receipts-paths", "none")...)
	if r.code != 0 {
		t.Fatalf("profile add: exit %d", r.code)
	}
	p, err := profile.NewProfiles("").Get("Desk")
	if err != nil {
		t.Fatal(err)
	}
	if p.ReceiptsPrefix != "in/.cosdrop/receipts/" || p.ReceiptsWho != "Front desk" || p.ReceiptsPaths != receipt.PathsNone {
		t.Fatalf("profile %+v", p)
	}
	for _, bad := range [][]string{{"--receipts-prefix", "/root"}, {"--receipts-paths", "some"}, {"--receipts-who", "a\u202eb"}} {
		args := append([]string{"profile", "add", "Bad"}, append(base[3:], bad...)...)
		if r := runCLI(t, args...); r.code == 0 || !strings.Contains(r.stderr, "receipts") {
			t.Errorf("%v: exit %d, stderr %q; want a refusal naming receipts", bad, r.code, r.stderr)
		}
	}
}
