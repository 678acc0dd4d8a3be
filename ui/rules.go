package ui

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/profile"
	"cosdrop/uploader"
)

// The window shows a profile's upload rules (issue 13) read-only: an
// administrator sets them in the profile file they hand out, and staff
// see what their uploads will get. Editing them here would make two
// machines' rules drift apart, which is what rules in the profile avoid.

// snapStateText is a task's state in words; a file a rule left out says
// so, not "already there".
func snapStateText(s uploader.Snapshot) string {
	if s.State == uploader.Skipped && s.Note.Code == uploader.NoteExcluded {
		return T("Excluded by a rule")
	}
	return stateText(s.State)
}

// rulesButton opens the rules of the profile the editor shows (read at
// the click: the editor fills them after building its form).
func rulesButton(e *profileEditor) *widget.Button {
	return widget.NewButtonWithIcon(T("Show the rules…"), theme.InfoIcon(), func() {
		d := dialog.NewCustom(T("Upload rules"), T("Close"), container.NewVScroll(rulesView(e.rules)), e.win)
		d.Resize(fyne.NewSize(560, 480))
		d.Show()
	})
}

// rulesView is a read-only description of r (nil: the defaults).
func rulesView(r *profile.Rules) fyne.CanvasObject {
	form := widget.NewForm()
	add := func(label, value string) {
		v := widget.NewLabel(value)
		v.Wrapping = fyne.TextWrapWord
		form.Append(label, v)
	}
	if r == nil || (r.CacheControl == "" && r.ContentDisposition == "" && r.StorageClass == "" && len(r.Meta) == 0 && len(r.Patterns) == 0) {
		add(T("Headers"), T("None: each file gets the type of its name and no other headers."))
	} else {
		if r.CacheControl != "" {
			add("Cache-Control", r.CacheControl)
		}
		if r.ContentDisposition != "" {
			add(T("Opens as"), dispositionText(r.ContentDisposition))
		}
		if r.StorageClass != "" {
			add(T("Storage class"), strings.ToUpper(r.StorageClass))
		}
		if len(r.Meta) > 0 {
			add(T("Metadata"), metaText(r.Meta))
		}
		for _, p := range r.Patterns {
			add(T("Files {{.Pattern}}", map[string]any{"Pattern": p.Pattern}), patternText(p))
		}
	}
	add(T("Left out of folders"), excludeText(r))
	note := widget.NewLabel(T("Your administrator sets these rules in the profile file. A file you drop on its own is never left out."))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	return container.NewVBox(form, note)
}

// dispositionText words a Content-Disposition rule.
func dispositionText(d string) string {
	if strings.EqualFold(d, "attachment") {
		return T("download (attachment)")
	}
	return T("open in the browser (inline)")
}

// metaText lists x-cos-meta-* headers, one per line, sorted.
func metaText(m map[string]string) string {
	lines := make([]string, 0, len(m))
	for k, v := range m {
		lines = append(lines, "x-cos-meta-"+strings.TrimPrefix(strings.ToLower(k), "x-cos-meta-")+": "+v)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// patternText lists what one pattern rule sets.
func patternText(p profile.PatternRule) string {
	var lines []string
	if p.ContentType != "" {
		lines = append(lines, "Content-Type: "+p.ContentType)
	}
	if p.CacheControl != "" {
		lines = append(lines, "Cache-Control: "+p.CacheControl)
	}
	if p.ContentDisposition != "" {
		lines = append(lines, T("Opens as")+": "+dispositionText(p.ContentDisposition))
	}
	if p.StorageClass != "" {
		lines = append(lines, T("Storage class")+": "+strings.ToUpper(p.StorageClass))
	}
	if len(p.Meta) > 0 {
		lines = append(lines, metaText(p.Meta))
	}
	return strings.Join(lines, "\n")
}

// excludeText says which names a dropped folder leaves out.
func excludeText(r *profile.Rules) string {
	defaults := strings.Join(profile.DefaultExcludes, "  ")
	switch {
	case r == nil || len(r.Exclude) == 0 && !r.NoDefaultExcludes:
		return T("The defaults: {{.List}}", map[string]any{"List": defaults})
	case r.NoDefaultExcludes && len(r.Exclude) == 0:
		return T("Nothing: every file is uploaded.")
	case r.NoDefaultExcludes:
		return T("Only: {{.List}}", map[string]any{"List": strings.Join(r.Exclude, "  ")})
	}
	return T("The defaults: {{.List}}", map[string]any{"List": defaults}) + "\n" +
		T("and: {{.List}}", map[string]any{"List": strings.Join(r.Exclude, "  ")})
}
