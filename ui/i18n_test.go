package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sourceStrings returns every literal passed to T in the package's
// non-test files, plus the explanation texts (passed to T through a map).
func sourceStrings(t *testing.T) []string {
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
	return out
}

func loadCatalogue(t *testing.T, name string) map[string]string {
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

var placeholderRE = regexp.MustCompile(`\{\{\.[A-Za-z]+\}\}`)

// Every string the window shows is in both catalogues, with the same
// placeholders, and none is a key go-i18n reserves.
func TestEveryStringTranslated(t *testing.T) {
	en, zh := loadCatalogue(t, "ui.en.json"), loadCatalogue(t, "ui.zh_Hans.json")
	reserved := []string{"id", "description", "hash", "leftdelim", "rightdelim", "zero", "one", "two", "few", "many", "other", "translation"}
	for _, s := range sourceStrings(t) {
		if _, ok := en[s]; !ok {
			t.Errorf("ui.en.json lacks %q", s)
		}
		z, ok := zh[s]
		if !ok || z == "" {
			t.Errorf("ui.zh_Hans.json lacks %q", s)
			continue
		}
		want, got := placeholderRE.FindAllString(s, -1), placeholderRE.FindAllString(z, -1)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("%q: placeholders %v in Chinese, want %v", s, got, want)
		}
		if slices.Contains(reserved, strings.ToLower(s)) {
			t.Errorf("%q is a reserved go-i18n key", s)
		}
	}
}

// The Chinese catalogue is used when the OS language is Chinese.
func TestChineseLocale(t *testing.T) {
	setLocale("zh_CN.UTF-8")
	defer setLocale("en_US.UTF-8")
	if got := T("Pause"); got != "暂停" {
		t.Errorf("T(Pause) = %q in zh_CN", got)
	}
	if got := T("{{.Time}} left", map[string]any{"Time": "3s"}); got != "剩余 3s" {
		t.Errorf("template = %q", got)
	}
}

// Finding 10 (issue #12): no English left in the Chinese window: units of
// time, the size line and the Sandbox's name are translated.
func TestChineseLeavesNoEnglish(t *testing.T) {
	setLocale("zh_CN.UTF-8")
	defer setLocale("en_US.UTF-8")
	for _, c := range []struct{ got, want string }{
		{humanDuration(3*time.Minute + 10*time.Second), "3 分 10 秒"},
		{humanDuration(2*time.Hour + 5*time.Minute), "2 小时 5 分"},
		{humanDuration(8 * time.Second), "8 秒"},
		{profileLabel(SandboxName), "沙盒"},
		{T("{{.Size}} ({{.Bytes}} bytes)", map[string]any{"Size": "16 B", "Bytes": 16}), "16 B（16 字节）"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
