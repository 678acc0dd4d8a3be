package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestLogRotatesBounded: the decision log never grows past two files of
// its size limit, keeps the newest decisions, and Recent is bounded.
func TestLogRotatesBounded(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	l.max = 4 << 10
	for i := range 500 {
		l.Write(Decision{Code: Uploaded, Path: fmt.Sprintf("/w/file-%03d.txt", i), Key: "k"})
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	cur, err := os.Stat(filepath.Join(dir, LogName))
	if err != nil {
		t.Fatal(err)
	}
	old, err := os.Stat(filepath.Join(dir, LogName+".1"))
	if err != nil {
		t.Fatalf("no rotated file: %v", err)
	}
	if cur.Size() > l.max || old.Size() > l.max {
		t.Errorf("log files of %d and %d bytes, limit %d", cur.Size(), old.Size(), l.max)
	}
	if r := l.Recent(1000); len(r) != recentMax || r[0].Path != "/w/file-499.txt" {
		t.Errorf("Recent: %d decisions, newest %+v; want %d, newest file-499", len(r), r[0], recentMax)
	}
	l2, err := OpenLog(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if r := l2.Recent(1); len(r) != 1 || r[0].Path != "/w/file-499.txt" {
		t.Errorf("reopened: newest %+v, want file-499", r)
	}
}
