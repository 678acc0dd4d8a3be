package ui

import (
	"path"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// A done upload is one of two things to someone who must trust it: COS's
// copy was checked against the file (Verified), or COS said it finished
// but nobody could check (the credentials may not read the object). The
// row's state column and the Details panel say which, in plain words, and
// name the key the file got when it is not the one asked for (the rename
// policy kept both files).

// taskStateText is the state column's words: stateText, except that a
// done task says whether its copy was verified.
func taskStateText(s uploader.Snapshot) string {
	switch {
	case s.State != uploader.Done:
		return snapStateText(s) // "Excluded by a rule" (rules.go)
	case s.Note.Code == uploader.NoteDeleted:
		return T("Deleted from COS") // undone from History: no longer there
	case s.Verified:
		return T("Verified")
	}
	return T("NOT verified")
}

// renamedKey reports whether the task's key differs from the one the user
// asked for (a name conflict, renamed).
func renamedKey(s uploader.Snapshot) bool {
	return s.RequestedKey != "" && s.Key != "" && s.RequestedKey != s.Key
}

// doneDetail is the progress column's words for a done task: the name it
// was saved under when renamed, and a warning when not verified.
func doneDetail(s uploader.Snapshot) string {
	switch {
	case s.State != uploader.Done:
		return ""
	case renamedKey(s) && !s.Verified:
		return T("Saved as {{.Name}}; not checked", map[string]any{"Name": path.Base(s.Key)})
	case renamedKey(s):
		return T("Saved as {{.Name}}", map[string]any{"Name": path.Base(s.Key)})
	case !s.Verified:
		return T("See Details")
	}
	return ""
}

// verifyImportance colours the state column: a warning for a done task
// nobody could check.
func verifyImportance(s uploader.Snapshot) widget.Importance {
	if s.State == uploader.Done && !s.Verified {
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// appendVerification adds the Details panel's lines about a done task:
// whether COS's copy was checked, and the key asked for when the file got
// another one.
func appendVerification(form *widget.Form, s uploader.Snapshot) {
	if s.State == uploader.Done {
		text := T("Verified: COS's copy was checked against your file (CRC64) and they match.")
		if !s.Verified {
			text = T("Done, NOT verified: COS said the upload finished, but CosDrop could not check COS's copy against your file. The Note below says why.")
		}
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		if !s.Verified {
			l.Importance = widget.WarningImportance
		}
		form.Append(T("Verification"), l)
	}
	if renamedKey(s) {
		l := widget.NewLabel(T("{{.Key}} (that name was taken, so the file was saved under the object key above)",
			map[string]any{"Key": s.RequestedKey}))
		l.Wrapping = fyne.TextWrapBreak
		form.Append(T("Asked for"), l)
	}
}
