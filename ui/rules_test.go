package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/auth"
	"cosdrop/profile"
	"cosdrop/uploader"
)

// ruleTexts collects the text of every label and form item under o.
func ruleTexts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.Form:
			for _, it := range x.Items {
				b.WriteString(it.Text + "\n")
				walk(it.Widget)
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

var uiRules = &profile.Rules{
	CacheControl: "max-age=86400", ContentDisposition: "attachment", StorageClass: "STANDARD_IA",
	Meta:     map[string]string{"dept": "hr"},
	Patterns: []profile.PatternRule{{Pattern: "*.md", ContentType: "text/markdown"}},
	Exclude:  []string{"*.bak"},
}

// The rules view shows every rule of the profile, and the defaults when
// it has none.
func TestRulesViewShowsRules(t *testing.T) {
	test.NewTempApp(t)
	got := ruleTexts(rulesView(uiRules))
	for _, want := range []string{"max-age=86400", "download (attachment)", "STANDARD_IA", "x-cos-meta-dept: hr",
		"Files *.md", "Content-Type: text/markdown", ".git/", "*.bak", "never left out"} {
		if !strings.Contains(got, want) {
			t.Errorf("rules view lacks %q:\n%s", want, got)
		}
	}
	got = ruleTexts(rulesView(nil))
	if !strings.Contains(got, "None: each file gets the type of its name") || !strings.Contains(got, "The defaults: .git/") {
		t.Errorf("rules view of a profile without rules:\n%s", got)
	}
}

// Regression: the editor rebuilt the profile from its fields, so saving
// an imported profile (the window opens the editor on it) dropped the
// rules an administrator put in the file.
func TestProfileEditorKeepsRules(t *testing.T) {
	test.NewTempApp(t)
	profiles := profile.NewProfiles(t.TempDir())
	p := profile.Profile{Name: "team", Mode: profile.ModePermanent, Bucket: "photos-1250000000", Region: "ap-shanghai",
		SecretID: "AKIDexample1234567890", Rules: uiRules}
	e := newProfileEditor(profiles, auth.NewSessionStore(), &p)
	test.Type(e.prefix, "x/")
	prof := e.profile()
	if err := e.store(context.Background(), prof, nil); err != nil {
		t.Fatal(err)
	}
	saved, err := profiles.Get("team")
	if err != nil {
		t.Fatal(err)
	}
	if saved.Rules == nil || saved.Rules.StorageClass != "STANDARD_IA" || saved.Rules.Patterns[0].Pattern != "*.md" {
		t.Errorf("saved profile's rules: %+v", saved.Rules)
	}
}

// A row of a file a rule left out says so, not "Skipped (already there)".
func TestExcludedRowSaysExcluded(t *testing.T) {
	test.NewTempApp(t)
	row := newTaskRow(nopActions{})
	row.set(uploader.Snapshot{ID: 1, Path: "/d/.DS_Store", State: uploader.Skipped,
		Note: uploader.Note{Code: uploader.NoteExcluded, Args: map[string]string{"pattern": ".DS_Store", "rel": ".DS_Store"}}})
	if row.status.Text != "Excluded by a rule" {
		t.Errorf("excluded row status %q", row.status.Text)
	}
	row.set(uploader.Snapshot{ID: 2, Path: "/d/a.txt", State: uploader.Skipped, Note: uploader.Note{Code: uploader.NoteSkippedIdentical}})
	if row.status.Text != "Skipped (already there)" {
		t.Errorf("identical row status %q", row.status.Text)
	}
}

// The editor's "Show the rules…" opens a dialog with the rules of the
// profile being edited.
func TestProfileEditorShowsRulesDialog(t *testing.T) {
	a := test.NewTempApp(t)
	p := profile.Profile{Name: "team", Mode: profile.ModePermanent, Bucket: "photos-1250000000", Region: "ap-shanghai",
		SecretID: "AKIDexample1234567890", Rules: uiRules}
	e := newProfileEditor(profile.NewProfiles(t.TempDir()), auth.NewSessionStore(), &p)
	e.win = a.NewWindow("editor")
	e.win.SetContent(e.content)
	e.win.Resize(fyne.NewSize(640, 800))
	var btn *widget.Button
	for _, it := range e.content.(*fyne.Container).Objects[0].(*widget.Form).Items {
		if it.Text == "Upload rules" {
			btn, _ = it.Widget.(*widget.Button)
		}
	}
	if btn == nil {
		t.Fatal("the editor has no Upload rules item")
	}
	test.Tap(btn)
	overlay := e.win.Canvas().Overlays().Top()
	if overlay == nil {
		t.Fatal("no dialog opened")
	}
	if got := ruleTexts(overlay); !strings.Contains(got, "STANDARD_IA") {
		t.Errorf("the dialog does not show the rules:\n%s", got)
	}
}
