package profile

import (
	"runtime"
	"slices"
	"testing"
)

// Issue 20, finding 5: a watch folder in an imported profile was watched
// as soon as the profile was active. An import now only proposes its
// watch folders (ProposedWatchFolders); none is watched until the user
// confirms it (ConfirmWatchFolder), and a declined one is dropped.
func TestImportedWatchFoldersAreProposed(t *testing.T) {
	scans, inbox, system := "/home/ana/Scans", "/srv/inbox", "/etc"
	if runtime.GOOS == "windows" {
		scans, inbox, system = `C:\Users\ana\Scans`, `D:\inbox`, `C:\Windows`
	}
	p := permProfile()
	p.WatchFolders = []string{scans, inbox}
	got := exportImport(t, p)
	if len(got.WatchFolders) != 0 || !slices.Equal(got.ProposedWatchFolders, p.WatchFolders) {
		t.Fatalf("imported: watch %q, proposed %q; want none watched, both proposed", got.WatchFolders, got.ProposedWatchFolders)
	}
	got.ConfirmWatchFolder(scans, true)
	got.ConfirmWatchFolder(inbox, false)
	if !slices.Equal(got.WatchFolders, []string{scans}) || len(got.ProposedWatchFolders) != 0 {
		t.Errorf("after confirming one and declining one: watch %q, proposed %q", got.WatchFolders, got.ProposedWatchFolders)
	}
	if err := got.Validate(); err != nil {
		t.Error(err)
	}
	bad := permProfile()
	bad.ProposedWatchFolders = []string{system}
	if err := bad.Validate(); err == nil {
		t.Errorf("a proposed %s passed validation", system)
	}
}
