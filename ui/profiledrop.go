package ui

import (
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cosdrop/session"
)

// open adds files and folders to the queue, but imports profile files
// instead of uploading them: the OS hands CosDrop both kinds, by a drop,
// "Open with" or a double-click on a profile an admin sent. A *.cosdrop
// file is imported; a *.json file is read first, and when its content is
// a profile (an admin's "marketing.json") the user is asked whether to
// import it or upload it, since it went to the bucket unasked (issue 21,
// finding 1). Everything else is uploaded as one drop.
func (w *mainWindow) open(paths []string) {
	var uploads, maybe []string
	for _, p := range paths {
		switch strings.ToLower(filepath.Ext(p)) {
		case profileExt:
			w.importProfileFile(p)
		case ".json":
			maybe = append(maybe, p)
		default:
			uploads = append(uploads, p)
		}
	}
	if len(maybe) == 0 {
		w.add(uploads)
		return
	}
	w.async(func() { // reading files never blocks the window
		var profiles []string
		for _, p := range maybe {
			if session.IsProfileFile(p) {
				profiles = append(profiles, p)
			} else {
				uploads = append(uploads, p)
			}
		}
		fyne.Do(func() {
			w.add(uploads)
			for _, p := range profiles {
				w.askProfileOrUpload(p)
			}
		})
	})
}

// askProfileOrUpload asks what to do with a dropped file whose content is
// a CosDrop profile: import it (the default) or upload it as a file.
func (w *mainWindow) askProfileOrUpload(path string) {
	msg := widget.NewLabel(T("{{.Name}} is a CosDrop profile. Import it, or upload it to the bucket as an ordinary file?",
		map[string]any{"Name": filepath.Base(path)}))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomWithoutButtons(T("A profile file was dropped"), msg, w.win)
	importB := widget.NewButton(T("Import profile…"), func() {
		d.Hide()
		w.importProfileFile(path)
	})
	importB.Importance = widget.HighImportance
	upload := widget.NewButton(T("Upload as a file"), func() {
		d.Hide()
		w.add([]string{path})
	})
	d.SetButtons([]fyne.CanvasObject{upload, importB})
	d.Resize(fyne.NewSize(480, 180))
	w.dialogs.presentDefault(d, importB.OnTapped)
}
