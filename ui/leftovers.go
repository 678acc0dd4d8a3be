package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"cosdrop/session"
	"cosdrop/uploader"
)

// leftoverEngine is the part of the real engine that lists and ends the
// multipart uploads left open on COS (uploader/leftover.go); the window's
// test engines need not have it.
type leftoverEngine interface {
	Leftovers() ([]uploader.Leftover, error)
	CleanLeftovers(ctx context.Context) (uploader.CleanResult, error)
}

// prefLeftoversSeen holds the upload IDs the user chose not to remove now,
// so the question comes back only for new ones, not at every launch (under
// Tencent's sample STS policy no abort ever succeeds).
const prefLeftoversSeen = "leftovers-seen"

// cleanupTimeout bounds one "Remove them" run.
const cleanupTimeout = 2 * time.Minute

// checkLeftovers asks, once per new leftover, whether to remove the
// uploads a profile's journal lists as left open on COS.
func (w *mainWindow) checkLeftovers(s *openedProfile) {
	le, ok := s.engine.(leftoverEngine)
	if !ok {
		return
	}
	w.async(func() {
		list, err := le.Leftovers()
		if err != nil || len(list) == 0 {
			return
		}
		fyne.Do(func() {
			seen := strings.Split(w.app.Preferences().String(prefLeftoversSeen), ",")
			fresh := slices.ContainsFunc(list, func(l uploader.Leftover) bool { return !slices.Contains(seen, l.UploadID) })
			if fresh && w.sess == s {
				w.askLeftovers(s, le, list)
			}
		})
	})
}

// askLeftovers shows the uploads left open and offers to remove them.
func (w *mainWindow) askLeftovers(s *openedProfile, le leftoverEngine, list []uploader.Leftover) {
	lines := make([]string, 0, 6)
	for i, l := range list {
		if i == 5 {
			lines = append(lines, T("…and {{.Count}} more.", map[string]any{"Count": len(list) - 5}))
			break
		}
		lines = append(lines, "• "+session.LeftoverText(l))
	}
	msg := widget.NewLabel(T("Some uploads CosDrop started are still open on COS, and their parts are billed until they are removed:") +
		"\n\n" + strings.Join(lines, "\n"))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(T("Uploads left open on COS"), T("Remove them"), T("Not now"), msg, func(remove bool) {
		if !remove {
			ids := make([]string, len(list))
			for i, l := range list {
				ids[i] = l.UploadID
			}
			w.app.Preferences().SetString(prefLeftoversSeen, strings.Join(ids, ","))
			return
		}
		w.cleanLeftovers(s, le)
	}, w.win)
	d.Resize(fyne.NewSize(560, 320))
	w.dialogs.present(d)
}

// cleanLeftovers runs the cleanup off the Fyne goroutine and says how it
// went.
func (w *mainWindow) cleanLeftovers(s *openedProfile, le leftoverEngine) {
	w.status.setBusy(T("Removing uploads left open on COS…"))
	w.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		res, err := le.CleanLeftovers(ctx)
		fyne.Do(func() {
			w.status.setBusy("")
			switch {
			case err != nil:
				w.showNotice(errText(err))
			case len(res.Open) > 0:
				w.showNotice(T("Removed {{.Ended}} uploads left open on COS; {{.Open}} could not be removed: {{.Why}}",
					map[string]any{"Ended": res.Ended, "Open": len(res.Open), "Why": session.LeftoverText(res.Open[0])}))
			default:
				w.showInfo(T("Removed {{.Ended}} uploads left open on COS.", map[string]any{"Ended": res.Ended}))
			}
		})
	})
}
