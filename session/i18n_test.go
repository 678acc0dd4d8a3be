package session

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sessionStrings returns every literal passed to T in the package's
// non-test files, plus the sentence tables (passed to T through maps).
func sessionStrings(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	files, _ := filepath.Glob("*.go")
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "T" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				out = append(out, s)
			}
			return true
		})
	}
	for _, v := range explanations {
		out = append(out, v)
	}
	for _, v := range partyWords {
		out = append(out, v)
	}
	for _, v := range serverWords {
		out = append(out, v)
	}
	for _, v := range noteWords {
		out = append(out, v)
	}
	return out
}

func loadFile(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "assets", "translations", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

var placeholderRE = regexp.MustCompile(`\{\{\.[A-Za-z_]+\}\}`)

// Every string the session layer words is in session.en.json and
// session.zh_Hans.json, with the same placeholders.
func TestEverySessionStringTranslated(t *testing.T) {
	en, zh := loadFile(t, "session.en.json"), loadFile(t, "session.zh_Hans.json")
	for _, s := range sessionStrings(t) {
		if _, ok := en[s]; !ok {
			t.Errorf("session.en.json lacks %q", s)
		}
		z := zh[s]
		if z == "" {
			t.Errorf("session.zh_Hans.json lacks %q", s)
			continue
		}
		want, got := placeholderRE.FindAllString(s, -1), placeholderRE.FindAllString(z, -1)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("%q: placeholders %v in Chinese, want %v", s, got, want)
		}
	}
}

// The CLI's own catalogue follows LANG, as the window's does.
func TestChineseCatalogue(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("LANG chooses the language on Linux and macOS only: on Windows go-locale asks Windows for the user's display language, as Fyne does")
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		t.Setenv(k, "zh_CN.UTF-8")
	}
	reloadForTest()
	defer reloadForTest()
	got := Explain(uploaderTaskError("NoSuchBucket"))
	if !strings.Contains(got, "存储桶") {
		t.Errorf("Explain in zh_CN = %q, want Chinese", got)
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		t.Setenv(k, "C.UTF-8")
	}
	reloadForTest()
	if got := Explain(uploaderTaskError("NoSuchBucket")); !strings.Contains(got, "bucket does not exist") {
		t.Errorf("Explain in C.UTF-8 = %q, want English", got)
	}
}
