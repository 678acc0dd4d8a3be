package session

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"cosdrop/profile"
)

// FuzzLinkTemplate (issue 14): any template the profile check accepts,
// with any key, renders without panicking; {key} is the key encoded as
// COS expects (it decodes back to the key, keeps '/', and leaves no byte
// a URL would misread: space, '?', '#', '%' unescaped, control
// characters); a template without placeholders renders as itself (the
// empty one means {url}). Issue 20, finding 7: the link holds no control
// or bidi character, makes no scheme but http(s), and the key cannot add
// markup: an HTML template's output has exactly the template's "<" and
// ">", a Markdown one's exactly its unescaped "<", "[", "](" and ")".
func FuzzLinkTemplate(f *testing.F) {
	for _, s := range [][2]string{
		{"{url}", "报告 2026/a+b.txt"},
		{"https://cdn.example.com/{key}", "a b/c?d#e%f.jpg"},
		{"![{filename}]({url})", "photos/IMG 1.png"},
		{"<a href=\"{url}\">{filename}</a> {bucket} {region}", "x"},
		{"{key}{key}", "%2F/%%"},
		{"plain", "k"},
		{"<a href='{url}'>{filename}</a>", "<img src=x onerror=alert(1)>'.png"},
		{"[{filename}]({url})", "a](javascript:x)\u202e\u009b.png"},
		{"https://cdn.example.com/{filename}", "javascript:x"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, tmpl, key string) {
		if !utf8.ValidString(key) || key == "" {
			return
		}
		p := profile.Profile{Name: "p", Mode: profile.ModePermanent, SecretID: "AKIDexample0001", Bucket: "examplebucket-1250000000",
			Region: "ap-guangzhou", LinkTemplate: tmpl}
		if p.Validate() != nil {
			return
		}
		l := NewLinker(p, "", "")
		got, err := l.Link(key)
		if err != nil {
			t.Fatalf("Link(%q) with %q: %v", key, tmpl, err)
		}
		enc := EncodeKey(strings.TrimPrefix(key, "/"))
		if dec, err := url.PathUnescape(enc); err != nil || dec != strings.TrimPrefix(key, "/") {
			t.Fatalf("EncodeKey(%q) = %q decodes to %q, %v", key, enc, dec, err)
		}
		if strings.ContainsAny(enc, " ?#\"<>\\^`{|}") || strings.IndexFunc(enc, func(r rune) bool { return r < 0x20 || r == 0x7f || r > 0x7e }) >= 0 {
			t.Fatalf("EncodeKey(%q) = %q leaves a byte a URL misreads", key, enc)
		}
		if tmpl != "" && !strings.Contains(tmpl, "{") && got != tmpl {
			t.Fatalf("template without placeholders %q rendered as %q", tmpl, got)
		}
		checkLinkSafe(t, tmpl, key, got)
	})
}

// checkLinkSafe holds FuzzLinkTemplate's safety properties for one link.
func checkLinkSafe(t *testing.T, tmpl, key, got string) {
	t.Helper()
	if strings.ContainsFunc(got, profile.UnsafeLinkRune) {
		t.Fatalf("Link(%q) with %q = %q holds a control or bidi character", key, tmpl, got)
	}
	for _, m := range fuzzSchemeRE.FindAllStringSubmatch(got, -1) {
		// Plain links only: in HTML and Markdown a name is text, which
		// the structure checks below keep out of the links.
		if s := strings.ToLower(m[1]); profile.LinkKindOf(tmpl) == profile.LinkURL && s != "http" && s != "https" {
			t.Fatalf("Link(%q) with %q = %q makes a %s: link", key, tmpl, got, s)
		}
	}
	switch profile.LinkKindOf(tmpl) {
	case profile.LinkHTML:
		for _, c := range []string{"<", ">", `"`, "'"} {
			if strings.Count(got, c) != strings.Count(tmpl, c) {
				t.Fatalf("HTML: Link(%q) with %q = %q adds %s", key, tmpl, got, c)
			}
		}
	case profile.LinkMarkdown:
		unescaped := func(s string) string {
			return strings.NewReplacer(`\\`, "", `\<`, "", `\>`, "", `\[`, "", `\]`, "", `\(`, "", `\)`, "").Replace(s)
		}
		g, w := unescaped(got), unescaped(tmpl)
		for _, c := range []string{"<", "[", "](", ")"} {
			if strings.Count(g, c) != strings.Count(w, c) {
				t.Fatalf("Markdown: Link(%q) with %q = %q adds %s", key, tmpl, got, c)
			}
		}
	}
}

// fuzzSchemeRE is what a browser could take for a URL scheme.
var fuzzSchemeRE = regexp.MustCompile(`(?i)([a-z][a-z0-9+.\-]*):[^\s]`)
