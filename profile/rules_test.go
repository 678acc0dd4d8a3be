package profile

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"cosdrop/auth"
)

func TestRulesDefaultExcludes(t *testing.T) {
	var nilRules *Rules
	for rel, want := range map[string]string{
		".git/config":              ".git/",
		"sub/.git/objects/ab/cd":   ".git/",
		".git/":                    ".git/",
		".DS_Store":                ".DS_Store",
		"a/b/.DS_Store":            ".DS_Store",
		"Thumbs.db":                "Thumbs.db",
		"x/desktop.ini":            "desktop.ini",
		"~$doc.docx":               "~$*",
		"reports/~$budget.xlsx":    "~$*",
		"x.tmp":                    "*.tmp",
		".~lock.report.odt#":       ".~lock.*#",
		"movie.mkv.crdownload":     "*.crdownload",
		"big.iso.part":             "*.part",
		".notes.txt.swp":           "*.swp",
		"photo.jpg":                "",
		"git/readme.md":            "",
		"a.git":                    "",
		"docs/tmp/report.pdf":      "",
		"Thumbs.db.backup/file.db": "",
	} {
		got, ok := nilRules.Excluded(rel)
		if got != want || ok != (want != "") {
			t.Errorf("Excluded(%q) = %q, %v; want %q", rel, got, ok, want)
		}
	}
	// A file named .git (a worktree's pointer) is not the folder pattern's.
	if p, ok := nilRules.Excluded("repo/.git"); ok {
		t.Errorf("the file repo/.git is excluded by %q; .git/ names folders only", p)
	}
}

func TestRulesExcludeExtendOrReplace(t *testing.T) {
	r := &Rules{Exclude: []string{"node_modules/", "raw/**/*.cr2", "*.bak"}}
	for rel, want := range map[string]string{
		"app/node_modules/x/index.js": "node_modules/",
		"raw/2024/a/img.cr2":          "raw/**/*.cr2",
		"other/raw/img.cr2":           "",
		"old.bak":                     "*.bak",
		".DS_Store":                   ".DS_Store", // defaults still apply
	} {
		if got, _ := r.Excluded(rel); got != want {
			t.Errorf("Excluded(%q) = %q, want %q", rel, got, want)
		}
	}
	r.NoDefaultExcludes = true
	if p, ok := r.Excluded(".DS_Store"); ok {
		t.Errorf("no_default_excludes: .DS_Store still excluded by %q", p)
	}
	if p, _ := r.Excluded("old.bak"); p != "*.bak" {
		t.Errorf("no_default_excludes dropped the profile's own pattern: %q", p)
	}
}

func TestRulesHeadersFor(t *testing.T) {
	r := &Rules{
		CacheControl:       "max-age=3600",
		ContentDisposition: "inline",
		StorageClass:       "standard_ia",
		Meta:               map[string]string{"Team": "design", "x-cos-meta-source": "cosdrop"},
		Patterns: []PatternRule{
			{Pattern: "*.md", ContentType: "text/markdown; charset=utf-8"},
			{Pattern: "downloads/**", ContentDisposition: "attachment", CacheControl: "no-cache", Meta: map[string]string{"team": "sales"}},
			{Pattern: "*.iso", StorageClass: "ARCHIVE"},
		},
	}
	h := r.HeadersFor("notes/readme.md")
	want := auth.ObjectHeaders{ContentType: "text/markdown; charset=utf-8", CacheControl: "max-age=3600",
		ContentDisposition: `inline; filename="readme.md"`, StorageClass: "STANDARD_IA",
		Meta: map[string]string{"team": "design", "source": "cosdrop"}}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("HeadersFor(readme.md) = %+v\nwant %+v", h, want)
	}
	h = r.HeadersFor("downloads/sub/报告 1.iso")
	if h.ContentType != "" || h.CacheControl != "no-cache" || h.StorageClass != "ARCHIVE" || h.Meta["team"] != "sales" {
		t.Errorf("HeadersFor(downloads iso) = %+v", h)
	}
	if want := `attachment; filename="__ 1.iso"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%201.iso`; h.ContentDisposition != want {
		t.Errorf("disposition %q, want %q", h.ContentDisposition, want)
	}
	var nilRules *Rules
	if h := nilRules.HeadersFor("a.jpg"); !h.IsZero() {
		t.Errorf("nil rules give headers %+v", h)
	}
	hdr := r.HeadersFor("a.md").Header()
	if hdr.Get("Cache-Control") != "max-age=3600" || hdr.Get("x-cos-storage-class") != "STANDARD_IA" || hdr.Get("X-Cos-Meta-Team") != "design" || hdr.Get("Content-Type") != "" {
		t.Errorf("Header() = %v", hdr)
	}
}

func TestRulesValidate(t *testing.T) {
	base := Profile{Name: "p", Mode: ModePermanent, Bucket: "examplebucket-1250000000", Region: "ap-guangzhou", SecretID: "AKIDexample123"}
	big := strings.Repeat("v", 1100)
	for _, c := range []struct {
		rules Rules
		code  auth.Code
		words string
	}{
		{Rules{StorageClass: "GLACIER"}, CodeRulesStorageClass, `the storage class "GLACIER" is not one COS offers: choose STANDARD, STANDARD_IA, ARCHIVE`},
		{Rules{Patterns: []PatternRule{{Pattern: "*.iso", StorageClass: "COLD"}}}, CodeRulesStorageClass, `"COLD"`},
		{Rules{ContentDisposition: "download"}, CodeRulesDisposition, "choose inline"},
		{Rules{CacheControl: "max-age=1\r\nX-Evil: 1"}, CodeRulesCacheControl, "plain ASCII"},
		{Rules{Meta: map[string]string{"my_field": "x"}}, CodeRulesMetaName, `"my_field" may contain only letters, digits and '-'`},
		{Rules{Meta: map[string]string{"author": "张三"}}, CodeRulesMetaValue, "not plain ASCII"},
		{Rules{Meta: map[string]string{"a": big}, Patterns: []PatternRule{{Pattern: "*", Meta: map[string]string{"b": big}}}}, CodeRulesMetaTooLarge, "COS allows 2048 bytes"},
		{Rules{Patterns: []PatternRule{{Pattern: "[a-", ContentType: "text/plain"}}}, CodeRulesPattern, `"[a-"`},
		{Rules{Patterns: []PatternRule{{Pattern: "*.x", ContentType: "not a type"}}}, CodeRulesContentType, `"not a type"`},
		{Rules{Exclude: []string{""}}, CodeRulesPattern, "not a valid file pattern"},
	} {
		p := base
		r := c.rules
		p.Rules = &r
		err := p.Validate()
		var pe *Error
		if !errors.As(err, &pe) || pe.Code != c.code || pe.Field != "rules" {
			t.Errorf("%+v: err %v, want code %s", c.rules, err, c.code)
			continue
		}
		if !strings.Contains(err.Error(), c.words) {
			t.Errorf("%+v: %q lacks %q", c.rules, err.Error(), c.words)
		}
	}
	p := base
	p.Rules = &Rules{StorageClass: "MAZ_INTELLIGENT_TIERING", ContentDisposition: "Attachment", Meta: map[string]string{"Dept-2": "ok"}}
	if err := p.Validate(); err != nil {
		t.Errorf("valid rules refused: %v", err)
	}
}

// The rules travel in the profile file an administrator hands out.
func TestRulesExportImportRoundTrip(t *testing.T) {
	p := Profile{Name: "team", Mode: ModeSTS, Bucket: "examplebucket-1250000000", Region: "ap-guangzhou",
		CredentialURL: "https://sts.example.com/sts", Rules: &Rules{
			CacheControl: "max-age=600", ContentDisposition: "attachment", StorageClass: "STANDARD_IA",
			Meta:     map[string]string{"dept": "hr"},
			Patterns: []PatternRule{{Pattern: "*.md", ContentType: "text/markdown"}, {Pattern: "big/**", StorageClass: "ARCHIVE"}},
			Exclude:  []string{"*.bak"}, NoDefaultExcludes: true,
		}}
	var buf bytes.Buffer
	if err := ExportProfile(&buf, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"storage_class": "STANDARD_IA"`) {
		t.Errorf("export lacks the rules:\n%s", buf.String())
	}
	got, err := ParseProfileExport(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got.Rules, p.Rules)
	}
	bad := strings.Replace(buf.String(), "STANDARD_IA", "GLACIER", 1)
	if _, err := ParseProfileExport([]byte(bad)); err == nil || !strings.Contains(err.Error(), "GLACIER") {
		t.Errorf("a file with an unknown storage class imported: %v", err)
	}
}
