package session

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cosdrop/watch"
)

// Every watch decision code has words in English and Chinese
// (watch.<lang>.json), with the same placeholders.
func TestWatchWordsTranslated(t *testing.T) {
	en, zh := loadFile(t, "watch.en.json"), loadFile(t, "watch.zh_Hans.json")
	codes := []watch.Code{watch.Waiting, watch.Temporary, watch.Excluded, watch.StillOpen, watch.Gone, watch.Uploaded, watch.UploadedUnverified,
		watch.Identical, watch.Exists, watch.Unchanged, watch.Failed, watch.EventsLost, watch.FolderError, watch.LinkOutside, watch.FolderGone, watch.StateFolder}
	if len(watchWords) != len(codes) {
		t.Errorf("%d worded codes, %d codes", len(watchWords), len(codes))
	}
	all := []string{watchNoFolder, watchUnknownError, watchSameName}
	for _, c := range codes {
		s, ok := watchWords[c]
		if !ok {
			t.Errorf("code %s has no words", c)
		}
		all = append(all, s)
	}
	for _, s := range all {
		if en[s] != s {
			t.Errorf("watch.en.json lacks %q", s)
		}
		z := zh[s]
		want, got := placeholderRE.FindAllString(s, -1), placeholderRE.FindAllString(z, -1)
		slices.Sort(want)
		slices.Sort(got)
		if z == "" || z == s || !slices.Equal(want, got) {
			t.Errorf("watch.zh_Hans.json: %q -> %q", s, z)
		}
	}
}

// WatchText fills a decision's parameters and words a failure the way
// the queue does (Explain), not with the engine's detail.
func TestWatchText(t *testing.T) {
	reloadForTest()
	if got := WatchText(watch.Decision{Code: watch.Excluded, Args: map[string]string{"pattern": ".git/"}}); got != "excluded by the rule .git/" {
		t.Errorf("excluded: %q", got)
	}
	if got := WatchText(watch.Decision{Code: watch.Uploaded, Key: "Shots/a.png"}); got != "uploaded and verified as Shots/a.png" {
		t.Errorf("uploaded: %q", got)
	}
	te := uploaderTaskError("NoSuchBucket")
	got := WatchText(watch.Decision{Code: watch.Failed, Error: &te})
	if !strings.HasPrefix(got, "failed: ") || !strings.Contains(got, Explain(te)) {
		t.Errorf("failed: %q, want Explain's words %q", got, Explain(te))
	}
	if got := WatchText(watch.Decision{Code: watch.Failed}); !strings.Contains(got, "an unknown error") {
		t.Errorf("failed without error: %q", got)
	}
}

// StartWatch refuses two folders of the same name before it opens
// anything: their files would get the same keys.
func TestStartWatchSameName(t *testing.T) {
	reloadForTest()
	a, b := filepath.Join(t.TempDir(), "Scans"), filepath.Join(t.TempDir(), "Scans")
	w, err := StartWatch(Engine{}, []string{a, b}, WatchOptions{})
	if err == nil {
		w.Close()
		t.Fatal("two folders named Scans were watched")
	}
	if !strings.Contains(err.Error(), "the same name") {
		t.Errorf("error %q", err)
	}
}
