package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// rowTexts are the lines a wrapped label draws.
func rowTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *canvas.Text:
			if v.Text != "" {
				out = append(out, v.Text)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// Chinese lines broke after "CosDrop": Fyne wraps at spaces, and in a
// Chinese sentence the only one was after the product name, so the first
// line held "CosDrop" alone. Drawn in a 300-pixel label, the sentence now
// fills each line but the last.
func TestChineseWrapsAfterLatinWord(t *testing.T) {
	test.NewTempApp(t)
	setLocale("zh_CN.UTF-8")
	defer setLocale("en_US.UTF-8")
	s := T("CosDrop could not reach the credential server, so it has no credentials to upload with. The server may be down, or this computer cannot connect to it; ask your administrator. COS was not contacted.")
	if !strings.HasPrefix(s, "CosDrop") {
		t.Fatalf("the Chinese catalogue gives %q", s)
	}
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.Resize(fyne.NewSize(300, l.MinSize().Height))
	l.Resize(fyne.NewSize(300, l.MinSize().Height)) // the height the wrapped lines need
	rows := rowTexts(l)
	if len(rows) < 3 {
		t.Fatalf("drawn as %q: not wrapped at 300 px", rows)
	}
	var full float32 // the widest line
	for _, r := range rows {
		full = max(full, fyne.MeasureText(r, theme.TextSize(), fyne.TextStyle{}).Width)
	}
	for _, r := range rows[:len(rows)-1] {
		if w := fyne.MeasureText(r, theme.TextSize(), fyne.TextStyle{}).Width; w < 0.8*full {
			t.Errorf("line %q is %.0f px of a %.0f px widest line: broken early (lines %q)", r, w, full, rows)
		}
	}
	if rows[0] == "CosDrop" {
		t.Errorf("the first line holds the product name alone: %q", rows)
	}
}

// cjkJoin takes out only the spaces between Chinese text and a Latin word.
func TestCJKJoin(t *testing.T) {
	for in, want := range map[string]string{
		"CosDrop 无法连接 COS。":         "CosDrop无法连接COS。",
		"将 {{.Name}} 上传":            "将 {{.Name}} 上传",
		"运行 'cosdrop login' 后重试":    "运行 'cosdrop login' 后重试",
		"仍有 1 个上传":                  "仍有 1 个上传",
		"plain English stays as is": "plain English stays as is",
	} {
		if got := cjkJoin(in); got != want {
			t.Errorf("cjkJoin(%q) = %q, want %q", in, got, want)
		}
	}
}
