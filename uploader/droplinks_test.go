package uploader

import (
	"os"
	"path/filepath"
	"testing"
)

// Issue 20, finding 4 (drops): a link inside a dropped folder that leads
// to a file outside it (an unpacked archive or a shared folder holding
// "photo.jpg -> ~/.ssh/id_rsa") is left out with a typed note naming where
// it leads; a link to a file inside the folder, and a link dropped on its
// own (the user chose it), are uploaded.
func TestDropLeavesOutLinksLeadingOutside(t *testing.T) {
	skipUnderWine(t, "links made by os.Symlink under Wine 8 do not behave as Windows links (seen: a link inside a folder got no task, a link dropped on its own could not be read)")
	v := newFakeEnv(t)
	root := filepath.Join(v.data, "drop")
	secretDir := filepath.Join(v.data, "secret")
	for _, d := range []string{root, secretDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(secretDir, "id_rsa")
	writeFile(t, secret, 10, 1)
	writeFile(t, filepath.Join(root, "real.txt"), 10, 2)
	for link, target := range map[string]string{"photo.jpg": secret, "alias.txt": "real.txt"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	alone := filepath.Join(v.data, "chosen.txt")
	if err := os.Symlink(secret, alone); err != nil {
		t.Fatal(err)
	}
	e := v.engine(v.config())
	defer e.Close()
	got := batchSnapshots(t, e, e.Add(root, alone))
	s := got[filepath.Join(root, "photo.jpg")]
	if s.State != Skipped || s.Note.Code != NoteNotAFile || s.Note.Args["kind"] != KindLinkOutside || s.Note.Args["target"] != secret {
		t.Errorf("photo.jpg -> %s: %s %+v, want skipped, kind %s naming the target", secret, s.State, s.Note, KindLinkOutside)
	}
	if _, ok := v.store.object("drop/photo.jpg"); ok {
		t.Error("the file a link led to outside the dropped folder was uploaded")
	}
	for _, p := range []string{filepath.Join(root, "real.txt"), filepath.Join(root, "alias.txt"), alone} {
		if s := got[p]; s.State != Done {
			t.Errorf("%s: %s %+v, want done", p, s.State, s.Note)
		}
	}
}
