package uploader

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRenameWaitsForAScanner (issue 19): a virus scanner opening the
// journal without FILE_SHARE_DELETE (here: share mode 0) makes Windows
// refuse its rename; retryRename tries again and succeeds once the
// scanner lets go (after the first refusal here), and gives up with the
// system's error, the file untouched, when it never does.
func TestRenameWaitsForAScanner(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, JournalFile), filepath.Join(dir, JournalFile+".damaged")
	if err := os.WriteFile(from, []byte("journal"), 0o600); err != nil {
		t.Fatal(err)
	}
	release := holdOpen(t, from)
	tries := 0
	err := retryRename(func(a, b string) error {
		tries++
		err := os.Rename(a, b)
		if tries == 1 {
			if err == nil || !renameBlocked(err) {
				t.Errorf("first rename while held: %v, want a sharing violation or Access is denied", err)
			}
			release() // the scanner is done
		}
		return err
	}, from, to)
	if err != nil || tries < 2 {
		t.Fatalf("rename after the scanner let go: %v after %d tries", err, tries)
	}
	if b, err := os.ReadFile(to); err != nil || string(b) != "journal" {
		t.Fatalf("renamed file: %q, %v", b, err)
	}

	release = holdOpen(t, to)
	defer release()
	tries = 0
	err = retryRename(func(a, b string) error { tries++; return os.Rename(a, b) }, to, from)
	if err == nil || tries != renameTries {
		t.Fatalf("held for good: %v after %d tries, want an error after %d", err, tries, renameTries)
	}
	release()
	if b, err := os.ReadFile(to); err != nil || string(b) != "journal" {
		t.Fatalf("file after the refused renames: %q, %v", b, err)
	}
}
