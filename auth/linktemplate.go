package auth

import (
	"strings"
	"unicode/utf8"
)

// LinkPlaceholders are the placeholders a profile's link template may
// use: the object key (URL-encoded as COS expects, "/" kept), the file
// name (the key's last segment, encoded the same way), the default link
// (the bucket's public URL and the encoded key), the bucket and region.
var LinkPlaceholders = []string{"{key}", "{filename}", "{url}", "{bucket}", "{region}"}

// maxLinkTemplate bounds a link template: it is one line a person pastes.
const maxLinkTemplate = 1024

// Link template codes (ProfileError.Code).
const (
	CodeLinkPlaceholder Code = "link-placeholder"
	CodeLinkTooLong     Code = "link-too-long"
	CodeLinkControl     Code = "link-control"
	CodeLinkNoObject    Code = "link-no-object"
)

func init() {
	templates[CodeLinkPlaceholder] = "link template placeholder {{.Value}} is unknown: use {{.Known}}"
	templates[CodeLinkTooLong] = "link template is longer than {{.Max}} bytes"
	templates[CodeLinkControl] = "link template must be one line of valid text (no line breaks or control characters)"
	templates[CodeLinkNoObject] = "link template {{.Value}} names no file: use {key}, {filename} or {url} in it"
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
	if !utf8.ValidString(t) || strings.ContainsFunc(t, func(r rune) bool { return r < ' ' || r == 0x7f }) {
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
	return nil
}

// CheckLinkTemplate is checkLinkTemplate for a template given on the
// command line (cosdrop upload --link-template).
func CheckLinkTemplate(t string) error { return checkLinkTemplate(t) }
