package profile

import (
	"errors"
	"testing"
	"time"

	"cosdrop/auth"
)

// TestPasteName: the paste name a profile may set, and how it is filled.
func TestPasteName(t *testing.T) {
	for tmpl, code := range map[string]auth.Code{
		"":                                "",
		"{date}/{time}-screenshot.png":    "",
		"shots/{yyyy}{mm}{dd}-{time}.PNG": "",
		"{date}/{user}.png":               CodePastePlaceholder,
		"{date}/{time}.jpg":               CodePasteNotPNG,
		"/abs/{time}.png":                 CodePastePath,
		"../{time}.png":                   CodePastePath,
		"a/../{time}.png":                 CodePastePath,
		"a//{time}.png":                   CodePastePath,
		`a\{time}.png`:                    CodePastePath,
		"a\n{time}.png":                   CodePastePath,
	} {
		err := checkPasteName(tmpl)
		var pe *Error
		switch {
		case code == "" && err != nil:
			t.Errorf("%q: %v, want accepted", tmpl, err)
		case code != "" && (!errors.As(err, &pe) || pe.Code != code):
			t.Errorf("%q: %v, want %s", tmpl, err, code)
		}
	}
	now := time.Date(2026, 12, 5, 9, 7, 3, 0, time.UTC)
	if got := RenderPasteName("", now); got != "2026-12-05/090703-screenshot.png" {
		t.Errorf("default name %q", got)
	}
	if got := RenderPasteName("s/{yyyy}/{mm}/{dd}-{time}.png", now); got != "s/2026/12/05-090703.png" {
		t.Errorf("rendered %q", got)
	}
}
