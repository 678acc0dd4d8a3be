package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/session"
	"cosdrop/uploader"
)

// Undo from History: delete an object this machine uploaded, after a
// confirmation, only if COS still holds exactly that object (the engine
// checks the ETag; see uploader.Engine.DeleteUploaded).

// undoer is the engine's undo; the real engine has it, scripted test
// engines may not (then History offers no delete).
type undoer interface {
	DeleteUploaded(ctx context.Context, id uploader.TaskID) error
}

var _ undoer = (*uploader.Engine)(nil)

// historyState is a history row's state: an upload deleted since says so.
func historyState(s uploader.Snapshot) string {
	if s.Note.Code == uploader.NoteDeleted {
		return T("Deleted from COS")
	}
	return taskStateText(s)
}

// canUndo reports whether s is an upload that can be deleted from COS.
func canUndo(s uploader.Snapshot) bool {
	return s.State == uploader.Done && s.ETag != "" && s.Note.Code != uploader.NoteDeleted
}

// offerUndo adds "Delete from COS…" to the details dialog d of a finished
// upload shown over parent (the history window).
func offerUndo(w *mainWindow, d *dialog.CustomDialog, s uploader.Snapshot, parent fyne.Window) {
	e := w.feed.engine()
	if e == nil || !canUndo(s) {
		return
	}
	u, ok := e.(undoer)
	if !ok {
		return
	}
	del := widget.NewButtonWithIcon(T("Delete from COS…"), theme.DeleteIcon(), func() {
		confirmUndo(w, u, s, parent, d.Hide)
	})
	del.Importance = widget.DangerImportance
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(T("Close"), d.Hide), del})
}

// confirmUndo asks before deleting; "Keep it" leaves everything as it is.
// done runs after a deletion (it closes the details dialog).
func confirmUndo(w *mainWindow, u undoer, s uploader.Snapshot, parent fyne.Window, done func()) {
	c := dialog.NewConfirm(T("Delete from COS?"),
		T("Delete {{.Key}} from the bucket? CosDrop first checks that it is still the file this computer uploaded, and leaves it if someone changed it since. A deleted object cannot be brought back.", map[string]any{"Key": s.Key}),
		func(ok bool) {
			if ok {
				runUndo(w, u, s, parent, done)
			}
		}, parent)
	c.SetConfirmText(T("Delete from COS"))
	c.SetDismissText(T("Keep it"))
	c.SetConfirmImportance(widget.DangerImportance)
	c.Show()
}

// runUndo deletes off the Fyne goroutine and says how it went.
func runUndo(w *mainWindow, u undoer, s uploader.Snapshot, parent fyne.Window, done func()) {
	w.status.setBusy(T("Deleting {{.Key}} from COS…", map[string]any{"Key": s.Key}))
	w.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		err := u.DeleteUploaded(ctx, s.ID)
		if err == nil {
			w.feed.poll() // the deletion is in the engine's feed now: take it, so History shows it at once
		}
		fyne.Do(func() {
			w.status.setBusy("")
			if err != nil {
				dialog.ShowInformation(T("Not deleted"), session.UndoText(err), parent)
				return
			}
			if done != nil {
				done()
			}
			w.history.refresh() // the row now reads "Deleted from COS"
			dialog.ShowInformation(T("Deleted"), T("{{.Key}} was deleted from COS. History keeps the record of the upload and of the deletion.", map[string]any{"Key": s.Key}), parent)
		})
	})
}
