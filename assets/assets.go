// Package assets holds the files CosDrop ships inside its binary: the
// application icon and the translation catalogues. It deliberately imports
// nothing from Fyne so that the engine packages and tools can use it too.
package assets

import (
	"embed"
	_ "embed"
)

// Icon is the 512×512 PNG application icon.
//
//go:embed icon.png
var Icon []byte

// Translations holds one JSON catalogue per language under "translations/",
// in the format Fyne's lang package reads (a flat map of message to text).
//
//go:embed translations/*.json
var Translations embed.FS

// TranslationsDir is the directory inside Translations that holds the catalogues.
const TranslationsDir = "translations"
