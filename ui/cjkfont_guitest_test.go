//go:build guitest

package ui

import (
	"io"
	"log"
	"path/filepath"
	"testing"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/fontscan"

	"cosdrop/internal/i18ncheck"
)

// Finding 10 (issue #12): with no CJK font on the system, every Chinese
// file name and the whole Chinese UI were boxes. CosDrop relies on the
// system's fonts for CJK (the .deb depends on fonts-wqy-microhei or
// fonts-noto-cjk; Windows and macOS ship CJK fonts), through Fyne's own
// fallback: go-text's fontscan over the system fonts, the machinery this
// test drives. Every character of the Chinese catalogue and of sample
// Chinese file names must resolve to a face that has its glyph.
//
// Run by `make gui-test` (tag guitest), where the font package is
// installed; it fails, naming the package to install, where it is not.
func TestChineseGlyphsCovered(t *testing.T) {
	cat, err := i18ncheck.Catalogue(filepath.Join("..", "assets", "translations", "*.zh_Hans.json"))
	if err != nil {
		t.Fatal(err)
	}
	text := "报告 2024.txt 季度报表（最终版）.xlsx 照片_海边.jpg 沙盒"
	for _, e := range cat {
		for _, v := range e.Forms {
			text += v
		}
	}
	fm := fontscan.NewFontMap(log.New(io.Discard, "", 0))
	if err := fm.UseSystemFonts(t.TempDir()); err != nil {
		t.Fatalf("no system fonts: %v", err)
	}
	fm.SetQuery(fontscan.Query{Families: []string{"sans-serif"}, Aspect: font.Aspect{}})
	missing := map[rune]bool{}
	for _, r := range text {
		if r < 0x2E80 { // Latin, digits, punctuation: Fyne's own font has them
			continue
		}
		f := fm.ResolveFace(r)
		if f == nil {
			missing[r] = true
			continue
		}
		if _, ok := f.NominalGlyph(r); !ok {
			missing[r] = true
		}
	}
	if len(missing) > 0 {
		var s []rune
		for r := range missing {
			s = append(s, r)
		}
		t.Fatalf("%d CJK characters have no font (they would show as boxes): %q. Install fonts-wqy-microhei (or fonts-noto-cjk).", len(s), string(s[:min(20, len(s))]))
	}
}
