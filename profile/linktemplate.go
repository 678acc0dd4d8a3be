package profile

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"cosdrop/auth"
)

// LinkPlaceholders are the placeholders a profile's link template may
// use: the object key (URL-encoded as COS expects, "/" kept), the file
// name (the key's last segment, encoded the same way), the default link
// (the bucket's public URL and the encoded key), the bucket and region.
var LinkPlaceholders = []string{"{key}", "{filename}", "{url}", "{bucket}", "{region}"}

// maxLinkTemplate bounds a link template: it is one line a person pastes.
const maxLinkTemplate = 1024

// Link template codes (Error.Code).
const (
	CodeLinkPlaceholder auth.Code = "link-placeholder"
	CodeLinkTooLong     auth.Code = "link-too-long"
	CodeLinkControl     auth.Code = "link-control"
	CodeLinkNoObject    auth.Code = "link-no-object"
	CodeLinkScheme      auth.Code = "link-scheme"
)

func init() {
	templates[CodeLinkPlaceholder] = "link template placeholder {{.Value}} is unknown: use {{.Known}}"
	templates[CodeLinkTooLong] = "link template is longer than {{.Max}} bytes"
	templates[CodeLinkControl] = "link template must be one line of valid text (no line breaks or control characters)"
	templates[CodeLinkNoObject] = "link template {{.Value}} names no file: use {key}, {filename} or {url} in it"
	templates[CodeLinkScheme] = "link template {{.Value}} must make http:// or https:// links: start every link in it with {url}, http:// or https://"
}

// checkLinkTemplate checks a profile's link template: one line, known
// placeholders only, and at least one that names the object (a template
// without one would give every file the same link).
func checkLinkTemplate(t string) error {
	if t == "" {
		return nil
	}
	if len(t) > maxLinkTemplate {
		return profileErr("link-template", CodeLinkTooLong, "Max", maxLinkTemplate)
	}
	if !utf8.ValidString(t) || strings.ContainsFunc(t, UnsafeLinkRune) {
		return profileErr("link-template", CodeLinkControl)
	}
	named := false
	for _, ph := range placeholderRE.FindAllString(t, -1) {
		if !contains(LinkPlaceholders, ph) {
			return profileErr("link-template", CodeLinkPlaceholder, "Value", ph, "Known", strings.Join(LinkPlaceholders, " "))
		}
		named = named || ph == "{key}" || ph == "{filename}" || ph == "{url}"
	}
	if !named {
		return profileErr("link-template", CodeLinkNoObject, "Value", quote(t))
	}
	if !httpOnly(t) {
		return profileErr("link-template", CodeLinkScheme, "Value", quote(t))
	}
	return nil
}

// CheckLinkTemplate is checkLinkTemplate for a template given on the
// command line (cosdrop upload --link-template).
func CheckLinkTemplate(t string) error { return checkLinkTemplate(t) }

// UnsafeLinkRune reports the characters a link template (and a rendered
// link) must not hold: C0 and C1 controls (U+009B is a one-character CSI
// on some terminals), DEL, and the bidi marks, embeddings, overrides and
// isolates (U+200E/F, U+202A-202E, U+2066-2069, U+061C), which make a
// link read differently from what it opens.
func UnsafeLinkRune(r rune) bool {
	return r < ' ' || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) ||
		(r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c || r == 0x2028 || r == 0x2029
}

// LinkKind is how a template's placeholders are escaped: a template is
// text a person pastes into one kind of document, and a file name that is
// harmless in a URL can be markup in HTML or Markdown.
type LinkKind int

// Link template kinds.
const (
	// LinkURL: a plain link (or text around one); values are
	// percent-encoded.
	LinkURL LinkKind = iota
	// LinkHTML: the template starts with "<"; values are HTML-escaped.
	LinkHTML
	// LinkMarkdown: the template holds a Markdown link "[...](...)";
	// values are Markdown-escaped, and parentheses in URLs encoded.
	LinkMarkdown
)

// LinkKindOf tells a template's kind from its shape.
func LinkKindOf(t string) LinkKind {
	switch {
	case strings.HasPrefix(strings.TrimSpace(t), "<"):
		return LinkHTML
	case strings.Contains(t, "]("):
		return LinkMarkdown
	}
	return LinkURL
}

// placeholderSample fills a template's placeholders with values of their
// shape, for the scheme check.
var placeholderSample = strings.NewReplacer("{url}", "https://h/k", "{key}", "k", "{filename}", "k", "{bucket}", "b", "{region}", "r")

var (
	// schemeRE finds what a browser or Markdown renderer could take for a
	// URL scheme: a word then ":" then no space ("javascript:x",
	// "data:text/html"); "File: {url}" is prose.
	schemeRE = regexp.MustCompile(`(?i)([a-z][a-z0-9+.\-]*):[^\s]`)
	// linkStartRE finds where HTML attributes and Markdown links put a URL.
	htmlURLRE = regexp.MustCompile(`(?i)\b(?:href|src|action|formaction|srcset|poster|data)\s*=\s*["']?`)
	mdURLRE   = regexp.MustCompile(`\]\(\s*<?`)
)

// httpOnly reports whether every link t makes is http(s): every scheme
// in it is http or https, it holds at least one absolute link ({url} is
// the bucket's http(s) address), and in HTML and Markdown every link
// position starts with {url}, http:// or https:// (never a bare {key},
// which a page would resolve against itself).
func httpOnly(t string) bool {
	// Schemes are read from the template with its placeholders filled, so
	// text glued to one counts: "A{url}" makes "Ahttps://…", an "ahttps:"
	// link (make fuzz found it).
	for _, m := range schemeRE.FindAllStringSubmatch(placeholderSample.Replace(t), -1) {
		if s := strings.ToLower(m[1]); s != "http" && s != "https" {
			return false
		}
	}
	if !strings.Contains(t, "{url}") && !httpStart(strings.ToLower(t), true) {
		return false
	}
	var starts *regexp.Regexp
	switch LinkKindOf(t) {
	case LinkHTML:
		starts = htmlURLRE
	case LinkMarkdown:
		starts = mdURLRE
	default:
		return true
	}
	for _, loc := range starts.FindAllStringIndex(t, -1) {
		if !httpStart(t[loc[1]:], false) {
			return false
		}
	}
	return true
}

// httpStart reports whether s starts with an absolute http(s) link
// (anywhere in s when anywhere is set).
func httpStart(s string, anywhere bool) bool {
	if anywhere {
		return strings.Contains(s, "http://") || strings.Contains(s, "https://")
	}
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "{url}") || strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}
