package cli

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// cliStrings returns every literal the command line passes to tr, plus the
// command summaries (translated when usage is printed).
func cliStrings(t *testing.T) []string {
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
			if !ok {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok {
				return true
			}
			arg := -1
			switch id.Name {
			case "tr":
				arg = 0
			case "register", "notYet":
				arg = 1
			}
			if arg < 0 || len(call.Args) <= arg {
				return true
			}
			if lit, ok := call.Args[arg].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				out = append(out, s)
			}
			return true
		})
	}
	return out
}

// catalogue merges every translation file of one language.
func catalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "assets", "translations", "*."+lang+".json"))
	all := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k, v := range m {
			all[k] = v
		}
	}
	return all
}

// Every string the command line prints through tr has a Chinese translation.
func TestEveryCLIStringTranslated(t *testing.T) {
	zh := catalogue(t, "zh_Hans")
	for _, s := range cliStrings(t) {
		if zh[s] == "" {
			t.Errorf("no zh_Hans translation for %q", s)
		}
	}
}
