package ui

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/session"
	"cosdrop/uploader"
)

// prefAutoCopyLinks is the per-app option "Copy links automatically when
// a drop finishes".
const prefAutoCopyLinks = "auto-copy-links"

// linkActions are the row's link actions; the list has them. The row
// asks for them by type assertion, so rowActions stays as it was.
type linkActions interface {
	copyLink(id uploader.TaskID)
	rowMenu(id uploader.TaskID, at fyne.Position)
}

// newLinkButton is the row's "Copy link" button, shown on a verified done
// row only (showLinkButton).
func newLinkButton(a rowActions, act func(func(uploader.TaskID)) func()) *tipButton {
	b := newTipButton(theme.ContentCopyIcon(), T("Copy link"), act(func(id uploader.TaskID) {
		if la, ok := a.(linkActions); ok {
			la.copyLink(id)
		}
	}))
	b.Hide()
	return b
}

// showLinkButton shows the row's link button when s's object may be
// linked (session.Linkable: verified and still on COS).
func showLinkButton(b *tipButton, s uploader.Snapshot) {
	if ok, _ := session.Linkable(s); ok {
		b.Show()
	} else {
		b.Hide()
	}
}

// TappedSecondary opens the row's menu (copy link, share link, copy the
// links of the drop or of every row shown, the auto-copy option).
func (r *taskRow) TappedSecondary(ev *fyne.PointEvent) {
	if la, ok := r.actions.(linkActions); ok && r.id != 0 {
		la.rowMenu(r.id, ev.AbsolutePosition)
	}
}

// links copies and shares the links of uploaded files: the row's button
// and menu, every link of a drop when it finishes (when the user asked
// for that), the links of the rows shown, and the share-link dialog. It
// reads the window's session, model and list, and speaks through its
// notices and dialogs.
type links struct{ w *mainWindow }

// linker is the current session's linker (its profile's link template).
func (l *links) linker() session.Linker {
	switch {
	case l.w.sess == nil:
		return session.Linker{}
	case l.w.sess.s != nil:
		return l.w.sess.s.Linker()
	}
	return session.Linker{BucketURL: strings.TrimRight(l.w.sess.bucketURL, "/")}
}

// linkOf is s's link, or why it has none, in words.
func (l *links) linkOf(s uploader.Snapshot) (string, string) {
	if ok, why := session.Linkable(s); !ok {
		return "", why
	}
	link, err := l.linker().Link(s.Key)
	if err != nil {
		return "", session.ShareErrText(err)
	}
	return link, ""
}

// copyLink copies one task's link (the row's button and menu).
func (l *links) copyLink(id uploader.TaskID) {
	s, ok := l.w.model.get(id)
	if !ok {
		return
	}
	link, why := l.linkOf(s)
	if link == "" {
		l.w.showNotice(why)
		return
	}
	if !l.plainLinksOpen() {
		// A plain link to a private bucket's object answers AccessDenied
		// in a browser, and staff cannot tell (issue 21, finding 2).
		l.w.showNotice(T("This bucket is private: a plain link would answer \"Access Denied\" in a browser. Share a link that works for a while instead, or ask your administrator to make the files public."))
		l.showShare(s)
		return
	}
	l.w.copyText(link)
	l.w.flash(T("Link copied"))
}

// plainLinksOpen reports whether a plain link to an object opens for
// anyone: the Sandbox serves its files, and a profile says whether its
// bucket does (Files are public).
func (l *links) plainLinksOpen() bool {
	return l.w.sess != nil && (l.w.sess.sandbox || l.w.sess.profile.PublicRead)
}

// copyLinks copies the links of snaps, one per line, leaving out the
// tasks without one and saying how many finished files have none (not
// verified). Entries that were never uploaded (excluded, not a file,
// deleted since) are left out without a word: they are not files the
// user expects a link for.
func (l *links) copyLinks(snaps []uploader.Snapshot) {
	var links []string
	left := 0
	for _, s := range snaps {
		if l, _ := l.linkOf(s); l != "" {
			links = append(links, l)
		} else if unverifiedCopy(s) {
			left++
		}
	}
	if len(links) == 0 {
		l.w.flash(T("No verified uploads to copy links of"))
		return
	}
	l.w.copyText(strings.Join(links, "\n"))
	if !l.plainLinksOpen() {
		l.w.flash(N("{{.Count}} links copied", len(links)) + " · " + T("they open only if the bucket's files are public"))
		return
	}
	if left > 0 {
		l.w.flash(N("{{.Count}} links copied", len(links)) + " · " + N("{{.Count}} files have no link (not verified)", left))
		return
	}
	l.w.flash(N("{{.Count}} links copied", len(links)))
}

// unverifiedCopy reports whether COS holds s's object but CosDrop could not
// check it against the file, so it gets no link.
func unverifiedCopy(s uploader.Snapshot) bool {
	switch {
	case s.Note.Code == uploader.NoteDeleted:
		return false
	case s.State == uploader.Done:
		return !s.Verified
	}
	return s.State == uploader.Skipped && s.Note.Code == uploader.NoteSkippedUncompared
}

// batchSnaps is every task of a drop, in order.
func (l *links) batchSnaps(b uploader.BatchID) []uploader.Snapshot {
	var out []uploader.Snapshot
	for _, s := range l.w.model.all() {
		if s.Batch == b {
			out = append(out, s)
		}
	}
	return out
}

// copyShownLinks copies the links of every row the list shows (the
// filter and search are the selection).
func (l *links) copyShownLinks() {
	snaps := make([]uploader.Snapshot, 0, len(l.w.list.queue.view))
	for _, id := range l.w.list.queue.view {
		if s, ok := l.w.model.get(id); ok {
			snaps = append(snaps, s)
		}
	}
	l.copyLinks(snaps)
}

// autoCopyLinks copies the links of each drop that just finished, when
// the user asked for it, and of each paste (paste.go).
func (l *links) autoCopyLinks(finished []batchResult) {
	auto := l.w.app.Preferences().Bool(prefAutoCopyLinks)
	var snaps []uploader.Snapshot
	for _, b := range finished {
		if l.w.pasted.take(b.Batch) || auto {
			snaps = append(snaps, l.batchSnaps(b.Batch)...)
		}
	}
	if len(snaps) > 0 {
		l.copyLinks(snaps)
	}
}

// rowMenu is a row's context menu.
func (l *links) rowMenu(id uploader.TaskID, at fyne.Position) {
	s, ok := l.w.model.get(id)
	if !ok {
		return
	}
	link, _ := l.linkOf(s)
	copyOne := fyne.NewMenuItem(T("Copy link"), func() { l.copyLink(id) })
	copyOne.Disabled = link == ""
	share := fyne.NewMenuItem(T("Share link…"), func() { l.showShare(s) })
	share.Disabled = link == ""
	auto := fyne.NewMenuItem(T("Copy links automatically when a drop finishes"), func() {
		p := l.w.app.Preferences()
		p.SetBool(prefAutoCopyLinks, !p.Bool(prefAutoCopyLinks))
	})
	auto.Checked = l.w.app.Preferences().Bool(prefAutoCopyLinks)
	m := fyne.NewMenu("", copyOne, share,
		fyne.NewMenuItem(T("Copy links of this drop"), func() { l.copyLinks(l.batchSnaps(s.Batch)) }),
		fyne.NewMenuItem(T("Copy links of all rows shown"), l.copyShownLinks),
		fyne.NewMenuItemSeparator(), auto,
		fyne.NewMenuItemSeparator(), fyne.NewMenuItem(T("Details"), func() { l.w.list.details(id) }))
	widget.ShowPopUpMenuAtPosition(m, l.w.win.Canvas(), at)
}

// linkRows adds the details panel's link and share rows for s: the link
// with a copy button, or why there is none; and "Share link…".
func linkRows(w *mainWindow, form *widget.Form, s uploader.Snapshot) {
	if s.State != uploader.Done && s.State != uploader.Skipped {
		return
	}
	link, why := w.links.linkOf(s)
	if link == "" {
		l := widget.NewLabel(why)
		l.Wrapping = fyne.TextWrapWord
		form.Append(T("Link"), l)
		return
	}
	l := widget.NewLabel(link)
	l.Wrapping = fyne.TextWrapBreak
	copyB := widget.NewButtonWithIcon(T("Copy link"), theme.ContentCopyIcon(), func() { w.copyText(link); w.flash(T("Link copied")) })
	form.Append(T("Link"), container.NewBorder(nil, nil, nil, copyB, l))
	form.Append(T("Share"), container.NewHBox(widget.NewButtonWithIcon(T("Share link…"), theme.MailSendIcon(), func() { w.links.showShare(s) })))
	if onDefaultDomain(link) {
		d := widget.NewLabel(T("On COS's default domain, browsers download images and PDFs instead of showing them (buckets created since 2024). A custom domain in the profile's link template fixes this."))
		d.Wrapping = fyne.TextWrapWord
		form.Append("", d)
	}
}

// onDefaultDomain reports whether link points at COS's default domain,
// where buckets created since 2024-01-01 send every file as a download
// (https://www.tencentcloud.com/document/product/436/57456).
func onDefaultDomain(link string) bool {
	u, err := url.Parse(link)
	return err == nil && strings.HasSuffix(strings.ToLower(u.Hostname()), ".myqcloud.com")
}

// shareChoices are the lifetimes offered for share links.
func shareChoices() []struct {
	label string
	d     time.Duration
} {
	return []struct {
		label string
		d     time.Duration
	}{
		{T("1 hour"), time.Hour},
		{T("24 hours"), 24 * time.Hour},
		{T("7 days"), 7 * 24 * time.Hour},
	}
}

// sharer is the current session's share-link signer.
func (l *links) sharer() session.Sharer {
	if l.w.sess == nil || l.w.sess.s == nil {
		return session.Sharer{}
	}
	return l.w.sess.s.Sharer()
}

// shareView is the share-link dialog's content: an expiry choice, the
// profile's cap in words ("Links of this profile work until 14:05 at the
// latest, when its temporary key expires"), and a button that signs a
// link off the Fyne goroutine and copies it. The link is the only
// secret-bearing text CosDrop ever puts on the clipboard (its signature,
// and x-cos-security-token for temporary keys), and only when the user
// asks for it.
type shareView struct {
	expiry  *widget.RadioGroup
	limit   *widget.Label
	result  *widget.Label
	copyB   *widget.Button
	content fyne.CanvasObject
}

func newShareView(w *mainWindow, s uploader.Snapshot) *shareView {
	sh := w.links.sharer()
	choices := shareChoices()
	labels := make([]string, len(choices))
	for i, c := range choices {
		labels[i] = c.label
	}
	v := &shareView{expiry: widget.NewRadioGroup(labels, nil), limit: widget.NewLabel(T("Checking how long this profile's links can work…")),
		result: widget.NewLabel("")}
	v.expiry.Horizontal = true
	v.expiry.SetSelected(labels[0])
	v.limit.Wrapping = fyne.TextWrapWord
	v.result.Wrapping = fyne.TextWrapWord
	warn := widget.NewLabel(T("Anyone with a share link can download this file until the link expires."))
	warn.Wrapping = fyne.TextWrapWord
	warn.SizeName = theme.SizeNameCaptionText
	v.copyB = widget.NewButtonWithIcon(T("Copy share link"), theme.ContentCopyIcon(), func() {
		d := choices[max(0, indexOfString(labels, v.expiry.Selected))].d
		v.copyB.Disable()
		v.result.SetText(T("Signing the link…"))
		w.async(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			l, err := sh.Link(ctx, s, d)
			cancel()
			fyne.Do(func() {
				v.copyB.Enable()
				if err != nil {
					v.result.SetText(session.ShareErrText(err))
					return
				}
				w.copyText(l.URL)
				v.result.SetText(T("Copied.") + " " + session.ShareText(l))
				w.flash(T("Share link copied"))
			})
		})
	})
	v.copyB.Importance = widget.HighImportance
	w.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		until, c, err := sh.Limit(ctx)
		cancel()
		fyne.Do(func() {
			if err != nil {
				v.limit.SetText(session.ShareErrText(err))
				v.copyB.Disable()
				return
			}
			v.limit.SetText(session.LimitText(until, c))
		})
	})
	v.content = container.NewVBox(widget.NewLabelWithStyle(filepath.Base(s.Key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel(T("Link valid for:")), v.expiry, v.limit, container.NewHBox(v.copyB), v.result, warn)
	return v
}

// showShare opens the share-link dialog for s.
func (l *links) showShare(s uploader.Snapshot) {
	d := dialog.NewCustom(T("Share link"), T("Close"), newShareView(l.w, s).content, l.w.win)
	d.Resize(fyne.NewSize(520, 340))
	l.w.dialogs.present(d)
}

func indexOfString(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
