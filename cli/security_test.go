package cli

// Tests that keep SECURITY.md true: every test it names exists, TLS is
// never switched off, and the local server listens on loopback by default.

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// goFiles calls fn for every .go file of the module (not build output,
// not other worktrees' copies).
func goFiles(t *testing.T, fn func(path string, src string)) {
	t.Helper()
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != ".." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "build" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fn(p, string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TLS is verified everywhere: no InsecureSkipVerify in any code, tests
// included (a test that needs TLS to localcos trusts localcos's CA, as
// Config.RootCAs does). A comment may name it.
func TestNoInsecureSkipVerify(t *testing.T) {
	use := regexp.MustCompile(`InsecureSkipVerify\s*:|\.InsecureSkipVerify\s*=`)
	n := 0
	goFiles(t, func(p, src string) {
		n++
		for i, line := range strings.Split(src, "\n") {
			code, _, _ := strings.Cut(line, "//")
			if use.MatchString(code) {
				t.Errorf("%s:%d turns off TLS verification: %s", p, i+1, strings.TrimSpace(line))
			}
		}
	})
	if n < 50 {
		t.Fatalf("only %d Go files scanned; the walk is wrong", n)
	}
}

// serve-local listens on loopback unless told otherwise: its COS and
// credential-server addresses default to 127.0.0.1.
func TestServeLocalListensOnLoopbackByDefault(t *testing.T) {
	code, out := runBin(t, nil, "help", "serve-local")
	if code != 0 {
		t.Fatalf("help serve-local exited %d", code)
	}
	for _, flag := range []string{"-addr", "-sts-addr"} {
		re := regexp.MustCompile(`(?m)^\s+` + flag + ` string\n.*\(default "([^"]*)"\)`)
		m := re.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no default shown for %s:\n%s", flag, out)
		}
		if !strings.HasPrefix(m[1], "127.0.0.1:") {
			t.Errorf("%s defaults to %q, not loopback", flag, m[1])
		}
	}
}

// Every test SECURITY.md names exists: found in the source, and listed by
// `go test -list` for the packages that hold it (tests behind a build tag
// are checked in the source only, with that tag named; under -short, every
// test is).
func TestSecurityDocTestsExist(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "SECURITY.md"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, m := range regexp.MustCompile("`((?:Test|Fuzz)[A-Za-z0-9_]+)`").FindAllStringSubmatch(string(doc), -1) {
		names[m[1]] = true
	}
	if len(names) < 15 {
		t.Fatalf("SECURITY.md names only %d tests; each claim needs one", len(names))
	}
	where := map[string]string{} // test -> package dir
	tagged := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func ((?:Test|Fuzz)[A-Za-z0-9_]+)\(`)
	goFiles(t, func(p, src string) {
		if !strings.HasSuffix(p, "_test.go") {
			return
		}
		hasTag := false
		sc := bufio.NewScanner(strings.NewReader(src))
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "//go:build") {
				hasTag = true
			}
			if strings.HasPrefix(sc.Text(), "package ") {
				break
			}
		}
		for _, m := range decl.FindAllStringSubmatch(src, -1) {
			if names[m[1]] {
				where[m[1]] = filepath.Dir(p)
				tagged[m[1]] = hasTag
			}
		}
	})
	byPkg := map[string][]string{}
	for n := range names {
		dir, ok := where[n]
		if !ok {
			t.Errorf("SECURITY.md names %s, which no test file declares", n)
			continue
		}
		if !tagged[n] && dir != filepath.Join("..", "ui") { // ui's tests need cgo and a display to build: source check only
			byPkg[dir] = append(byPkg[dir], n)
		}
	}
	if testing.Short() {
		return // go test -list builds every package's tests: make test runs it
	}
	for dir, list := range byPkg {
		sort.Strings(list)
		cmd := exec.Command("go", "test", "-list", "^("+strings.Join(list, "|")+")$", "./"+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go test -list ./%s: %v\n%s", dir, err, out)
		}
		for _, n := range list {
			if !regexp.MustCompile(`(?m)^` + n + `$`).Match(out) {
				t.Errorf("go test -list ./%s does not list %s", dir, n)
			}
		}
	}
}
