package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"cosdrop/assets"
	// Must initialise before Fyne reads the locale; see its package doc.
	_ "cosdrop/ui/internal/localefix"
)

func init() {
	if err := lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir); err != nil {
		fyne.LogError("load translations", err)
	}
}

// T translates a user-visible string (English source text as the key) into
// the OS language. data fills {{.Name}} style placeholders.
func T(s string, data ...any) string { return lang.L(s, data...) }
