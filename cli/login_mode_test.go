package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A hand-edited profiles.json may name a mode the mode table does not
// hold: login refuses it in the validation's words instead of reaching for
// a keyring item the table has none for.
func TestLoginUnknownMode(t *testing.T) {
	dir := isolate(t)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	doc := `{"profiles":[{"name":"odd","mode":"weird","bucket":"examplebucket-1250000000","region":"ap-guangzhou"}]}`
	if err := os.WriteFile(filepath.Join(dir, "profiles.json"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	old := stdin
	stdin = strings.NewReader("a-login-token\n")
	t.Cleanup(func() { stdin = old })
	r := runCLI(t, "login", "--profile", "odd")
	if r.code != 1 || !strings.Contains(r.stderr, `mode "weird" is unknown`) {
		t.Fatalf("login to a profile of unknown mode: exit %d, %q", r.code, r.stderr)
	}
}
