package ui

import (
	"path/filepath"

	"fyne.io/fyne/v2"
)

// notify sends OS notifications for what one tick finished: one per batch
// and one for the failures (a single summary when several failed at once,
// so a bad network does not bury the desktop in bubbles).
func (w *mainWindow) notify(u update) {
	for _, b := range u.finished {
		var body string
		if b.Failed == 0 {
			body = T("Files uploaded: {{.Count}}.", map[string]any{"Count": b.Done})
		} else {
			body = T("Files uploaded: {{.Done}}, failed: {{.Failed}}.", map[string]any{"Done": b.Done, "Failed": b.Failed})
		}
		w.app.SendNotification(fyne.NewNotification(T("Uploads finished"), body))
	}
	switch n := len(u.failed); {
	case n == 1:
		s := u.failed[0]
		body := filepath.Base(s.Path)
		if s.LastErr != nil {
			body += ": " + firstSentence(Explain(*s.LastErr))
		}
		w.app.SendNotification(fyne.NewNotification(T("Upload failed"), body))
	case n > 1:
		w.app.SendNotification(fyne.NewNotification(T("Uploads failed"),
			N("{{.Count}} files could not be uploaded. Open CosDrop to see why.", n)))
	}
}
