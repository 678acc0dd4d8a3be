package profile

import (
	"context"
	"encoding/json"
	"errors"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cosdrop/assets"
	"cosdrop/auth"
)

func authCatalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := assets.Translations.ReadFile(path.Join(assets.TranslationsDir, "auth."+lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("auth.%s.json: %v", lang, err)
	}
	return m
}

var templateVarRE = regexp.MustCompile(`\{\{\.[A-Za-z]+\}\}`)

// Every code auth and profile can show has an English and a Chinese text, with the
// same placeholders, so the GUI and the CLI never show a bare code or an
// untranslated sentence.
func TestEveryCodeTranslated(t *testing.T) {
	en, zh := authCatalogue(t, "en"), authCatalogue(t, "zh_Hans")
	codes := auth.Codes()
	if len(codes) < 40 {
		t.Fatalf("only %d codes; the probe codes are missing?", len(codes))
	}
	for _, c := range codes {
		tmpl := c.Template()
		if en[tmpl] == "" {
			t.Errorf("%s: auth.en.json lacks %q", c, tmpl)
		}
		z := zh[tmpl]
		if z == "" || z == tmpl && strings.ContainsFunc(tmpl, func(r rune) bool { return r >= 'a' && r <= 'z' }) {
			t.Errorf("%s: auth.zh_Hans.json lacks a translation of %q", c, tmpl)
			continue
		}
		want, got := templateVarRE.FindAllString(tmpl, -1), templateVarRE.FindAllString(z, -1)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("%s: Chinese placeholders %v, want %v", c, got, want)
		}
	}
}

// fakeTr stands in for ui.T: it marks the template so a test can see that
// the translation went through it, and fills the placeholders.
func fakeTr(tmpl string, params map[string]any) string {
	return "«" + auth.Message{Code: auth.Code(tmpl), Params: params}.String() + "»"
}

// Every validation error is a *Error naming its field and code;
// Error stays the English sentence, Localize goes through the translator,
// field name included.
func TestErrorCodes(t *testing.T) {
	mod := func(p Profile, f func(*Profile)) Profile { f(&p); return p }
	cases := []struct {
		p     Profile
		field string
		code  auth.Code
	}{
		{mod(permProfile(), func(p *Profile) { p.Name = "" }), "name", CodeNameMissing},
		{mod(permProfile(), func(p *Profile) { p.Name = "a\x01" }), "name", CodeNameControl},
		{mod(permProfile(), func(p *Profile) { p.Mode = "magic" }), "mode", CodeModeUnknown},
		{mod(permProfile(), func(p *Profile) { p.Bucket = "examplebucket" }), "bucket", CodeBucketInvalid},
		{mod(permProfile(), func(p *Profile) { p.Endpoint = "http://cos.example.com" }), "endpoint", CodeURLPlainHTTP},
		{mod(permProfile(), func(p *Profile) { p.Prefix = "{user}/" }), "prefix", CodePrefixPlaceholder},
		{mod(permProfile(), func(p *Profile) { p.SecretID = "" }), "secret-id", CodeSecretIDMissing},
		{mod(stsProfile(), func(p *Profile) { p.CredentialURL = "https://u:pw@sts.example.com/" }), "credential-url", CodeURLUserinfo},
	}
	for _, c := range cases {
		var pe *Error
		err := c.p.Validate()
		if !errors.As(err, &pe) {
			t.Errorf("%+v: %v is not a *Error", c.p, err)
			continue
		}
		if pe.Field != c.field || pe.Code != c.code {
			t.Errorf("%v: field %q code %q, want %q %q", err, pe.Field, pe.Code, c.field, c.code)
		}
		if strings.Contains(err.Error(), "{{") {
			t.Errorf("%s: Error() left a placeholder: %q", c.code, err)
		}
	}
	err := mod(permProfile(), func(p *Profile) { p.Endpoint = "ftp://x" }).Validate()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatal(err)
	}
	if got, want := pe.Localize(fakeTr), `««endpoint» "ftp://x" is not an http(s) URL»`; got != want {
		t.Errorf("Localize = %q, want %q", got, want)
	}
	if got, want := err.Error(), `endpoint "ftp://x" is not an http(s) URL`; got != want {
		t.Errorf("Error = %q, want %q", got, want)
	}
	if strings.Contains(mod(stsProfile(), func(p *Profile) { p.CredentialURL = "https://u:pw@sts.example.com/" }).Validate().Error(), "pw") {
		t.Error("the URL's password is quoted back in the message")
	}
}

// Import errors carry codes too and still match their sentinels.
func TestImportErrorCodes(t *testing.T) {
	_, err := ParseProfileExport([]byte(`{"format":"cosdrop-profile","version":1,"profile":{"name":"x","secret_key":"k"}}`))
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != CodeImportSecret || !errors.Is(err, ErrSecretInProfile) {
		t.Fatalf("secret in file: %v (code %v)", err, pe)
	}
	_, err = ParseProfileExport([]byte(`{"format":"cosdrop-profile","version":7,"profile":{}}`))
	if !errors.As(err, &pe) || pe.Code != CodeImportVersion || pe.Params["Version"] != 7 {
		t.Fatalf("future version: %v", err)
	}
}

// A probe that cannot even build the bucket URL translates the profile
// problem.
func TestProbeBadBucket(t *testing.T) {
	// A probe that cannot even build the bucket URL translates the profile problem.
	rep := Probe(context.Background(), Profile{Name: "x", Mode: ModePermanent, Bucket: "bad", Region: "ap-guangzhou"},
		auth.NewStatic(auth.Credentials{SecretID: "id", SecretKey: "k"}), nil, nil)
	if len(rep.Results) != 1 || !strings.Contains(rep.Results[0].Localize(fakeTr), `«bucket "bad" is not of the form`) {
		t.Errorf("bad bucket probe: %+v", rep.Results)
	}
}
