package uploader

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"cosdrop/auth"
	"cosdrop/profile"
)

// TestCodecRelAt: the journal keeps where the rules' relative path starts,
// so a task resumed after a restart gets the same headers; a record from
// before rules (version 3) reads as the file's name.
func TestCodecRelAt(t *testing.T) {
	r := record{ID: 7, Path: "/home/u/drop/Photos/a/b.jpg", Key: "Photos/a/b.jpg", State: Queued, RelAt: len("/home/u/drop/Photos/")}
	b, err := encodeRecord(&r)
	if err != nil {
		t.Fatal(err)
	}
	var got record
	if err := decodeRecord(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.RelAt != r.RelAt || relOf(&got) != "a/b.jpg" {
		t.Errorf("RelAt %d rel %q, want %d a/b.jpg", got.RelAt, relOf(&got), r.RelAt)
	}
	old := record{Path: "/x/y/z.txt"}
	if relOf(&old) != "z.txt" {
		t.Errorf("a record without RelAt: rel %q, want z.txt", relOf(&old))
	}
	b[0] = 99
	if decodeRecord(b, &got) == nil {
		t.Error("a record of an unknown version was read")
	}
}

type planSigner struct{}

func (planSigner) Sign(context.Context, string, int64) (auth.SignedUpload, error) {
	return auth.SignedUpload{}, errors.New("not in a plan")
}

// TestPlan: a dry run's plan has the keys, headers and excludes an upload
// would have, opens no journal and, in server-signed mode, leaves the key
// to the server.
func TestPlan(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "site")
	for _, rel := range []string{"a.md", "b/c.txt", ".DS_Store", "node_modules/x.js"} {
		p := filepath.Join(root, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o700)
		os.WriteFile(p, []byte(rel), 0o600)
	}
	rules := &profile.Rules{CacheControl: "no-cache", Exclude: []string{"node_modules/"},
		Patterns: []profile.PatternRule{{Pattern: "*.md", ContentType: "text/markdown"}}}
	cfg := Config{Prefix: "up/", Exclude: rules.Excluded, Headers: rules.HeadersFor, StateDir: filepath.Join(dir, "state")}
	got := map[string]Planned{}
	for _, p := range Plan(context.Background(), cfg, root) {
		got[filepath.Base(p.Path)] = p
	}
	if p := got["a.md"]; p.Key != "up/site/a.md" || p.Headers.ContentType != "text/markdown" || p.Headers.CacheControl != "no-cache" {
		t.Errorf("a.md: %+v", p)
	}
	if p := got["c.txt"]; p.Key != "up/site/b/c.txt" || p.Headers.ContentType != "text/plain; charset=utf-8" {
		t.Errorf("c.txt: %+v", p)
	}
	if got[".DS_Store"].ExcludedBy != ".DS_Store" || got["node_modules"].ExcludedBy != "node_modules/" || len(got) != 4 {
		t.Errorf("plan: %+v", got)
	}
	if _, err := os.Stat(cfg.StateDir); !os.IsNotExist(err) {
		t.Errorf("Plan created the state dir: %v", err)
	}
	cfg.Signer = planSigner{}
	for _, p := range Plan(context.Background(), cfg, filepath.Join(root, "a.md")) {
		if p.Key != "" || p.Headers.ContentType != "text/markdown" {
			t.Errorf("server-signed plan: %+v", p)
		}
	}
}
