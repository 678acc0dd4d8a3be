package uploader

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestAddFilesKeysAndAdoption: AddFiles keys each file from the Rel it is
// given (through the prefix, as Add keys a walked folder's files), fails
// a missing file and a folder with FileMissing naming them, and under
// ResumeExisting a second AddFiles of a finished, unchanged file is a
// journal lookup (no request), while a changed one is sent again.
func TestAddFilesKeysAndAdoption(t *testing.T) {
	v := newEnv(t)
	cfg := v.config()
	cfg.Prefix, cfg.ResumeExisting = "in/", true
	e := v.engine(cfg)
	defer e.Close()
	a := filepath.Join(v.data, "Shots", "sub", "a.png")
	os.MkdirAll(filepath.Dir(a), 0o755)
	os.WriteFile(a, []byte("picture"), 0o644)
	missing := filepath.Join(v.data, "Shots", "gone.png")
	b := e.AddFiles(FileRef{Path: a, Rel: "Shots/sub/a.png"}, FileRef{Path: missing, Rel: "Shots/gone.png"},
		FileRef{Path: filepath.Dir(a), Rel: "Shots/sub"})
	got := map[string]Snapshot{}
	for _, s := range waitBatch(t, e, b) {
		got[s.Path] = s
	}
	if s := got[a]; s.State != Done || s.Key != "in/Shots/sub/a.png" {
		t.Errorf("a.png: %s at %q, want done at in/Shots/sub/a.png", s.State, s.Key)
	}
	for _, p := range []string{missing, filepath.Dir(a)} {
		if s := got[p]; s.State != Failed || s.LastErr == nil || s.LastErr.Code != CodeFileMissing {
			t.Errorf("%s: %s %+v, want failed with FileMissing", p, s.State, s.LastErr)
		}
	}
	if found, _, _ := v.head("in/Shots/sub/a.png"); !found {
		t.Fatal("a.png is not in COS")
	}
	puts := v.srv.Stats().Count("PutObject")
	b = e.AddFiles(FileRef{Path: a, Rel: "Shots/sub/a.png"})
	if s := waitBatch(t, e, b); len(s) != 1 || s[0].State != Done || s[0].ID != got[a].ID {
		t.Errorf("rerun: %+v, want the same done task", s)
	}
	if n := v.srv.Stats().Count("PutObject"); n != puts {
		t.Errorf("rerun of an unchanged file sent %d PutObject requests", n-puts)
	}
	os.WriteFile(a, []byte("a changed picture"), 0o644)
	os.Chtimes(a, time.Now(), time.Now().Add(time.Hour))
	b = e.AddFiles(FileRef{Path: a, Rel: "Shots/sub/a.png"})
	if s := waitBatch(t, e, b); len(s) != 1 || s[0].State != Done || s[0].Size != int64(len("a changed picture")) {
		t.Errorf("changed: %+v, want done with the new size", s)
	}
	if n := v.srv.Stats().Count("PutObject"); n != puts+1 {
		t.Errorf("the changed file: %d PutObject requests, want 1", n-puts)
	}
}
