package session

import (
	"strings"
	"testing"

	"cosdrop/profile"
)

// Issue 20, finding 7: {filename} is escaped for the kind of template it
// lands in, so a file named "<img src=x onerror=alert(1)>.png" cannot
// become live HTML through README's own HTML template, nor break out of
// Markdown; C1 and bidi controls in a key never reach the link text.
func TestLinkEscapedPerTemplateKind(t *testing.T) {
	const evil = `up/<img src=x onerror=alert(1)>.png`
	l := Linker{BucketURL: "https://b-1250000000.cos.ap-guangzhou.myqcloud.com", Bucket: "b-1250000000", Region: "ap-guangzhou"}

	l.Template = `<a href="{url}">{filename}</a>`
	got, _ := l.Link(evil)
	if strings.Contains(got, "<img") || strings.Count(got, "<") != 2 {
		t.Errorf("HTML: %q carries markup from the file name", got)
	}
	l.Template = `<a href='{url}'>{filename}</a>`
	got, _ = l.Link(`it's.png`)
	if strings.Count(got, "'") != 2 {
		t.Errorf("HTML with single quotes: %q lets the key close the attribute", got)
	}

	l.Template = `![{filename}]({url})`
	got, _ = l.Link(`a](javascript:x)<b>(.png`)
	bare := strings.NewReplacer(`\\`, "", `\]`, "", `\(`, "", `\)`, "", `\<`, "", `\>`, "").Replace(got) // the syntax left
	if strings.Contains(bare, "javascript") && strings.Contains(got, "](javascript") || strings.ContainsAny(bare, "<>") ||
		strings.Count(bare, "](") != 1 || strings.Count(bare, ")") != 1 {
		t.Errorf("Markdown: %q lets the file name end the link or add markup", got)
	}

	l.Template = `https://cdn.example.com/{filename}`
	got, _ = l.Link(`a b?c#d.png`)
	if got != "https://cdn.example.com/a%20b%3Fc%23d.png" {
		t.Errorf("URL template: {filename} gave %q, want it encoded", got)
	}

	for _, tmpl := range []string{`<a href="{url}">{filename}</a>`, `![{filename}]({url})`, `{url}`, `{filename}: {url}`} {
		l.Template = tmpl
		got, _ := l.Link("x/\u202egnp.exe\u009b31m\u2066.png")
		if strings.ContainsFunc(got, func(r rune) bool { return r < 0x20 || r == 0x7f || unsafeRune(r) }) {
			t.Errorf("%s: %q carries a control or bidi character", tmpl, got)
		}
	}
	_ = profile.LinkPlaceholders
}
