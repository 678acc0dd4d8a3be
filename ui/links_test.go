package ui

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/profile"
	"cosdrop/uploader"
)

// doneRows waits until the window shows n rows, all done and verified.
func doneRows(t *testing.T, w *mainWindow, n int) []uploader.Snapshot {
	t.Helper()
	var out []uploader.Snapshot
	waitFor(t, w, "verified rows", func() bool {
		out = out[:0]
		if len(w.list.queue.view) != n {
			return false
		}
		for _, id := range w.list.queue.view {
			s, _ := w.model.get(id)
			if s.State != uploader.Done || !s.Verified {
				return false
			}
			out = append(out, s)
		}
		return true
	})
	return out
}

func clip(w *mainWindow) string { return w.app.Clipboard().Content() }

// "Copy link" on a verified done row copies the profile's link for the
// object, its key encoded as COS expects (Chinese, space, "+").
func TestCopyLinkOnVerifiedRow(t *testing.T) {
	w := newTestWindow(t, sandboxSession(t))
	p := writeFile(t, t.TempDir(), "报告 a+b.txt", 1000)
	w.add([]string{p})
	s := doneRows(t, w, 1)[0]
	row := w.list.queue.rowFor(s.ID)
	if row == nil || !row.linkB.Visible() {
		t.Fatal("no Copy link button on a verified done row")
	}
	test.Tap(row.linkB)
	want := w.sess.s.BucketURL + "/%E6%8A%A5%E5%91%8A%20a%2Bb.txt"
	if got := clip(w); got != want {
		t.Errorf("clipboard %q, want %q", got, want)
	}
	if !strings.Contains(w.status.busy.Text, "Link copied") {
		t.Errorf("status %q", w.status.busy.Text)
	}
	// A right click opens the row's menu.
	test.TapSecondary(row)
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no context menu")
	}
	w.win.Canvas().Overlays().Remove(top)
	// The details panel shows the same link, and a Share button.
	texts := map[string]bool{}
	collectTexts(detailsContent(w, s), texts)
	if !texts[want] || !texts["Share link…"] {
		t.Errorf("details panel lacks the link or Share: %v", texts)
	}
}

// collectTexts gathers the texts of labels and buttons under o.
func collectTexts(o fyne.CanvasObject, into map[string]bool) {
	switch x := o.(type) {
	case *widget.Label:
		into[x.Text] = true
	case *widget.Button:
		into[x.Text] = true
	case *widget.Form:
		for _, it := range x.Items {
			collectTexts(it.Widget, into)
		}
	case *container.Scroll:
		collectTexts(x.Content, into)
	case *fyne.Container:
		for _, c := range x.Objects {
			collectTexts(c, into)
		}
	}
}

// With "Copy links automatically when a drop finishes" on, a finished
// drop's links land on the clipboard, one per line; "Copy links" copies
// those of every row shown.
func TestCopyLinksOfDropAutomatically(t *testing.T) {
	w := newTestWindow(t, sandboxSession(t))
	w.app.Preferences().SetBool(prefAutoCopyLinks, true)
	w.tick() // the session's first poll (its backlog) announces nothing
	dir := t.TempDir()
	w.open([]string{writeFile(t, dir, "a.jpg", 100), writeFile(t, dir, "b c.jpg", 200), writeFile(t, dir, "d.jpg", 300)})
	snaps := doneRows(t, w, 3)
	waitFor(t, w, "the links on the clipboard", func() bool { return strings.Count(clip(w), "\n") == 2 })
	lines := strings.Split(clip(w), "\n")
	for i, s := range snaps {
		if want, _ := w.links.linkOf(s); lines[i] != want || want == "" {
			t.Errorf("line %d: %q, want %q", i, lines[i], want)
		}
	}
	if !strings.HasSuffix(lines[1], "/b%20c.jpg") {
		t.Errorf("b c.jpg: %q", lines[1])
	}
	w.app.Clipboard().SetContent("")
	w.links.copyShownLinks()
	if got := clip(w); got != strings.Join(lines, "\n") {
		t.Errorf("Copy links: %q", got)
	}
	w.app.Clipboard().SetContent("")
	w.links.copyLinks(w.links.batchSnaps(snaps[0].Batch))
	if got := clip(w); got != strings.Join(lines, "\n") {
		t.Errorf("Copy links of this drop: %q", got)
	}
}

// A task done but NOT verified gets no link: no button, nothing copied,
// and the reason in words.
func TestUnverifiedRowGetsNoLink(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/tmp/big.bin")
	e.set(1, func(s *uploader.Snapshot) {
		s.State, s.Acked, s.Verified = uploader.Done, s.Size, false
		s.Note = uploader.Note{Code: uploader.NoteCompletedUnverified}
	})
	w.tick()
	w.tick()
	row := w.list.queue.rowFor(1)
	if row == nil || row.linkB.Visible() {
		t.Fatal("an unverified row offers Copy link")
	}
	w.app.Clipboard().SetContent("before")
	w.links.copyLink(1)
	if clip(w) != "before" {
		t.Errorf("clipboard %q", clip(w))
	}
	if !w.notice.visible() || !strings.Contains(w.notice.text.Text, "could not be checked") {
		t.Errorf("notice %q", w.notice.text.Text)
	}
	w.links.copyShownLinks()
	if clip(w) != "before" {
		t.Errorf("Copy links copied %q", clip(w))
	}
	// Verified now: the button appears.
	e.set(1, func(s *uploader.Snapshot) { s.Verified, s.Note = true, uploader.Note{} })
	w.tick()
	if !row.linkB.Visible() {
		t.Error("the verified row has no Copy link")
	}
}

// Issue 13 item 5: an STS profile offers share links (before, only
// permanent keys did), capped at its temporary key's expiry, which the
// dialog shows; the copied link opens the object.
func TestShareDialogSTSProfile(t *testing.T) {
	srv := localcostest.Start(t, localcos.Config{SecretID: "AKIDuisharetest00001", SecretKey: "uiShareTestSecretKey0123456789ab", STSLifetime: 15 * time.Minute,
		STSActions: append(append([]string(nil), localcos.BroadActions...), "name/cos:GetObject")})
	w := newTestWindow(t, nil)
	w.async = func(f func()) { f() }
	p := profile.Profile{Name: "team", Endpoint: srv.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModeSTS, CredentialURL: srv.STSURL() + "/sts"}
	if err := w.opener.profiles.Put(p); err != nil {
		t.Fatal(err)
	}
	w.switchTo(p.Name)
	if w.sess == nil || w.sess.name != p.Name {
		t.Fatalf("profile not opened: %q", w.notice.text.Text)
	}
	t.Cleanup(func() { _ = w.sess.close() })
	file := filepath.Join(t.TempDir(), "季度 report.txt")
	if err := os.WriteFile(file, []byte("quarterly"), 0o600); err != nil {
		t.Fatal(err)
	}
	w.add([]string{file})
	s := doneRows(t, w, 1)[0]
	v := newShareView(w, s)
	if !strings.Contains(v.limit.Text, "temporary key expires") {
		t.Errorf("cap shown: %q", v.limit.Text)
	}
	v.expiry.SetSelected("24 hours")
	test.Tap(v.copyB)
	if !strings.Contains(v.result.Text, "when this profile's temporary key expires") {
		t.Fatalf("result %q", v.result.Text)
	}
	link := clip(w)
	if !strings.Contains(link, "x-cos-security-token=") || !strings.Contains(link, "q-signature=") {
		t.Fatalf("clipboard %q", link)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "quarterly" {
		t.Errorf("GET share link = %d %q", resp.StatusCode, body)
	}
}

// The profile editor shows and checks the link template, and saving keeps
// what the form does not show (an admin's proxy and link template were
// dropped by a save before: the form rebuilt the profile from its fields).
func TestProfileEditorKeepsLinkTemplate(t *testing.T) {
	test.NewTempApp(t)
	p := profile.Profile{Name: "cdn", Bucket: "photos-1250000000", Region: "ap-shanghai", Mode: profile.ModeSTS,
		CredentialURL: "https://sts.example.com/sts", Proxy: "http://proxy.example.com:3128",
		LinkTemplate: "https://cdn.example.com/{key}"}
	e := newProfileEditor(profile.NewProfiles(t.TempDir()), auth.NewSessionStore(), &p)
	if e.linkTemplate.Text != p.LinkTemplate {
		t.Fatalf("link template field %q", e.linkTemplate.Text)
	}
	test.Type(e.prefix, "up/")
	got := e.profile()
	if got.Proxy != p.Proxy || got.LinkTemplate != p.LinkTemplate || got.Prefix != "up/" {
		t.Errorf("saved profile %+v", got)
	}
	e.linkTemplate.SetText("https://cdn.example.com/{path}")
	if err := e.validate(); err == nil || !strings.Contains(e.problem.Text, "{path} is unknown") {
		t.Errorf("bad template: %v, problem %q", err, e.problem.Text)
	}
}

// Issue 21, findings 2 and 3: only a verified upload still on COS offers
// a link. An excluded entry (its "link" was the bucket's root) and an
// object deleted by Undo (its share link answered 404) offer none: no
// button, disabled menu items, nothing copied for the drop, and the row
// says the object was deleted.
func TestNoLinkForExcludedOrDeletedRows(t *testing.T) {
	e := newScriptEngine()
	w := newTestWindow(t, scriptSession(e))
	e.Add("/tmp/kept.jpg", "/tmp/.DS_Store", "/tmp/undone.jpg")
	e.set(1, func(s *uploader.Snapshot) {
		s.State, s.Acked, s.Verified, s.Key = uploader.Done, s.Size, true, "kept.jpg"
	})
	e.set(2, func(s *uploader.Snapshot) {
		s.State, s.Key, s.Note = uploader.Skipped, "", uploader.Note{Code: uploader.NoteExcluded}
	})
	e.set(3, func(s *uploader.Snapshot) {
		s.State, s.Acked, s.Verified, s.Key = uploader.Done, s.Size, true, "undone.jpg"
		s.Note = uploader.Note{Code: uploader.NoteDeleted}
	})
	w.tick()
	w.tick()
	for _, id := range []uploader.TaskID{2, 3} {
		row := w.list.queue.rowFor(id)
		if row == nil || row.linkB.Visible() {
			t.Fatalf("row %d offers Copy link", id)
		}
		s, _ := w.model.get(id)
		if link, why := w.links.linkOf(s); link != "" || why == "" {
			t.Errorf("row %d: link %q, reason %q", id, link, why)
		}
	}
	if s, _ := w.model.get(3); taskStateText(s) != "Deleted from COS" {
		t.Errorf("deleted row says %q", taskStateText(s))
	}
	w.links.copyLinks(w.links.batchSnaps(1))
	lines := strings.Split(clip(w), "\n")
	if len(lines) != 1 || !strings.HasSuffix(lines[0], "/kept.jpg") {
		t.Errorf("links of the drop: %q", lines)
	}
	if strings.Contains(w.status.busy.Text, "no link") {
		t.Errorf("status counts entries that were never uploads: %q", w.status.busy.Text)
	}
}

// Issue 21, finding 2: on a private bucket (COS's default) a plain link
// answers AccessDenied in a browser. Copy link says so and opens the share
// dialog instead; a profile whose files are public copies the plain link.
func TestCopyLinkOnPrivateBucketOffersShare(t *testing.T) {
	e := newScriptEngine()
	sess := scriptSession(e)
	sess.sandbox, sess.name = false, "Private"
	w := newTestWindow(t, sess)
	w.async = func(f func()) { f() } // the share view's signing, on the test goroutine
	e.Add("/tmp/photo.jpg")
	e.set(1, func(s *uploader.Snapshot) {
		s.State, s.Acked, s.Verified, s.Key = uploader.Done, s.Size, true, "photo.jpg"
	})
	w.tick()
	w.app.Clipboard().SetContent("before")
	w.links.copyLink(1)
	if clip(w) != "before" {
		t.Errorf("a private bucket's plain link was copied: %q", clip(w))
	}
	if !w.notice.visible() || !strings.Contains(w.notice.text.Text, "private") {
		t.Errorf("notice %q", w.notice.text.Text)
	}
	if !topDialogOpen(w) {
		t.Error("no share dialog")
	}
	w.dialogs.closeTop()
	sess.profile.PublicRead = true
	w.links.copyLink(1)
	if !strings.HasSuffix(clip(w), "/photo.jpg") {
		t.Errorf("public bucket: clipboard %q", clip(w))
	}
}

// Links on COS's default domain say that browsers download files there.
func TestDefaultDomainNote(t *testing.T) {
	if !onDefaultDomain("https://b-1250000000.cos.ap-guangzhou.myqcloud.com/a.png") || onDefaultDomain("https://cdn.example.com/a.png") {
		t.Error("onDefaultDomain")
	}
}
