package profile

import (
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"cosdrop/auth"
)

// DefaultPasteName is the name a pasted image gets under the profile's
// prefix when the profile sets none: a folder a day, then the time.
const DefaultPasteName = "{date}/{time}-screenshot.png"

// PastePlaceholders are the placeholders a paste name may use: the local
// date (2006-01-02), year, month, day, and the time (150405).
var PastePlaceholders = []string{"{date}", "{yyyy}", "{mm}", "{dd}", "{time}"}

// Paste name codes (ProfileError.Code).
const (
	CodePastePlaceholder auth.Code = "paste-placeholder"
	CodePastePath        auth.Code = "paste-path"
	CodePasteNotPNG      auth.Code = "paste-not-png"
)

func init() {
	templates[CodePastePlaceholder] = "paste name placeholder {{.Value}} is unknown: use {{.Known}}"
	templates[CodePastePath] = "paste name {{.Value}} must be a relative name such as {date}/{time}-screenshot.png: no leading /, no .. and no empty folder names"
	templates[CodePasteNotPNG] = "paste name {{.Value}} must end in .png: pasted images are uploaded as PNG"
}

// checkPasteName checks a profile's paste name (empty means the default).
func checkPasteName(t string) error {
	if t == "" {
		return nil
	}
	for _, ph := range placeholderRE.FindAllString(t, -1) {
		if !contains(PastePlaceholders, ph) {
			return profileErr("paste-name", CodePastePlaceholder, "Value", ph, "Known", strings.Join(PastePlaceholders, " "))
		}
	}
	if !strings.HasSuffix(strings.ToLower(t), ".png") {
		return profileErr("paste-name", CodePasteNotPNG, "Value", quote(t))
	}
	if !utf8.ValidString(t) || strings.ContainsFunc(t, UnsafeLinkRune) || strings.Contains(t, `\`) ||
		strings.HasPrefix(t, "/") || path.Clean(t) != t || strings.HasPrefix(t, "../") {
		return profileErr("paste-name", CodePastePath, "Value", quote(t))
	}
	return nil
}

// RenderPasteName fills a paste name (checked by Validate; "" is
// DefaultPasteName) for an image pasted at now, in now's time zone (the
// user's clock, as they would name the file themselves).
func RenderPasteName(t string, now time.Time) string {
	if t == "" {
		t = DefaultPasteName
	}
	return strings.NewReplacer(
		"{date}", now.Format("2006-01-02"),
		"{yyyy}", now.Format("2006"),
		"{mm}", now.Format("01"),
		"{dd}", now.Format("02"),
		"{time}", now.Format("150405"),
	).Replace(t)
}
