package cli

import (
	"path/filepath"
	"testing"

	"cosdrop/internal/i18ncheck"
)

// Every string the command line prints through tr (and trN, counted), and
// every command summary (translated when usage is printed), is in the
// English and Chinese catalogues with the same placeholders.
func TestEveryCLIStringTranslated(t *testing.T) {
	msgs, err := i18ncheck.Literals(".", i18ncheck.Funcs{"tr": {Arg: 0}, "trN": {Arg: 0, Plural: true}, "trChoices": {Arg: 0}, "register": {Arg: 1}, "notYet": {Arg: 1}, "trWith": {Arg: 0}})
	if err != nil {
		t.Fatal(err)
	}
	problems, err := i18ncheck.Check(filepath.Join("..", "assets", "translations"), msgs)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
