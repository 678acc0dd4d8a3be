package auth

import (
	"bytes"
	"slices"
	"testing"
)

// Issue 20, finding 5: a watch folder in an imported profile was watched
// as soon as the profile was active. An import now only proposes its
// watch folders (ProposedWatchFolders); none is watched until the user
// confirms it (ConfirmWatchFolder), and a declined one is dropped.
func TestImportedWatchFoldersAreProposed(t *testing.T) {
	p := permProfile()
	p.WatchFolders = []string{"/home/ana/Scans", "/srv/inbox"}
	var buf bytes.Buffer
	if err := ExportProfile(&buf, p); err != nil {
		t.Fatal(err)
	}
	got, err := ParseProfileExport(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(got.WatchFolders) != 0 || !slices.Equal(got.ProposedWatchFolders, p.WatchFolders) {
		t.Fatalf("imported: watch %q, proposed %q; want none watched, both proposed", got.WatchFolders, got.ProposedWatchFolders)
	}
	got.ConfirmWatchFolder("/home/ana/Scans", true)
	got.ConfirmWatchFolder("/srv/inbox", false)
	if !slices.Equal(got.WatchFolders, []string{"/home/ana/Scans"}) || len(got.ProposedWatchFolders) != 0 {
		t.Errorf("after confirming one and declining one: watch %q, proposed %q", got.WatchFolders, got.ProposedWatchFolders)
	}
	if err := got.Validate(); err != nil {
		t.Error(err)
	}
	bad := permProfile()
	bad.ProposedWatchFolders = []string{"/etc"}
	if err := bad.Validate(); err == nil {
		t.Error("a proposed /etc passed validation")
	}
}
