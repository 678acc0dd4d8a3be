package uploader_test

// Upload rules (issue 13) over real HTTP: the headers of a profile's rules
// reach COS (read back with HEAD) in every credential mode and upload
// path, and a dropped folder leaves out what the excludes name, each with
// its note.

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/profile"
	"cosdrop/uploader"
)

// e2eHeaders HEADs key with the permanent key and returns COS's headers.
func e2eHeaders(t testing.TB, s *localcos.Server, key string) http.Header {
	t.Helper()
	c := localcostest.Client(s, e2eID, e2eKey)
	resp, err := c.Object.Head(context.Background(), key, nil)
	if err != nil {
		t.Fatalf("HEAD %q: %v", key, err)
	}
	return resp.Header
}

// testRules set every header kind; *.md also gets its own type.
var testRules = &profile.Rules{
	CacheControl:       "max-age=86400, public",
	ContentDisposition: "attachment",
	StorageClass:       "STANDARD_IA",
	Meta:               map[string]string{"team": "design", "Source": "cosdrop"},
	Patterns:           []profile.PatternRule{{Pattern: "*.md", ContentType: "text/markdown; charset=utf-8", CacheControl: "no-cache"}},
}

// checkRuleHeaders asserts that COS holds the headers testRules give name.
func checkRuleHeaders(t *testing.T, h http.Header, name string) {
	t.Helper()
	wantType, wantCache := "text/plain; charset=utf-8", "max-age=86400, public"
	switch filepath.Ext(name) {
	case ".md":
		wantType, wantCache = "text/markdown; charset=utf-8", "no-cache"
	case ".bin":
		wantType = "application/octet-stream"
	}
	for k, want := range map[string]string{
		"Content-Type":        wantType,
		"Cache-Control":       wantCache,
		"Content-Disposition": profile.Disposition("attachment", name),
		"x-cos-storage-class": "STANDARD_IA",
		"x-cos-meta-team":     "design",
		"x-cos-meta-source":   "cosdrop",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: HEAD %s = %q, want %q", name, k, got, want)
		}
	}
}

// TestRulesE2EHeadersReachCOS: with a permanent key and with STS
// credentials, a small file (one PUT), a large one (multipart: the
// headers go with the Initiate) and a Markdown file (its own type) are
// stored with every header the rules name. On main, HEAD showed no
// Cache-Control: the regression test of issue 13's rules.
func TestRulesE2EHeadersReachCOS(t *testing.T) {
	t.Parallel()
	s := e2eServer(t, localcos.Config{})
	dir := t.TempDir()
	small := filepath.Join(dir, "note.txt")
	os.WriteFile(small, []byte("hello rules"), 0o600)
	md := filepath.Join(dir, "报告 1.md")
	os.WriteFile(md, []byte("# title"), 0o600)
	large := filepath.Join(dir, "large.bin")
	writePattern(t, large, 3<<20+5)

	sts := auth.NewSTS(s.STSURL()+"/sts", "", nil)
	defer sts.Close()
	for _, mode := range []struct {
		name  string
		creds auth.Provider
	}{
		{"permanent", auth.NewStatic(auth.Credentials{SecretID: e2eID, SecretKey: e2eKey})},
		{"sts", sts},
	} {
		t.Run(mode.name, func(t *testing.T) {
			e := newEngine(t, uploader.Config{
				BucketURL: s.URL(), Credentials: mode.creds, Prefix: mode.name + "/",
				PartSize: uploader.MinPartSize, Headers: testRules.HeadersFor, Exclude: testRules.Excluded,
				RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond,
			})
			snaps := uploader.WaitBatch(t, e, e.Add(small, md, large))
			for _, got := range snaps {
				if got.State != uploader.Done {
					t.Fatalf("%s: %s %+v", got.Path, got.State, got.LastErr)
				}
				if filepath.Base(got.Path) == "large.bin" && got.UploadID == "" {
					t.Errorf("large.bin did not go up in parts")
				}
				checkRuleHeaders(t, e2eHeaders(t, s, got.Key), filepath.Base(got.Path))
			}
		})
	}
}

// TestRulesE2EServerSigned: a server-signed PUT (headers the signature
// does not list are added) and POST form (the headers are form fields)
// store the rules' headers too.
func TestRulesE2EServerSigned(t *testing.T) {
	s := e2eServer(t, localcos.Config{})
	dir := t.TempDir()
	path := filepath.Join(dir, "signed.md")
	os.WriteFile(path, bytes.Repeat([]byte("x"), 1000), 0o600)
	for _, method := range []auth.SignMethod{auth.SignPut, auth.SignPost} {
		t.Run(string(method), func(t *testing.T) {
			signer := auth.NewSignServerConfig(auth.SignConfig{Base: s.STSURL(), Method: method}, "", nil)
			e := newEngine(t, uploader.Config{Signer: signer, Headers: testRules.HeadersFor,
				RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond})
			got := uploader.WaitBatch(t, e, e.Add(path))[0]
			if got.State != uploader.Done {
				t.Fatalf("%s %+v", got.State, got.LastErr)
			}
			if !got.Note.IsZero() {
				t.Errorf("note %+v: every header should have been sent", got.Note)
			}
			h := e2eHeaders(t, s, got.Key)
			checkRuleHeaders(t, h, "signed.md")
		})
	}
}

// TestRulesE2EExcludeDefaults: a dropped folder with a .git folder, a
// .DS_Store, an Office lock file and a .tmp uploads none of them; each
// is a skipped task whose note names the pattern. The same .tmp dropped on
// its own is uploaded: the user asked for that file.
func TestRulesE2EExcludeDefaults(t *testing.T) {
	s := e2eServer(t, localcos.Config{})
	root := filepath.Join(t.TempDir(), "project")
	for name, body := range map[string]string{
		"keep.txt": "keep", ".git/config": "[core]", ".git/objects/ab/cdef": "blob",
		".DS_Store": "x", "docs/~$doc.docx": "lock", "x.tmp": "partial", "docs/report.docx": "doc",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var defaults *profile.Rules // a profile without rules: the default excludes
	e := newEngine(t, uploader.Config{
		BucketURL: s.URL(), Credentials: auth.NewStatic(auth.Credentials{SecretID: e2eID, SecretKey: e2eKey}),
		Exclude: defaults.Excluded, Headers: defaults.HeadersFor,
		RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond,
	})
	snaps := uploader.WaitBatch(t, e, e.Add(root))
	want := map[string]string{".git/": ".git/", ".DS_Store": ".DS_Store", "docs/~$doc.docx": "~$*", "x.tmp": "*.tmp"}
	uploaded := map[string]bool{}
	for _, got := range snaps {
		rel := strings.TrimPrefix(filepath.ToSlash(got.Path), filepath.ToSlash(root)+"/")
		switch got.State {
		case uploader.Done:
			uploaded[got.Key] = true
		case uploader.Skipped:
			if got.Note.Code != uploader.NoteExcluded {
				t.Errorf("%s skipped with note %+v", rel, got.Note)
				continue
			}
			key := strings.TrimSuffix(got.Note.Args["rel"], "/")
			if key == ".git" {
				key = ".git/"
			}
			if p, ok := want[key]; !ok || p != got.Note.Args["pattern"] {
				t.Errorf("%s excluded by %+v, want pattern %q", rel, got.Note.Args, p)
			}
			delete(want, key)
		default:
			t.Errorf("%s: %s %+v", rel, got.State, got.LastErr)
		}
	}
	if len(want) != 0 {
		t.Errorf("not excluded with a note: %v", want)
	}
	if len(uploaded) != 2 || !uploaded["project/keep.txt"] || !uploaded["project/docs/report.docx"] {
		t.Errorf("uploaded %v, want project/keep.txt and project/docs/report.docx", uploaded)
	}
	if n := s.Stats().Count("PutObject"); n != 2 {
		t.Errorf("%d PutObject requests, want 2", n)
	}
	// Dropped on its own, the .tmp file is uploaded.
	got := uploader.WaitBatch(t, e, e.Add(filepath.Join(root, "x.tmp")))[0]
	if got.State != uploader.Done || got.Key != "x.tmp" {
		t.Errorf("x.tmp dropped on its own: %s key %q note %+v", got.State, got.Key, got.Note)
	}
}
