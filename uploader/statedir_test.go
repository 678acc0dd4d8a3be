package uploader

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 20, finding 16: a state directory inside the folder being
// uploaded was uploaded with it (its journal included, while in use). It
// is left out, as a typed skip naming it.
func TestStateDirInsideDropLeftOut(t *testing.T) {
	v := newFakeEnv(t)
	root := filepath.Join(v.data, "drop")
	v.state = filepath.Join(root, "sub", ".cosdrop-state")
	if err := os.MkdirAll(v.state, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "a.txt"), 10, 1)
	e := v.engine(v.config())
	defer e.Close()
	got := batchSnapshots(t, e, e.Add(root))
	s, ok := got[v.state]
	if !ok || s.State != Skipped || s.Note.Code != NoteNotAFile || s.Note.Args["kind"] != KindStateFolder {
		t.Errorf("state folder %s: %s %+v (task %v), want skipped kind %s", v.state, s.State, s.Note, ok, KindStateFolder)
	}
	for p := range got {
		if strings.HasPrefix(p, v.state+string(filepath.Separator)) {
			t.Errorf("%s, inside the state folder, got a task", p)
		}
	}
	if _, ok := v.store.object("drop/sub/.cosdrop-state/" + JournalFile); ok {
		t.Error("the journal was uploaded")
	}
	if s := got[filepath.Join(root, "a.txt")]; s.State != Done {
		t.Errorf("a.txt: %s", s.State)
	}
}
