// Package i18ncheck is the one translation-coverage check the packages'
// tests share: it finds the literals a package passes to its translation
// functions, reads the catalogues in assets/translations (plain strings,
// or go-i18n's plural objects {"one": …, "other": …}), and reports every
// message missing from Simplified Chinese, a Chinese text whose
// placeholders differ, and a counted message without its English plural
// forms. A plain English message needs no English line: its key is its
// text, and go-i18n (under Fyne's lang.L and session.T alike) gives the key
// back, silently, when English lacks it (ui/englishkey_test.go). So new
// words are one Chinese line, and adding a credential mode touches its
// table entry and the Chinese catalogue only.
//
// It is imported by tests only; it lives outside them so that the window,
// the session layer and the command line check their words one way.
package i18ncheck

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Message is a user-visible source text found in the code.
type Message struct {
	Text   string // the English source text, the catalogue's key
	Plural bool   // passed with a count: the catalogue needs plural forms
	Where  string // file:line, for the report
}

// Funcs names the translation functions of a package: for each, the index
// of its message argument and whether the call carries a count.
type Funcs map[string]Func

// Func is one translation function's shape.
type Func struct {
	Arg    int  // index of the message literal among the call's arguments
	Plural bool // the call passes a count (N, TN): plural forms needed
}

// Literals returns the messages passed as string literals to funcs in the
// non-test Go files of dir.
func Literals(dir string, funcs Funcs) ([]Message, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var out []Message
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			return nil, err
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if m, ok := literal(fset, n, funcs); ok {
				out = append(out, m)
			}
			return true
		})
	}
	return out, nil
}

// literal is the message of a call to one of funcs, if n is one with a
// literal message.
func literal(fset *token.FileSet, n ast.Node, funcs Funcs) (Message, bool) {
	call, ok := n.(*ast.CallExpr)
	if !ok {
		return Message{}, false
	}
	id, ok := call.Fun.(*ast.Ident)
	if !ok {
		return Message{}, false
	}
	fn, ok := funcs[id.Name]
	if !ok || len(call.Args) <= fn.Arg {
		return Message{}, false
	}
	lit, ok := call.Args[fn.Arg].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return Message{}, false
	}
	s, _ := strconv.Unquote(lit.Value)
	return Message{Text: s, Plural: fn.Plural, Where: fset.Position(lit.Pos()).String()}, true
}

// Entry is one catalogue entry: a plain text, or plural forms.
type Entry struct {
	Forms map[string]string // "other" for a plain text; "one", "other", … for plural forms
	Plain bool              // a plain string, not an object
}

// Catalogue reads and merges the catalogue files matching pattern (a
// filepath.Glob pattern, e.g. "../assets/translations/*.en.json").
func Catalogue(pattern string) (map[string]Entry, error) {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no catalogue matches %s (%v)", pattern, err)
	}
	all := map[string]Entry{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for k, raw := range m {
			e, err := entry(raw)
			if err != nil {
				return nil, fmt.Errorf("%s: %q: %w", f, k, err)
			}
			all[k] = e
		}
	}
	return all, nil
}

// entry decodes a catalogue value: a string, or an object of plural forms.
func entry(raw json.RawMessage) (Entry, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return Entry{Forms: map[string]string{"other": s}, Plain: true}, nil
	}
	var forms map[string]string
	if err := json.Unmarshal(raw, &forms); err != nil {
		return Entry{}, fmt.Errorf("neither a text nor plural forms: %w", err)
	}
	for k := range forms {
		if !slices.Contains(pluralForms, k) {
			return Entry{}, fmt.Errorf("unknown plural form %q", k)
		}
	}
	return Entry{Forms: forms}, nil
}

// pluralForms are the CLDR categories go-i18n reads from an object; they
// are also keys go-i18n reserves, so no message may be one of them.
var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

var placeholderRE = regexp.MustCompile(`\{\{\.[A-Za-z_]+\}\}`)

// Problems lists what is wrong with msgs against the English and Chinese
// catalogues; empty when every message is translated well.
func Problems(msgs []Message, en, zh map[string]Entry) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, problems(m, en, zh)...)
	}
	return out
}

// problems checks one message.
func problems(m Message, en, zh map[string]Entry) []string {
	var out []string
	if slices.Contains(reserved, strings.ToLower(m.Text)) {
		out = append(out, fmt.Sprintf("%s: %q is a key go-i18n reserves", m.Where, m.Text))
	}
	if e := en[m.Text]; m.Plural && (e.Forms["one"] == "" || e.Forms["other"] == "") {
		out = append(out, fmt.Sprintf("%s: %q is counted: English needs its \"one\" and \"other\" forms", m.Where, m.Text))
	}
	z, ok := zh[m.Text]
	if !ok || z.Forms["other"] == "" {
		return append(out, fmt.Sprintf("%s: Chinese catalogue lacks %q", m.Where, m.Text))
	}
	want := sortedPlaceholders(m.Text)
	for form, text := range z.Forms {
		if got := sortedPlaceholders(text); !slices.Equal(want, got) {
			out = append(out, fmt.Sprintf("%s: %q: Chinese %q form has placeholders %v, want %v", m.Where, m.Text, form, got, want))
		}
	}
	return out
}

// reserved are keys go-i18n takes as fields of a message, not messages.
var reserved = append([]string{"id", "description", "hash", "leftdelim", "rightdelim", "translation"}, pluralForms...)

func sortedPlaceholders(s string) []string {
	p := placeholderRE.FindAllString(s, -1)
	slices.Sort(p)
	return slices.Compact(p)
}

// Check reads the English and Chinese catalogues of the translations
// folder dir (assets/translations, as seen from the caller) and returns
// the Problems of msgs: the one call every package's translation test
// makes.
func Check(dir string, msgs []Message) ([]string, error) {
	en, err := Catalogue(filepath.Join(dir, "*.en.json"))
	if err != nil {
		return nil, err
	}
	zh, err := Catalogue(filepath.Join(dir, "*.zh_Hans.json"))
	if err != nil {
		return nil, err
	}
	return Problems(msgs, en, zh), nil
}
