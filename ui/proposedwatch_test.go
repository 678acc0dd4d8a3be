package ui

import (
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"cosdrop/profile"
)

// Issue 20, finding 5: the watch folders an imported profile brings are
// proposed, not watched: the window asks about each one, and only a
// confirmed folder joins the profile's watch folders.
func TestProposedWatchFoldersAskedOneByOne(t *testing.T) {
	w := newTestWindow(t, nil)
	a, b := filepath.Join(t.TempDir(), "Scans"), filepath.Join(t.TempDir(), "Inbox")
	p := profile.Profile{Name: "office", Bucket: "examplebucket-1250000000", Region: "ap-guangzhou", Mode: profile.ModeSTS,
		CredentialURL: "https://sts.example.com/sts", ProposedWatchFolders: []string{a, b}}
	if err := w.opener.profiles.Put(p); err != nil {
		t.Fatal(err)
	}
	s := &openedProfile{name: "office", profile: p}
	if got := w.watchFolders(s); len(got) != 0 {
		t.Fatalf("proposed folders are watched before anyone confirmed them: %q", got)
	}
	w.followWatch(s)
	test.Tap(findButton(t, w, T("Watch it")))
	test.Tap(findButton(t, w, T("Do not watch")))
	got, err := w.opener.profiles.Get("office")
	if err != nil || !slices.Equal(got.WatchFolders, []string{a}) || len(got.ProposedWatchFolders) != 0 {
		t.Errorf("after yes and no: watch %q, proposed %q (%v); want only %s watched", got.WatchFolders, got.ProposedWatchFolders, err, a)
	}
}
