package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/localcos"
)

// getWithKey GETs a link exactly as printed, signed with the test's
// permanent key (the bucket is private).
func getWithKey(t *testing.T, link string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, link, nil)
	if err != nil {
		t.Fatalf("link %q: %v", link, err)
	}
	cos.AddAuthorizationHeader(cliID, cliKey, "", req, cos.NewAuthTime(time.Hour))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// `cosdrop upload --links` prints each verified file's link as it
// finishes: in --json as a "link" field, in text as a line of its own;
// the printed links GET the objects (Chinese, spaces, "+", "%"), and
// --link-template overrides the default. A bad template is refused
// before anything is uploaded.
func TestCLIUploadLinks(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{})
	t.Setenv("TENCENTCLOUD_SECRET_ID", cliID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", cliKey)
	src := t.TempDir()
	bodies := map[string]string{}
	var paths []string
	for _, name := range []string{"报告 2026.txt", "a+b.txt", "100% done.txt"} {
		p, _ := writeTestFile(t, src, name, []byte("body of "+name))
		paths = append(paths, p)
		bodies["links/"+name] = "body of " + name
	}
	base := []string{"upload", "--endpoint", s.URL(), "--bucket", cliBucket, "--region", cliRegion, "--prefix", "links/"}

	r := runCLI(t, append(append(base, "--links", "--json", "--state-dir", filepath.Join(t.TempDir(), "a")), paths...)...)
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var ev struct {
			Event, Key, Link string
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if ev.Event != "done" {
			continue
		}
		seen++
		if !strings.HasPrefix(ev.Link, s.URL()+"/links/") || strings.ContainsAny(ev.Link, " +报") {
			t.Errorf("%s: link %q", ev.Key, ev.Link)
		}
		if code, body := getWithKey(t, ev.Link); code != http.StatusOK || body != bodies[ev.Key] {
			t.Errorf("GET %s = %d %q", ev.Link, code, body)
		}
	}
	if seen != 3 {
		t.Fatalf("%d done events", seen)
	}

	r = runCLI(t, append(append(base, "--link-template", "![{filename}](https://cdn.example.com/{key})",
		"--state-dir", filepath.Join(t.TempDir(), "b"), "--on-conflict", "overwrite"), paths[0])...)
	want := "![报告 2026.txt](https://cdn.example.com/links/%E6%8A%A5%E5%91%8A%202026.txt)"
	if r.code != 0 || !strings.Contains(r.stdout, "\n"+want+"\n") && !strings.HasSuffix(r.stdout, want+"\n") {
		t.Errorf("text --link-template: exit %d, stdout %q; want a line %q", r.code, r.stdout, want)
	}

	r = runCLI(t, append(append(base, "--link-template", "https://cdn.example.com/{path}", "--state-dir", filepath.Join(t.TempDir(), "c")), paths[0])...)
	if r.code != 2 || !strings.Contains(r.stderr, "{path} is unknown") {
		t.Errorf("bad template: exit %d, stderr %q", r.code, r.stderr)
	}
}

// A file that is done but NOT verified (a lost Complete under the
// samples' grant, which has no HeadObject) gets no link, and the reason.
func TestCLIUploadLinksUnverifiedGetsNone(t *testing.T) {
	isolate(t)
	faults, err := localcos.ParseFaults("complete-drop:times=1")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := startCOS(t, localcos.Config{Faults: faults})
	file, _ := writeTestFile(t, t.TempDir(), "big.bin", patterned(3<<20, 5))
	r := runCLI(t, "upload", "--endpoint", s.URL(), "--sts-url", s.STSURL()+"/sts", "--part-size", "1MiB",
		"--state-dir", filepath.Join(t.TempDir(), "st"), "--links", "--json", file)
	if r.code != 0 {
		t.Fatalf("exit %d", r.code)
	}
	found := false
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var ev struct {
			Event, Link string
			NoLink      string `json:"no_link"`
			Verified    *bool
		}
		json.Unmarshal([]byte(line), &ev)
		if ev.Event == "done" {
			found = true
			if ev.Verified == nil || *ev.Verified || ev.Link != "" || !strings.Contains(ev.NoLink, "could not be checked") {
				t.Errorf("unverified done: verified %v link %q no_link %q", ev.Verified, ev.Link, ev.NoLink)
			}
		}
	}
	if !found {
		t.Fatal("no done event")
	}
}

// `cosdrop link` prints a key's link, and with --expires a share link
// capped per mode: 7 days for a permanent key (asked 30d), the token's
// expiry for temporary credentials (asked 24h); both open the object.
func TestCLILinkCommand(t *testing.T) {
	isolate(t)
	s, _ := startCOS(t, localcos.Config{STSLifetime: 10 * time.Minute,
		STSActions: append(append([]string(nil), localcos.BroadActions...), "name/cos:GetObject")})
	t.Setenv("TENCENTCLOUD_SECRET_ID", cliID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", cliKey)
	file, _ := writeTestFile(t, t.TempDir(), "季度 a+b.txt", []byte("linked"))
	base := []string{"--endpoint", s.URL(), "--bucket", cliBucket, "--region", cliRegion}
	if r := runCLI(t, append(append([]string{"upload"}, base...), "--prefix", "l/", "--state-dir", filepath.Join(t.TempDir(), "st"), file)...); r.code != 0 {
		t.Fatalf("upload: exit %d", r.code)
	}
	key := "l/季度 a+b.txt"
	r := runCLI(t, append(append([]string{"link"}, base...), key)...)
	if want := s.URL() + "/l/%E5%AD%A3%E5%BA%A6%20a%2Bb.txt\n"; r.code != 0 || r.stdout != want {
		t.Errorf("link: exit %d %q, want %q", r.code, r.stdout, want)
	}
	if code, body := getWithKey(t, strings.TrimSpace(r.stdout)); code != http.StatusOK || body != "linked" {
		t.Errorf("GET plain link = %d %q", code, body)
	}
	r = runCLI(t, append(append([]string{"link"}, base...), "--expires", "30d", key)...)
	if r.code != 0 || !strings.Contains(r.stderr, "7 days at most") {
		t.Fatalf("permanent share: exit %d, stderr %q", r.code, r.stderr)
	}
	if code, body := getPlain(t, strings.TrimSpace(r.stdout)); code != http.StatusOK || body != "linked" {
		t.Errorf("GET share link = %d %q", code, body)
	}
	t.Setenv("TENCENTCLOUD_SECRET_ID", "")
	t.Setenv("TENCENTCLOUD_SECRET_KEY", "")
	r = runCLI(t, append(append([]string{"link"}, base...), "--sts-url", s.STSURL()+"/sts", "--expires", "24h", key)...)
	if r.code != 0 || !strings.Contains(r.stderr, "temporary key expires") {
		t.Fatalf("STS share: exit %d, stderr %q", r.code, r.stderr)
	}
	if code, body := getPlain(t, strings.TrimSpace(r.stdout)); code != http.StatusOK || body != "linked" {
		t.Errorf("GET STS share link = %d %q", code, body)
	}
	if r = runCLI(t, "link", "--profile", "Sandbox", key); r.code != 2 {
		t.Errorf("Sandbox: exit %d", r.code)
	}
	if r = runCLI(t, append(append([]string{"link"}, base...), "--expires", "soon", key)...); r.code != 2 {
		t.Errorf("bad --expires: exit %d", r.code)
	}
}

func getPlain(t *testing.T, link string) (int, string) {
	t.Helper()
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
