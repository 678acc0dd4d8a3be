package arch

import (
	"sort"
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
	users := map[string][]string{}
	walkGo(t, moduleRoot(t), func(rel string, test bool, imports []string) {
		for _, ip := range imports {
			for door := range doors {
				if !test && (ip == door || strings.HasPrefix(ip, door+"/")) {
					users[door] = append(users[door], rel)
				}
			}
		}
	})
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
