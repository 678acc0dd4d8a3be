package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"cosdrop/session"
	// Must initialise before Fyne reads the locale; see its package doc.
	_ "cosdrop/ui/internal/localefix"
)

// The window keeps Fyne's lang for its own words: Fyne picks the language
// for its built-in dialogs the same way, and loads the same catalogues
// (assets/translations, every area file). The session layer's words
// (error explanations, notes) are routed through it too, so one window
// never mixes two languages; the CLI uses the session's own go-i18n copy
// of the same files.
func init() {
	if err := addTranslations(); err != nil { // cjkwrap.go
		fyne.LogError("load translations", err)
	}
	session.SetTranslator(T, N)
}

// T translates a user-visible string (English source text as the key) into
// the OS language. data fills {{.Name}} style placeholders.
func T(s string, data ...any) string { return lang.L(s, data...) }

// N translates a counted message: s is the English "other" form (the
// catalogue's key, whose entry holds a form per plural category), so
// English says "1 upload" and "2 uploads". Without data, {{.Count}} is
// count.
func N(s string, count int, data ...any) string {
	if len(data) == 0 {
		data = []any{map[string]any{"Count": count}}
	}
	return lang.N(s, count, data...)
}
