package profile

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"cosdrop/auth"
)

// TestWatchFoldersValidate: full paths pass; relative, empty, control
// characters and duplicates are refused with the field named, and the
// folders survive an export and import (as proposals).
func TestWatchFoldersValidate(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "Scans")
	p := permProfile()
	p.WatchFolders = []string{abs, filepath.Join(abs, "..", "Other")}
	if err := p.Validate(); err != nil {
		t.Fatalf("valid watch folders refused: %v", err)
	}
	for _, c := range []struct {
		dirs []string
		code auth.Code
	}{
		{[]string{"Scans"}, CodeWatchFolderRelative},
		{[]string{""}, CodeWatchFolderRelative},
		{[]string{abs + "\x01"}, CodeWatchFolderRelative},
		{[]string{abs, abs + string(filepath.Separator)}, CodeWatchFolderDuplicate},
		{[]string{abs, filepath.Join(abs, "..", "..", "Scans")}, CodeWatchFolderSameName},
	} {
		p.WatchFolders = c.dirs
		var pe *Error
		if err := p.Validate(); !errors.As(err, &pe) || pe.Code != c.code || pe.Field != "watch-folders" {
			t.Errorf("%q: got %v, want %s on watch-folders", c.dirs, err, c.code)
		}
	}
	p.WatchFolders = []string{abs}
	back := exportImport(t, p)
	// An import proposes its watch folders (issue 20, finding 5).
	if !slices.Equal(back.ProposedWatchFolders, p.WatchFolders) || len(back.WatchFolders) != 0 {
		t.Errorf("export/import: watch folders %q, proposed %q; want %q proposed", back.WatchFolders, back.ProposedWatchFolders, p.WatchFolders)
	}
}
