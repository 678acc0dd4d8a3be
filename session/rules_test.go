package session

import (
	"context"
	"errors"
	"testing"

	"cosdrop/auth"
	"cosdrop/profile"
)

// The profile's rules reach the engine configuration (the one
// profile-to-engine mapping), and the CLI's --exclude and
// --no-default-excludes apply on top.
func TestProfileRulesReachEngine(t *testing.T) {
	p := profile.Profile{Name: "r", Mode: profile.ModeSTS, Bucket: "examplebucket-1250000000", Region: "ap-guangzhou",
		CredentialURL: "http://127.0.0.1:9/sts", Rules: &profile.Rules{CacheControl: "max-age=60", StorageClass: "ARCHIVE",
			Patterns: []profile.PatternRule{{Pattern: "*.md", ContentType: "text/markdown"}}, Exclude: []string{"*.bak"}}}
	spec, err := ProfileEngine(context.Background(), p, auth.NewSessionStore(), t.TempDir(), Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(spec.Closers)
	cfg := spec.Config
	if cfg.Headers == nil || cfg.Exclude == nil {
		t.Fatal("the engine got no rules")
	}
	if h := cfg.Headers("a/b.md"); h.ContentType != "text/markdown" || h.CacheControl != "max-age=60" || h.StorageClass != "ARCHIVE" {
		t.Errorf("headers of b.md: %+v", h)
	}
	for rel, want := range map[string]string{"x.bak": "*.bak", ".DS_Store": ".DS_Store", "a.txt": ""} {
		if got, _ := cfg.Exclude(rel); got != want {
			t.Errorf("Exclude(%q) = %q, want %q", rel, got, want)
		}
	}

	spec2, err := ProfileEngine(context.Background(), p, auth.NewSessionStore(), t.TempDir(),
		Overrides{Exclude: []string{"*.log"}, NoDefaultExcludes: true})
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(spec2.Closers)
	for rel, want := range map[string]string{"x.bak": "*.bak", "x.log": "*.log", ".DS_Store": ""} {
		if got, _ := spec2.Config.Exclude(rel); got != want {
			t.Errorf("with --exclude *.log --no-default-excludes: Exclude(%q) = %q, want %q", rel, got, want)
		}
	}
	if p.Rules.NoDefaultExcludes || len(p.Rules.Exclude) != 1 {
		t.Errorf("the overrides changed the profile's rules: %+v", p.Rules)
	}

	_, err = ProfileEngine(context.Background(), p, auth.NewSessionStore(), t.TempDir(), Overrides{Exclude: []string{"[a-"}})
	var pe *profile.Error
	if !errors.As(err, &pe) || pe.Code != profile.CodeRulesPattern {
		t.Errorf("--exclude with a broken pattern: %v", err)
	}
}
