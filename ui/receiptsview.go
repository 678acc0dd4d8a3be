package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cosdrop/session"
)

// The Receipts window: the drops every machine of the profile left in the
// bucket (session.Receipts), newest first, filtered by person, status and
// date, a page at a time ("Load more"). Listing and reading run off the
// Fyne goroutine (w.async); their results come back through fyne.Do and
// are dropped when the filters changed meanwhile (gen), so a click while
// it loads never mixes two queries' rows.

// receiptsPage is how many drops one "Load more" adds.
const receiptsPage = 50

// receiptsView is one open Receipts window. Its fields are the Fyne
// goroutine's.
type receiptsView struct {
	w        *mainWindow
	win      fyne.Window
	src      session.ReceiptSource
	prefix   string
	pageSize int
	now      func() time.Time

	items  []session.ReceiptItem
	reader *session.Receipts
	gen    int  // bumped by every new query
	busy   bool // a page is being read
	closed bool
	ctx    context.Context
	cancel context.CancelFunc

	list          *widget.List
	who           *widget.Entry
	status, since *safeSelect
	more          *widget.Button
	note          *widget.Label
}

// showReceipts opens the Receipts window of the open profile, or says why
// it cannot.
func (w *mainWindow) showReceipts() {
	s := w.sess
	if s == nil || s.s == nil {
		w.showNotice(T("Open a profile first."))
		return
	}
	src, prefix, err := s.s.ReceiptsReader()
	if err != nil {
		w.showNotice(session.ReceiptsErrText(err, prefix))
		return
	}
	openReceiptsView(w, src, prefix, s.name, receiptsPage)
}

// receiptsSince are the date filter's choices, as the durations they go back.
var receiptsSince = []time.Duration{24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour, 90 * 24 * time.Hour}

func receiptsSinceNames() []string {
	return []string{T("Last 24 hours"), T("Last 7 days"), T("Last 30 days"), T("Last 90 days")}
}

// openReceiptsView opens the window over src's receipts in prefix and
// starts reading the first page.
func openReceiptsView(w *mainWindow, src session.ReceiptSource, prefix, name string, pageSize int) *receiptsView {
	v := &receiptsView{w: w, src: src, prefix: prefix, pageSize: pageSize, now: time.Now}
	v.win = w.app.NewWindow(T("Receipts of {{.Name}}", map[string]any{"Name": name}))
	v.list = widget.NewList(func() int { return len(v.items) }, newReceiptRow, func(i widget.ListItemID, o fyne.CanvasObject) {
		if i < len(v.items) {
			setReceiptRow(o, v.items[i])
		}
	})
	v.list.OnSelected = func(i widget.ListItemID) {
		if i < len(v.items) {
			openReceiptDetail(v, v.items[i])
		}
		v.list.UnselectAll()
	}
	v.who = widget.NewEntry()
	v.who.SetPlaceHolder(T("Person (label or user name)"))
	v.who.OnSubmitted = func(string) { v.reload() }
	v.status = newSafeSelect(v.win, []string{T("All drops"), T("Failed only")}, nil)
	v.status.SetSelectedIndex(0)
	v.since = newSafeSelect(v.win, receiptsSinceNames(), nil)
	v.since.SetSelectedIndex(1)
	v.status.OnChanged = func(string) { v.reload() }
	v.since.OnChanged = func(string) { v.reload() }
	refresh := widget.NewButtonWithIcon(T("Refresh"), theme.ViewRefreshIcon(), v.reload)
	v.more = widget.NewButtonWithIcon(T("Load more"), theme.MoreVerticalIcon(), v.load)
	v.note = widget.NewLabel("")
	v.note.Truncation = fyne.TextTruncateEllipsis
	top := container.NewBorder(nil, nil, container.NewHBox(fixedWidth(150, v.status), fixedWidth(150, v.since)), refresh, v.who)
	bottom := container.NewBorder(nil, nil, nil, v.more, v.note)
	v.win.SetContent(container.NewBorder(top, bottom, nil, nil, v.list))
	v.win.SetOnClosed(func() {
		v.closed = true
		if v.cancel != nil {
			v.cancel()
		}
	})
	v.win.Resize(fyne.NewSize(860, 540))
	v.win.Show()
	v.reload()
	return v
}

// query is what the filters ask for.
func (v *receiptsView) query() session.ReceiptQuery {
	now := v.now()
	return session.ReceiptQuery{Prefix: v.prefix, Now: now, Since: now.Add(-receiptsSince[max(0, v.since.SelectedIndex())]),
		Who: strings.TrimSpace(v.who.Text), Failed: v.status.SelectedIndex() == 1}
}

// reload starts the filters' query afresh: the rows go, a read of the old
// query still under way is canceled and its result dropped.
func (v *receiptsView) reload() {
	if v.cancel != nil {
		v.cancel()
	}
	v.ctx, v.cancel = context.WithCancel(context.Background())
	v.gen++
	v.busy = false
	v.items = nil
	v.reader = session.NewReceipts(v.src, v.query())
	v.list.Refresh()
	v.load()
}

// load reads the next page off the Fyne goroutine; at most one page is
// read at a time.
func (v *receiptsView) load() {
	if v.busy || v.reader == nil || !v.reader.More() {
		return
	}
	v.busy = true
	v.more.Disable()
	v.note.SetText(T("Reading receipts…"))
	gen, r, ctx, n := v.gen, v.reader, v.ctx, v.pageSize
	v.w.async(func() {
		items, err := r.Next(ctx, n)
		more := r.More()
		fyne.Do(func() { v.apply(gen, items, more, err) })
	})
}

// apply shows a page read for query gen, unless the filters changed since.
func (v *receiptsView) apply(gen int, items []session.ReceiptItem, more bool, err error) {
	if gen != v.gen || v.closed {
		return
	}
	v.busy = false
	v.items = append(v.items, items...)
	v.list.Refresh()
	switch {
	case err != nil && v.ctx.Err() == nil:
		v.note.SetText(session.ReceiptsErrText(err, v.prefix))
	case len(v.items) == 0:
		v.note.SetText(T("No drops match these filters."))
	default:
		v.note.SetText(N("{{.Count}} drops shown, newest first", len(v.items)))
	}
	if more || err != nil {
		v.more.Enable()
	} else {
		v.more.Disable()
	}
}

func newReceiptRow() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), nil, l)
}

// setReceiptRow fills a row: when, who, the counts; or what is wrong
// with an object that is no readable receipt.
func setReceiptRow(o fyne.CanvasObject, it session.ReceiptItem) {
	c := o.(*fyne.Container)
	when := it.When().Local().Format("2006-01-02 15:04")
	icon, text := theme.WarningIcon(), when+"  "+session.ReceiptNameText(it)+"  ·  "+session.ReceiptStatusText(it)
	if r := it.Receipt; r != nil {
		icon = theme.ConfirmIcon()
		if r.Failed() {
			icon = theme.ErrorIcon()
		}
		text = when + "  " + session.ReceiptWhoText(r.Who) + "  ·  " + session.ReceiptCountsText(r.Counts)
		if r.Profile != "" {
			text += "  ·  " + session.Printable(r.Profile)
		}
	}
	c.Objects[0].(*widget.Label).SetText(text)
	c.Objects[1].(*widget.Icon).SetResource(icon)
}
