package ui

import (
	"encoding/json"
	"path"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"cosdrop/assets"
)

// addTranslations loads the catalogues into Fyne's lang, the Chinese ones
// with the spaces around Latin words taken out (cjkJoin). Fyne wraps a
// label only at spaces and breaks by character only where a line has none:
// "CosDrop 无法连接凭证服务器，…" wrapped after "CosDrop", leaving the
// word alone on a line (widget/richtext.go, findSpaceIndex). Without the
// space the line fills and breaks between characters, as Chinese text does.
// The CLI keeps the catalogue's spaces: a terminal breaks by column.
func addTranslations() error {
	files, err := assets.Translations.ReadDir(assets.TranslationsDir)
	if err != nil {
		return err
	}
	var first error
	for _, f := range files {
		name := f.Name()
		data, err := assets.Translations.ReadFile(path.Join(assets.TranslationsDir, name))
		if err == nil && strings.Contains(name, "zh") {
			data, err = joinCJKCatalogue(data)
		}
		if err == nil {
			err = lang.AddTranslations(fyne.NewStaticResource(name, data))
		}
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}

// joinCJKCatalogue applies cjkJoin to every message of a catalogue file
// (a message is a string, or an object of plural forms).
func joinCJKCatalogue(data []byte) ([]byte, error) {
	var msgs map[string]any
	if err := json.Unmarshal(data, &msgs); err != nil {
		return nil, err
	}
	for k, v := range msgs {
		switch m := v.(type) {
		case string:
			msgs[k] = cjkJoin(m)
		case map[string]any:
			for form, s := range m {
				if s, ok := s.(string); ok {
					m[form] = cjkJoin(s)
				}
			}
		}
	}
	return json.Marshal(msgs)
}

// cjkJoin removes each single ASCII space between a Chinese character and
// a Latin letter: "上传到 COS 存储桶" becomes "上传到COS存储桶". A Latin
// word is where such a space sits in Chinese text, and a break there is
// what left "CosDrop" alone on a line. Other spaces stay: between Latin
// words, around numbers and units ("3 分 10 秒", short), quotes and
// {{.Placeholders}} (whose values are filled in later).
func cjkJoin(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if c == ' ' && i > 0 && i+1 < len(r) && (isHan(r[i-1]) && isLatin(r[i+1]) || isLatin(r[i-1]) && isHan(r[i+1])) {
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func isHan(c rune) bool   { return unicode.Is(unicode.Han, c) }
func isLatin(c rune) bool { return c < unicode.MaxASCII && unicode.IsLetter(c) }
