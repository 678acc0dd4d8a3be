package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// addFilesDialog lets the user pick a file to upload (Fyne's dialog picks
// one file; dropping onto the window takes many).
func (w *mainWindow) addFilesDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		w.add([]string{path})
	}, w.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// addFolderDialog uploads a whole folder; the engine walks it.
func (w *mainWindow) addFolderDialog() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			dialog.ShowError(err, w.win)
			return
		}
		if u == nil {
			return
		}
		w.add([]string{u.Path()})
	}, w.win)
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}
