package profile

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// A profile's link template is checked in plain words: unknown
// placeholders are named with the known ones, and a template must name
// the file.
func TestLinkTemplateValidation(t *testing.T) {
	for _, ok := range []string{"", "{url}", "https://cdn.example.com/{key}", "![{filename}]({url})",
		"<a href=\"{url}\">{filename}</a>", "https://{bucket}.cos.{region}.myqcloud.com/{key}"} {
		p := permProfile()
		p.LinkTemplate = ok
		if err := p.Validate(); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for tmpl, want := range map[string]string{
		"https://cdn.example.com/{path}": "link template placeholder {path} is unknown: use {key} {filename} {url} {bucket} {region}",
		"{URL}":                          "placeholder {URL} is unknown",
		"https://cdn.example.com/":       "names no file",
		"{bucket}/{region}":              "names no file",
		"{url}\n{url}":                   "one line",
		strings.Repeat("{key}", 300):     "longer than 1024",
	} {
		p := permProfile()
		p.LinkTemplate = tmpl
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", tmpl, err, want)
		}
	}
	p := permProfile()
	p.LinkTemplate = "{nope}"
	var pe *Error
	if !errors.As(p.Validate(), &pe) || pe.Code != CodeLinkPlaceholder || pe.Field != "link-template" {
		t.Fatalf("code: %+v", pe)
	}
	// The template travels in the profile file an admin hands out.
	p.LinkTemplate = "https://cdn.example.com/{key}"
	b, _ := json.Marshal(p)
	if !strings.Contains(string(b), `"link_template":"https://cdn.example.com/{key}"`) {
		t.Errorf("json: %s", b)
	}
}
