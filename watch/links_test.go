package watch

import (
	"os"
	"path/filepath"
	"testing"
)

// TestLinkOutsideLeftOut (issue 20, finding 4): a link in a watched
// folder that leads outside it ("ln -s ~/.ssh/id_rsa inbox/innocent.txt")
// is never uploaded, found by the first scan or by an event, and a
// decision says so; a link to a file inside the folder is uploaded.
func TestLinkOutsideLeftOut(t *testing.T) {
	skipUnderWine(t, "links made by os.Symlink under Wine 8 do not behave as Windows links (seen: a link inside a folder got no task, a link dropped on its own could not be read)")
	h := newHarness(t)
	secretDir := t.TempDir()
	secret := filepath.Join(secretDir, "id_rsa")
	writeFile(t, secret, []byte("PRIVATE KEY"))
	if err := os.Chmod(secret, 0o600); err != nil {
		t.Fatal(err)
	}
	inside := filepath.Join(h.dir, "real.txt")
	writeFile(t, inside, []byte("inside"))
	early := filepath.Join(h.dir, "innocent.txt")
	if err := os.Symlink(secret, early); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secretDir, filepath.Join(h.dir, "keys")); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(h.dir, "alias.txt")
	if err := os.Symlink("real.txt", good); err != nil {
		t.Fatal(err)
	}
	h.start(nil)
	late := filepath.Join(h.dir, "later.txt")
	if err := os.Symlink(secret, late); err != nil {
		t.Fatal(err)
	}
	h.until("the files inside", func() bool { return h.count(Uploaded, inside) == 1 && h.count(Uploaded, good) == 1 })
	h.wait("the late link's decision", func() bool { return h.count(LinkOutside, late) == 1 })
	h.doRescan()
	for _, p := range []string{early, late} {
		d, ok := h.find(LinkOutside, p)
		if !ok || d.Args["target"] != secret {
			t.Errorf("%s: decision %+v, want %s naming %s", p, d, LinkOutside, secret)
		}
		if n := h.count(LinkOutside, p); n != 1 {
			t.Errorf("%s: %d link_outside decisions, want 1 (a rescan repeats none)", p, n)
		}
	}
	keys := h.objects()
	if len(keys) != 2 || !keys["Shots/real.txt"] || !keys["Shots/alias.txt"] {
		t.Errorf("bucket holds %v, want only Shots/real.txt and Shots/alias.txt", keys)
	}
}

// TestWatchedFolderDeletedRecorded (issue 20, finding 17): deleting a
// watched folder was not recorded. It is, at once (from the event), once;
// and a folder that comes back is watched again.
func TestWatchedFolderDeletedRecorded(t *testing.T) {
	skipUnderWine(t, "the deletion of the watched folder itself reached the watcher by no event within the bound (seen with Wine 8)")
	h := newHarness(t)
	h.start(nil)
	if err := os.RemoveAll(h.dir); err != nil {
		t.Fatal(err)
	}
	h.wait("the folder_gone decision", func() bool { return h.count(FolderGone, h.dir) == 1 })
	h.doRescan()
	h.doRescan()
	if n := h.count(FolderGone, h.dir); n != 1 {
		t.Errorf("%d folder_gone decisions, want 1", n)
	}
	if n := h.count(FolderError, h.dir); n != 0 {
		t.Errorf("the deleted folder was also recorded as a folder error %d times", n)
	}
	writeFile(t, filepath.Join(h.dir, "back.txt"), []byte("back"))
	h.doRescan()
	h.until("the file in the folder that came back", func() bool { return h.count(Uploaded, filepath.Join(h.dir, "back.txt")) == 1 })
}

// TestStateDirInsideWatchedFolderLeftOut (issue 20, finding 16): the
// watch's own state folder (its journal, changing at every upload) inside
// the watched folder is left out with a decision, never uploaded.
func TestStateDirInsideWatchedFolderLeftOut(t *testing.T) {
	h := newHarness(t)
	h.state = filepath.Join(h.dir, ".state")
	if err := os.MkdirAll(h.state, 0o700); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(h.dir, "a.txt")
	writeFile(t, good, []byte("a"))
	h.start(func(o *Options) { o.StateDir = h.state })
	h.until("the file", func() bool { return h.count(Uploaded, good) == 1 })
	h.doRescan()
	if n := h.count(StateFolder, h.state); n != 1 {
		t.Errorf("%d state_folder decisions for %s, want 1", n, h.state)
	}
	for k := range h.objects() {
		if k != "Shots/a.txt" {
			t.Errorf("uploaded %s", k)
		}
	}
}
