package session

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"cosdrop/auth"
)

// FuzzLinkTemplate (issue 14): any template the profile check accepts,
// with any key, renders without panicking; {key} is the key encoded as
// COS expects (it decodes back to the key, keeps '/', and leaves no byte
// a URL would misread: space, '?', '#', '%' unescaped, control
// characters); a template without placeholders renders as itself (the
// empty one means {url}).
func FuzzLinkTemplate(f *testing.F) {
	for _, s := range [][2]string{
		{"{url}", "报告 2026/a+b.txt"},
		{"https://cdn.example.com/{key}", "a b/c?d#e%f.jpg"},
		{"![{filename}]({url})", "photos/IMG 1.png"},
		{"<a href=\"{url}\">{filename}</a> {bucket} {region}", "x"},
		{"{key}{key}", "%2F/%%"},
		{"plain", "k"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, tmpl, key string) {
		if !utf8.ValidString(key) || key == "" {
			return
		}
		p := auth.Profile{Name: "p", Mode: auth.ModePermanent, SecretID: "AKIDexample0001", Bucket: "examplebucket-1250000000",
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
	})
}
