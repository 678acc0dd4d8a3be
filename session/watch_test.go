package session

import (
	"path/filepath"
	"strings"
	"testing"

	"cosdrop/internal/i18ncheck"
	"cosdrop/watch"
)

// Every watch decision code has words in English and Chinese
// (watch.<lang>.json), with the same placeholders.
func TestWatchWordsTranslated(t *testing.T) {
	codes := []watch.Code{watch.Waiting, watch.Temporary, watch.Excluded, watch.StillOpen, watch.Gone, watch.Uploaded, watch.UploadedUnverified,
		watch.Identical, watch.Exists, watch.Unchanged, watch.Failed, watch.EventsLost, watch.FolderError, watch.LinkOutside, watch.FolderGone, watch.StateFolder}
	if len(watchWords) != len(codes) {
		t.Errorf("%d worded codes, %d codes", len(watchWords), len(codes))
	}
	all := []i18ncheck.Message{{Text: watchNoFolder}, {Text: watchUnknownError}, {Text: watchSameName}}
	for _, c := range codes {
		s, ok := watchWords[c]
		if !ok {
			t.Errorf("code %s has no words", c)
		}
		all = append(all, i18ncheck.Message{Text: s, Where: "watchWords[" + string(c) + "]"})
	}
	en, err := i18ncheck.Catalogue(filepath.Join("..", "assets", "translations", "watch.en.json"))
	if err != nil {
		t.Fatal(err)
	}
	zh, err := i18ncheck.Catalogue(filepath.Join("..", "assets", "translations", "watch.zh_Hans.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range i18ncheck.Problems(all, en, zh) {
		t.Error(p)
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
