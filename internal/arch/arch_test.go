package arch

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// module is go.mod's module path; packages below are named by their
// directory inside the module ("." for the command itself).
const module = "cosdrop"

// fyne stands in the table for every fyne.io/... package.
const fyne = "fyne.io"

// rule is one package's row: what its non-test files may import of this
// module (and Fyne), and what its _test.go files may import besides. Every
// test file may also import its own package, localcos (the COS every test
// talks to) and localcos/localcostest (the one way a test starts it).
type rule struct {
	imports []string
	tests   []string
}

// allowed is the import table. README's Architecture section states it:
// data flows one way, ui -> session -> uploader -> (auth, COS); the window
// (ui) and the command line (cli) are the two front ends over one session
// layer; only ui imports Fyne; localcos, contenttype, assets and autostart
// import nothing of ours. Edges that break the flow today are not here but
// in exceptions, each named, until the work that removes it.
var allowed = map[string]rule{
	// wiring: the command line, and the window passed into it (gui.go);
	// auth only to stop D-Bus autolaunch before anything else runs.
	".": {imports: []string{"cli", "ui", "auth"}},

	// front ends
	// Both read and edit the profile document (profile), whose mode and
	// policy tables give their choices, flags and words.
	"cli": {imports: []string{"session", "profile", "localcos", "clipboard", "receipt"}, tests: []string{"autostart", "internal/i18ncheck", "receipt/receipttest"}}, // localcos: serve-local runs it
	"ui":  {imports: []string{"session", "profile", "assets", "autostart", "clipboard", "receipt", "ui/internal/localefix", fyne}, tests: []string{"internal/i18ncheck", "receipt/receipttest"}},

	// one mapping from profile or flags to a running engine, and the words
	"session": {imports: []string{"uploader", "watch", "profile", "auth", "localcos", "assets", "clipboard", "receipt"}, tests: []string{"internal/i18ncheck", "receipt/receipttest"}}, // localcos: the Sandbox

	// the engine, and the watcher that uploads through it
	// The engine learns a profile's rules as func values (Config.Exclude,
	// Config.Headers), never from profile; its rule tests build a
	// profile's rules to check them end to end.
	"uploader": {imports: []string{"auth", "contenttype", "receipt"}, tests: []string{"internal/linesim", "profile"}}, // linesim: `make bench-wan`
	"watch":    {imports: []string{"uploader"}, tests: []string{"auth"}},

	// The document an admin hands out, with its mode and policy tables.
	// It imports auth (how each mode signs, the keyring accounts, the
	// message codes); auth never imports it, except in the probe's tests
	// against localcos, which probe a profile.
	"profile": {imports: []string{"auth", "receipt"}, tests: []string{"assets", "internal/i18ncheck"}},

	// leaves
	"auth":                  {imports: []string{"contenttype"}, tests: []string{"assets", "profile"}},
	"contenttype":           {},
	"localcos":              {},
	"localcos/localcostest": {imports: []string{"localcos"}}, // tests' one way to start localcos
	"assets":                {},
	"autostart":             {},
	"clipboard":             {},                             // the system clipboard (paste to upload)
	"receipt":               {},                             // the receipt document written into the bucket
	"receipt/receipttest":   {imports: []string{"receipt"}}, // readers' tests: receipts put into localcos
	"ui/internal/localefix": {},

	// tools of the tests
	"internal/soak":      {imports: []string{"internal/linesim", "localcos", "session"}, tests: []string{"uploader"}},
	"internal/sniwatch":  {},
	"internal/linesim":   {},
	"internal/arch":      {},
	"internal/i18ncheck": {}, // the one translation-coverage check
	"internal/workflows": {}, // the GitHub Actions files, checked
}

// exceptions are imports that break the stated flow today, each with the
// reason it is still there. Remove an entry with the import: the test fails
// when a listed exception no longer occurs, so the list stays true.
var exceptions = map[string]string{
	// The window skips the session layer: engine types (task snapshots,
	// IDs, states, the change feed) are named straight from uploader in 22
	// files, and the profile editor edits auth.Profile. Splitting the
	// window by responsibility left the types where they were; the edge
	// goes when session names them for the window, and the auth one with
	// the profile package.
	"ui -> uploader": "22 ui files read engine snapshots and states directly",
	"ui -> auth":     "the profile editor writes secrets to the keyring (auth.SecretStore, ProxyAccount) and lists sign methods",
	"ui -> watch":    "the watch-folders window lists watch decisions (ui/watch.go)",

	// The command line skips the session layer the same way.
	"cli -> uploader": "commands print engine snapshots and parse engine options",
	"cli -> auth":     "login and logout store and delete keyring secrets; profile test prints the probe's results",
	"cli -> watch":    "cosdrop watch prints watch decisions (cli/cmd_watch.go)",

	// A test of the engine reaching up a layer: the undo end-to-end test
	// checks session's words for the engine's outcomes.
	"uploader (test) -> session": "uploader/undo_e2e_test.go checks session's words",
}

// edge is one import of this module (or of Fyne) and the files making it.
type edge struct {
	from, to string
	test     bool
	files    []string
}

func (e edge) name() string {
	if e.test {
		return e.from + " (test) -> " + e.to
	}
	return e.from + " -> " + e.to
}

// moduleRoot is the directory holding go.mod, two levels above this one.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	return root
}

// scan parses the imports of every .go file under root, whatever its build
// tags or GOOS, and returns the module's packages and their edges.
func scan(t *testing.T, root string) (pkgs map[string]bool, edges map[string]*edge) {
	t.Helper()
	pkgs, edges = map[string]bool{}, map[string]*edge{}
	walkGo(t, root, func(rel string, test bool, imports []string) {
		dir := path.Dir(rel)
		pkgs[dir] = true
		for _, ip := range imports {
			to, ours := target(ip)
			if !ours || (test && to == dir) {
				continue
			}
			e := edge{from: dir, to: to, test: test}
			if edges[e.name()] == nil {
				edges[e.name()] = &e
			}
			edges[e.name()].files = append(edges[e.name()].files, rel)
		}
	})
	return pkgs, edges
}

// walkGo calls fn with every .go file under root (its slash-separated path
// from root), whether it is a test file, and the import paths it names,
// whatever its build tags or GOOS.
func walkGo(t *testing.T, root string, fn func(rel string, test bool, imports []string)) {
	t.Helper()
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			n := d.Name()
			if p != root && (strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") || n == "build" || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		var imports []string
		for _, im := range f.Imports {
			ip, _ := strconv.Unquote(im.Path.Value)
			imports = append(imports, ip)
		}
		fn(filepath.ToSlash(rel), strings.HasSuffix(p, "_test.go"), imports)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// target names an import path as the table does; ours is false for the
// standard library and third-party packages other than Fyne.
func target(ip string) (to string, ours bool) {
	switch {
	case ip == module:
		return ".", true
	case strings.HasPrefix(ip, module+"/"):
		return strings.TrimPrefix(ip, module+"/"), true
	case ip == fyne || strings.HasPrefix(ip, fyne+"/"):
		return fyne, true
	}
	return "", false
}

// permits reports whether the table allows e, not counting exceptions.
func permits(e edge) bool {
	r := allowed[e.from]
	ok := func(list []string) bool {
		for _, p := range list {
			if p == e.to {
				return true
			}
		}
		return false
	}
	if ok(r.imports) {
		return true
	}
	return e.test && (e.to == "localcos" || e.to == "localcos/localcostest" || ok(r.tests))
}

// Every import between this module's packages (and of Fyne) is one the
// table allows or a named exception; every package has a row; every
// exception still occurs.
func TestImportsFollowTheTable(t *testing.T) {
	pkgs, edges := scan(t, moduleRoot(t))
	if len(pkgs) < 10 {
		t.Fatalf("only %d packages found; the walk is wrong", len(pkgs))
	}
	for p := range pkgs {
		if _, ok := allowed[p]; !ok {
			t.Errorf("package %s has no row in the import table (internal/arch/arch_test.go): add one", p)
		}
	}
	used := map[string]bool{}
	names := make([]string, 0, len(edges))
	for n := range edges {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		e := *edges[n]
		if permits(e) {
			continue
		}
		if _, ok := exceptions[n]; ok {
			used[n] = true
			continue
		}
		if e.test {
			// a test file may do what its package's exceptions allow
			prod := e
			prod.test = false
			if _, ok := exceptions[prod.name()]; ok {
				used[prod.name()] = true
				continue
			}
		}
		t.Errorf("import %s is not allowed by the table (internal/arch/arch_test.go): %s", n, strings.Join(e.files, ", "))
	}
	for n := range exceptions {
		if !used[n] {
			t.Errorf("exception %q no longer occurs: remove it from the table", n)
		}
	}
}

// README's Architecture section names every package of the table.
func TestReadmeNamesEveryPackage(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(moduleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n## Architecture\n")
	if !ok {
		t.Fatal("README.md has no Architecture section")
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	for p := range allowed {
		if p == "." {
			continue
		}
		if !strings.Contains(sec, "\n"+p+"/") && !strings.Contains(sec, "\n"+path.Dir(p)+"/") {
			t.Errorf("README's Architecture section does not name %s/", p)
		}
	}
}

// The engine side stays free of Fyne for good, through every package it
// pulls in: uploader, auth, localcos, session, cli and the CLI-only build
// of the command (-tags nogui, which must also build without cgo).
func TestEngineIsGUIFree(t *testing.T) {
	if testing.Short() {
		t.Skip("go list -deps of six packages; the import table covers the direct imports")
	}
	root := moduleRoot(t)
	for _, pkg := range []string{"./uploader", "./auth", "./localcos", "./session", "./cli", "-tags=nogui ."} {
		args := append([]string{"list", "-deps"}, strings.Fields(pkg)...)
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "fyne.io/") {
				t.Errorf("%s depends on %s: the engine must not import Fyne", pkg, dep)
			}
		}
	}
}
