package cli

import (
	"strings"
	"testing"
)

// A profile name in a printed hint can be pasted as it is.
func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"Marketing":   "Marketing",
		"Dead STS":    `"Dead STS"`,
		"市场部 照片":      `"市场部 照片"`,
		`it's $HOME`:  `'it'\''s $HOME'`,
		"team-a_2024": "team-a_2024",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// profile add's hint names the profile so that pasting it works, and the
// new flags reach the profile.
func TestCLIProfileAddHintAndLinkFlags(t *testing.T) {
	isolate(t)
	r := runCLI(t, "profile", "add", "Dead STS", "--mode", "sts", "--bucket", "b-1250000000", "--region", "ap-guangzhou",
		"--credential-url", "https://sts.example.com/x", "--public-read", "--link-template", "https://cdn.example.com/{key}")
	if r.code != 0 || !strings.Contains(r.stdout, `--profile "Dead STS"`) {
		t.Fatalf("exit %d, hint %q", r.code, r.stdout)
	}
	r = runCLI(t, "profile", "export", "Dead STS", "-")
	if !strings.Contains(r.stdout, `"public_read": true`) || !strings.Contains(r.stdout, "https://cdn.example.com/{key}") {
		t.Errorf("export %s", r.stdout)
	}
}
