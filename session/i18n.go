package session

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/jeandeaual/go-locale"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"cosdrop/assets"
)

// Translator renders a user-visible message (its English source text is
// the key) in the user's language, filling {{.Name}} placeholders from
// data (a map[string]any, at most one).
type Translator func(s string, data ...any) string

// PluralTranslator renders a counted message in the user's language: the
// catalogue's form for count ("one", "other", …, by the language's plural
// rules), its placeholders filled from data or, without data, {{.Count}}.
type PluralTranslator func(s string, count int, data ...any) string

var (
	trMu      sync.RWMutex
	override  Translator       // set by the window: one language per process
	overrideN PluralTranslator // the window's counted form of override

	catalogueOnce sync.Once
	bundle        *i18n.Bundle
	localizer     *i18n.Localizer
	english       *i18n.Localizer // English, for English
)

// SetTranslator makes T and TN use tr and n instead of the session's own
// catalogue. The window passes Fyne's lang.L and lang.N, which read the
// very same files, so the window's own words and the session's
// explanations can never be in two languages; nil restores the session's
// own catalogue. The command line never calls it.
func SetTranslator(tr Translator, n PluralTranslator) {
	trMu.Lock()
	override, overrideN = tr, n
	trMu.Unlock()
}

// T translates s (English source text) through the embedded catalogues
// in assets/translations, the same files and keys the window uses, so a
// text is translated once for both. Unknown strings come back as they
// are, with their placeholders filled.
func T(s string, data ...any) string {
	trMu.RLock()
	o := override
	trMu.RUnlock()
	if o != nil {
		return o(s, data...)
	}
	catalogueOnce.Do(loadCatalogue)
	return localize(localizer, s, data)
}

// English renders s in English whatever the user's language, its
// placeholders filled from data: for what CosDrop writes for everyone to
// read (a receipt in the bucket), not for the user in front of it.
func English(s string, data ...any) string {
	catalogueOnce.Do(loadCatalogue)
	return localize(english, s, data)
}

// localize renders s through l, its placeholders filled from data[0]; s
// itself when l has no such message.
func localize(l *i18n.Localizer, s string, data []any) string {
	var d any
	if len(data) > 0 {
		d = data[0]
	}
	out, err := l.Localize(&i18n.LocalizeConfig{
		DefaultMessage: &i18n.Message{ID: s, Other: s},
		TemplateData:   d,
	})
	if err != nil {
		return s
	}
	return out
}

// TN translates a counted message: s is its English "other" form (the
// catalogue's key), and the catalogue holds the form for each plural
// category, so English says "1 upload" and "2 uploads" while Chinese has
// one form. Without data, {{.Count}} is count.
func TN(s string, count int, data ...any) string {
	if len(data) == 0 {
		data = []any{map[string]any{"Count": count}}
	}
	trMu.RLock()
	o := overrideN
	trMu.RUnlock()
	if o != nil {
		return o(s, count, data...)
	}
	catalogueOnce.Do(loadCatalogue)
	out, err := localizer.Localize(&i18n.LocalizeConfig{
		DefaultMessage: &i18n.Message{ID: s, Other: s},
		PluralCount:    count,
		TemplateData:   data[0],
	})
	if err != nil {
		return s
	}
	return out
}

// loadCatalogue reads every translations/*.json file (named
// [area.]lang.json, as Fyne's lang reads them) and picks the language
// closest to the OS locale, once: the CLI is short-lived.
func loadCatalogue() {
	bundle = i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	tags := []language.Tag{language.English}
	files, _ := assets.Translations.ReadDir(assets.TranslationsDir)
	for _, f := range files {
		b, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + f.Name())
		if err != nil {
			continue
		}
		mf, err := bundle.ParseMessageFileBytes(b, f.Name())
		if err != nil {
			continue
		}
		tags = append(tags, mf.Tag)
	}
	localizer = i18n.NewLocalizer(bundle, matchLanguage(tags, userLocales()))
	english = i18n.NewLocalizer(bundle, "en")
}

// userLocales are the OS's preferred languages. C and POSIX (and their
// .UTF-8 forms, the default in containers) mean English.
func userLocales() []string {
	all, err := locale.GetLocales()
	if err != nil {
		return []string{"en"}
	}
	out := all[:0]
	for _, l := range all {
		if l == "" || l == "C" || l == "POSIX" || strings.HasPrefix(l, "C.") || strings.HasPrefix(l, "POSIX.") {
			continue
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return []string{"en"}
	}
	return out
}

// matchLanguage is the catalogue language closest to the user's list, as
// Fyne's lang chooses it (so the CLI and the window agree).
func matchLanguage(have []language.Tag, want []string) string {
	var tags []language.Tag
	for _, w := range want {
		if t, err := language.Parse(strings.ReplaceAll(w, "_", "-")); err == nil {
			tags = append(tags, t)
		}
	}
	best, _, _ := language.NewMatcher(have).Match(tags...)
	b, s, r := best.Raw()
	out := b.String()
	if r.String() != "ZZ" {
		out += "-" + r.String()
		if s.String() != "Zzzz" {
			out += "-" + s.String()
		}
	}
	return out
}

// reloadForTest re-reads the OS locale (tests change LANG).
func reloadForTest() {
	catalogueOnce = sync.Once{}
}
