package session

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"cosdrop/internal/i18ncheck"
)

// sessionStrings returns every message the session layer words: the
// literals passed to T and TN in the package's non-test files, plus the
// sentence tables (passed to T through maps).
func sessionStrings(t *testing.T) []i18ncheck.Message {
	t.Helper()
	out, err := i18ncheck.Literals(".", i18ncheck.Funcs{"T": {Arg: 0}, "TN": {Arg: 0, Plural: true}})
	if err != nil {
		t.Fatal(err)
	}
	add := func(where string, texts ...string) {
		for _, v := range texts {
			out = append(out, i18ncheck.Message{Text: v, Where: where})
		}
	}
	for _, v := range explanations {
		add("explanations", v)
	}
	for _, v := range partyWords {
		add("partyWords", v)
	}
	for _, v := range serverWords {
		add("serverWords", v)
	}
	for _, v := range noteWords {
		add("noteWords", v)
	}
	add("stoppedDuringComplete", stoppedDuringComplete)
	add("linkOutsideWords", linkOutsideWords)
	add("stateFolderWords", stateFolderWords)
	for _, v := range keyRuleWords {
		add("keyRuleWords", v)
	}
	return out
}

// Every string the session layer words is in the English and Chinese
// catalogues, with the same placeholders and, when counted, its plural
// forms.
func TestEverySessionStringTranslated(t *testing.T) {
	problems, err := i18ncheck.Check(filepath.Join("..", "assets", "translations"), sessionStrings(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// inLocale sets every locale variable to loc and reloads the catalogue;
// it skips the test on Windows, where LANG chooses nothing: go-locale asks
// Windows for the user's display language, as Fyne does.
func inLocale(t *testing.T, loc string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("LANG chooses the language on Linux and macOS only: on Windows go-locale asks Windows for the user's display language, as Fyne does")
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		t.Setenv(k, loc)
	}
	reloadForTest()
}

// The CLI's own catalogue follows LANG, as the window's does.
func TestChineseCatalogue(t *testing.T) {
	inLocale(t, "zh_CN.UTF-8")
	defer reloadForTest()
	got := Explain(uploaderTaskError("NoSuchBucket"))
	if !strings.Contains(got, "存储桶") {
		t.Errorf("Explain in zh_CN = %q, want Chinese", got)
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		t.Setenv(k, "C.UTF-8")
	}
	reloadForTest()
	if got := Explain(uploaderTaskError("NoSuchBucket")); !strings.Contains(got, "bucket does not exist") {
		t.Errorf("Explain in C.UTF-8 = %q, want English", got)
	}
}
