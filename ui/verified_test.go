package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/uploader"
)

// overlayTexts is every label's text in the top overlay (a dialog).
func overlayTexts(t *testing.T, w *mainWindow) string {
	t.Helper()
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is open")
	}
	var out []string
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok && l.Visible() {
			out = append(out, l.Text)
		}
	}
	return strings.Join(out, "\n")
}

// The row and Details say whether a done upload was verified against the
// file, and name the key a renamed file was saved under: "Done" alone hid
// an upload COS finished but nobody could check.
func TestRowAndDetailsSayVerifiedOrNot(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/d/ok.jpg", "/d/big_A.bin")
	e.set(1, func(s *uploader.Snapshot) {
		s.State, s.Verified, s.RequestedKey, s.Acked = uploader.Done, true, s.Key, s.Size
	})
	e.set(2, func(s *uploader.Snapshot) {
		s.State, s.Verified, s.Acked = uploader.Done, false, s.Size
		s.RequestedKey, s.Key = "uploads/big_A.bin", "uploads/big_A (3).bin"
		s.Note = uploader.Note{Code: uploader.NoteCompletedUnverified, Args: map[string]string{"upload_id": "U1"}}
	})
	w.tick()

	ok, bad := w.list.queue.rowFor(1), w.list.queue.rowFor(2)
	if ok == nil || bad == nil {
		t.Fatal("rows not shown")
	}
	if ok.status.Text != "Verified" || ok.speed.Text != "" || ok.status.Importance == widget.WarningImportance {
		t.Errorf("verified row: state %q, detail %q, importance %v", ok.status.Text, ok.speed.Text, ok.status.Importance)
	}
	if bad.status.Text != "NOT verified" || bad.status.Importance != widget.WarningImportance {
		t.Errorf("unverified row: state %q, importance %v", bad.status.Text, bad.status.Importance)
	}
	if bad.speed.Text != "Saved as big_A (3).bin; not checked" {
		t.Errorf("unverified renamed row detail %q", bad.speed.Text)
	}

	w.list.details(2)
	got := overlayTexts(t, w)
	for _, want := range []string{"NOT verified", "Done, NOT verified: COS said the upload finished",
		"uploads/big_A.bin (that name was taken", "uploads/big_A (3).bin", "Uploaded but NOT verified"} {
		if !strings.Contains(got, want) {
			t.Errorf("Details of the unverified, renamed task lack %q:\n%s", want, got)
		}
	}
	w.dialogs.closeTop()

	w.list.details(1)
	got = overlayTexts(t, w)
	if !strings.Contains(got, "Verified: COS's copy was checked against your file") || strings.Contains(got, "NOT verified") ||
		strings.Contains(got, "that name was taken") {
		t.Errorf("Details of the verified task:\n%s", got)
	}
}

// The same words in Chinese.
func TestVerifiedWordsInChinese(t *testing.T) {
	setLocale("zh_CN.UTF-8")
	defer setLocale("en_US.UTF-8")
	s := uploader.Snapshot{State: uploader.Done, Key: "a/b (2).txt", RequestedKey: "a/b.txt"}
	if got := taskStateText(s); got != "未验证" {
		t.Errorf("state %q", got)
	}
	if got := doneDetail(s); got != "已存为 b (2).txt；未核对" {
		t.Errorf("detail %q", got)
	}
	s.Verified = true
	if got := taskStateText(s); got != "已验证" {
		t.Errorf("state %q", got)
	}
}
