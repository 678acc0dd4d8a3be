package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"

	"cosdrop/profile"
)

// TestREADMEPictures renders, through Fyne's software painter, the
// windows README shows for features a real Xvfb run cannot reach on cue:
// a done row's link menu, the share dialog, the upload rules of a profile
// and the close question of background mode. With COSDROP_SHOTS=DIR it
// writes them there (`make screenshots` does); without, it checks each
// renders.
func TestREADMEPictures(t *testing.T) {
	w := newTestWindow(t, sandboxSession(t))
	w.win.Resize(fyne.NewSize(1000, 560))
	p := writeFile(t, t.TempDir(), "quarterly report.pdf", 3000)
	w.add([]string{p})
	s := doneRows(t, w, 1)[0]
	// The share view signs off the Fyne goroutine; under the test driver
	// fyne.Do runs where it is called, so run that work here.
	w.async = func(f func()) { f() }
	shotOf := func(name string, c fyne.Canvas) {
		t.Helper()
		img := c.Capture()
		if img == nil || img.Bounds().Dx() < 500 {
			t.Fatalf("%s: nothing rendered", name)
		}
		dir := os.Getenv("COSDROP_SHOTS")
		if dir == "" {
			return
		}
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	}
	shot := func(name string) { t.Helper(); shotOf(name, w.win.Canvas()) }
	closeTop := func() {
		for top := w.win.Canvas().Overlays().Top(); top != nil; top = w.win.Canvas().Overlays().Top() {
			w.win.Canvas().Overlays().Remove(top)
		}
	}
	w.links.rowMenu(s.ID, fyne.NewPos(420, 130))
	shot("en-links.png")
	closeTop()
	w.links.showShare(s)
	shot("en-share.png")
	closeTop()
	rules := &profile.Rules{CacheControl: "max-age=86400", ContentDisposition: "inline", StorageClass: "STANDARD",
		Meta: map[string]string{"department": "marketing"}, Exclude: []string{"node_modules/", "*.bak"},
		Patterns: []profile.PatternRule{{Pattern: "*.md", ContentType: "text/markdown; charset=utf-8"},
			{Pattern: "downloads/**", ContentDisposition: "attachment", CacheControl: "no-cache"},
			{Pattern: "raw/**/*.tif", StorageClass: "ARCHIVE"}}}
	d := dialog.NewCustom(T("Upload rules"), T("Close"), container.NewVScroll(rulesView(rules)), w.win)
	d.Resize(fyne.NewSize(620, 500))
	d.Show()
	shot("en-rules.png")
	closeTop()
	w.bg.askBackground(3, 2)
	shot("en-background.png")
	closeTop()
	receiptsPicture(t, w, shotOf)
}

// receiptsPicture shows the Receipts window over two machines' drops (one
// with a failure), a foreign and a damaged object, and one receipt
// opened and checked after a file was changed behind CosDrop's back.
func receiptsPicture(t *testing.T, w *mainWindow, shotOf func(string, fyne.Canvas)) {
	_, src, _, put := seededReceipts(t)
	v := openReceiptsView(w, src, uiReceipts, "Support", receiptsPage)
	defer v.win.Close()
	v.win.Resize(fyne.NewSize(900, 380))
	shotOf("en-receipts.png", v.win.Canvas())
	if err := put("uploads/alice/two.txt", []byte("SECOND FILE, LONGER")); err != nil {
		t.Fatal(err)
	}
	for _, it := range v.items {
		if it.Receipt != nil && it.Receipt.ID == "a1" {
			d := openReceiptDetail(v, it)
			defer d.win.Close()
			d.win.Resize(fyne.NewSize(900, 340))
			d.runCheck()
			shotOf("en-receipt-check.png", d.win.Canvas())
		}
	}
}
