package profile

import (
	"errors"
	"strings"
	"testing"

	"cosdrop/auth"
)

// Issue 20, finding 7: a link template makes http(s) links only, and
// carries no C1 or bidi control: javascript:, data: and relative links,
// in plain text, Markdown or HTML, are refused, as are U+009B (a
// one-character CSI) and U+202E (right-to-left override).
func TestLinkTemplateOnlyHTTP(t *testing.T) {
	for tmpl, code := range map[string]auth.Code{
		"javascript:alert(1)//{key}":                     CodeLinkScheme,
		"A{url}":                                         CodeLinkScheme, // "Ahttps://…" (make fuzz)
		"JavaScript:alert('{filename}')":                 CodeLinkScheme,
		"data:text/html,{key}":                           CodeLinkScheme,
		"{key}":                                          CodeLinkScheme,
		"ftp://files.example.com/{key}":                  CodeLinkScheme,
		"[{filename}](javascript:{key})":                 CodeLinkScheme,
		"<a href=\"javascript:{url}\">{filename}</a>":    CodeLinkScheme,
		"<a href='jav&#x61;script:{key}'>{filename}</a>": CodeLinkScheme,
		"<img src={key}>":                                CodeLinkScheme,
		"\u009b31m{url}":                                 CodeLinkControl,
		"{url}\u202e":                                    CodeLinkControl,
		"https://cdn.example.com/\u2066{key}":            CodeLinkControl,
		"https://cdn.example.com/\u200f{key}":            CodeLinkControl,
	} {
		p := permProfile()
		p.LinkTemplate = tmpl
		var pe *Error
		err := p.Validate()
		if !errors.As(err, &pe) || pe.Code != code {
			t.Errorf("%q: %v, want code %s", tmpl, err, code)
		}
	}
	for _, ok := range []string{"https://cdn.example.com/{key}", "HTTP://cdn.example.com/{key}", "{url}", "{url}?download=1",
		"![{filename}]({url})", "[{filename}](https://cdn.example.com/{key})", "<a href=\"{url}\">{filename}</a>",
		"<img src='https://cdn.example.com/{key}' alt=\"{filename}\">", "File: {url}"} {
		p := permProfile()
		p.LinkTemplate = ok
		if err := p.Validate(); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	if k := LinkKindOf("<a href=\"{url}\">{filename}</a>"); k != LinkHTML {
		t.Errorf("HTML template: kind %v", k)
	}
	if k := LinkKindOf("![{filename}]({url})"); k != LinkMarkdown {
		t.Errorf("Markdown template: kind %v", k)
	}
	if k := LinkKindOf("https://cdn.example.com/{key}"); k != LinkURL {
		t.Errorf("URL template: kind %v", k)
	}
	if !strings.Contains(profileErr("link-template", CodeLinkScheme, "Value", "x").Error(), "http") {
		t.Error("the scheme refusal does not say http(s)")
	}
}
