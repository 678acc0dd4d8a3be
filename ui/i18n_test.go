package ui

import (
	"path/filepath"
	"testing"
	"time"

	"cosdrop/internal/i18ncheck"
)

// sourceStrings returns every message the window words: the literals
// passed to T and N in the package's non-test files, plus the explanation
// texts (passed to T through a map).
func sourceStrings(t *testing.T) []i18ncheck.Message {
	t.Helper()
	out, err := i18ncheck.Literals(".", i18ncheck.Funcs{"T": {Arg: 0}, "N": {Arg: 0, Plural: true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range explanations {
		out = append(out, i18ncheck.Message{Text: v, Where: "explanations"})
	}
	return out
}

// Every string the window shows is in both catalogues, with the same
// placeholders and, when counted, its plural forms; none is a key
// go-i18n reserves.
func TestEveryStringTranslated(t *testing.T) {
	problems, err := i18ncheck.Check(filepath.Join("..", "assets", "translations"), sourceStrings(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// Counted words agree with their count in English and read naturally in
// Chinese (issue 21, finding 8: "1 uploads are still running").
func TestPlurals(t *testing.T) {
	if got := workText(1, 0); got != "1 upload is still running." {
		t.Errorf("one upload: %q", got)
	}
	if got := workText(2, 0); got != "2 uploads are still running." {
		t.Errorf("two uploads: %q", got)
	}
	if got := N("looking through {{.Count}} folders…", 1); got != "looking through 1 folder…" {
		t.Errorf("one folder: %q", got)
	}
	setLocale("zh_CN.UTF-8")
	defer setLocale("en_US.UTF-8")
	if got := workText(1, 0); got != "仍有 1 个上传在进行。" {
		t.Errorf("one upload in Chinese: %q", got)
	}
}

// The Chinese catalogue is used when the OS language is Chinese.
func TestChineseLocale(t *testing.T) {
	setLocale("zh_CN.UTF-8")
	defer setLocale("en_US.UTF-8")
	if got := T("Pause"); got != "暂停" {
		t.Errorf("T(Pause) = %q in zh_CN", got)
	}
	if got := T("{{.Time}} left", map[string]any{"Time": "3s"}); got != "剩余 3s" {
		t.Errorf("template = %q", got)
	}
}

// Finding 10 (issue #12): no English left in the Chinese window: units of
// time, the size line and the Sandbox's name are translated.
func TestChineseLeavesNoEnglish(t *testing.T) {
	setLocale("zh_CN.UTF-8")
	defer setLocale("en_US.UTF-8")
	for _, c := range []struct{ got, want string }{
		{humanDuration(3*time.Minute + 10*time.Second), "3 分 10 秒"},
		{humanDuration(2*time.Hour + 5*time.Minute), "2 小时 5 分"},
		{humanDuration(8 * time.Second), "8 秒"},
		{profileLabel(SandboxName), "沙盒"},
		{T("{{.Size}} ({{.Bytes}} bytes)", map[string]any{"Size": "16 B", "Bytes": 16}), "16 B（16 字节）"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
