package arch

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// doors names, for a third-party package that only one file may use
// outside tests, that file: the journal is a bbolt database behind one
// door (uploader/journaldb.go), so the engine speaks in journal
// operations and a change of store touches one file.
var doors = map[string]string{
	"go.etcd.io/bbolt": "uploader/journaldb.go",
}

// Each door package is imported by its one file and by no other non-test
// file (a test may build a damaged journal with bbolt itself).
func TestOneDoorPerStore(t *testing.T) {
	root := moduleRoot(t)
	users := map[string][]string{}
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
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		for _, im := range f.Imports {
			ip, _ := strconv.Unquote(im.Path.Value)
			for door := range doors {
				if ip == door || strings.HasPrefix(ip, door+"/") {
					users[door] = append(users[door], filepath.ToSlash(rel))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for door, file := range doors {
		var others []string
		found := false
		for _, u := range users[door] {
			if u == file {
				found = true
			} else {
				others = append(others, u)
			}
		}
		sort.Strings(others)
		if !found {
			t.Errorf("%s no longer imports %s: update the door in internal/arch/door_test.go", file, door)
		}
		if len(others) > 0 {
			t.Errorf("%s is imported outside its door %s by %s: go through the door's operations", door, file, strings.Join(others, ", "))
		}
	}
}
