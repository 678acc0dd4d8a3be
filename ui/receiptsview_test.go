package ui

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/receipt/receipttest"
	"cosdrop/session"
	"cosdrop/uploader"
)

const uiReceipts = ".cosdrop/receipts"

// seededReceipts is a localcos holding the two machines' receipts, and a
// reader of it.
func seededReceipts(t *testing.T) (*localcos.Server, session.ReceiptSource, receipttest.Scenario, receipttest.Put) {
	t.Helper()
	s := localcostest.Start(t, localcos.Config{})
	put := receipttest.PutVia(localcostest.Client(s, localcostest.SecretID, localcostest.SecretKey))
	sc, err := receipttest.Seed(put, uiReceipts, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := uploader.OpenBucket(uploader.Config{BucketURL: s.URL(),
		Credentials: auth.NewStatic(auth.Credentials{SecretID: localcostest.SecretID, SecretKey: localcostest.SecretKey})})
	if err != nil {
		t.Fatal(err)
	}
	return s, b, sc, put
}

// jobQueue holds what the window hands to w.async, for the test to run
// when it chooses, on its own goroutine: under the test driver fyne.Do
// runs where it is called, so this is how a test plays "the listing ends
// after the click" without racing the window.
type jobQueue struct{ jobs []func() }

func (q *jobQueue) async(f func()) { q.jobs = append(q.jobs, f) }

func (q *jobQueue) runAll() {
	for len(q.jobs) > 0 {
		j := q.jobs[0]
		q.jobs = q.jobs[1:]
		j()
	}
}

// openTestReceipts opens the Receipts window over src in a test window
// whose background work waits in the returned queue.
func openTestReceipts(t *testing.T, src session.ReceiptSource, pageSize int) (*receiptsView, *jobQueue) {
	w := newTestWindow(t, nil)
	q := &jobQueue{}
	w.async = q.async
	v := openReceiptsView(w, src, uiReceipts, "Support", pageSize)
	t.Cleanup(v.win.Close)
	return v, q
}

func shownIDs(v *receiptsView) string {
	var ids []string
	for _, it := range v.items {
		if it.Receipt != nil {
			ids = append(ids, it.Receipt.ID)
		} else {
			ids = append(ids, string(it.Status))
		}
	}
	return strings.Join(ids, " ")
}

func TestReceiptsViewPagesFiltersAndDropsStaleResults(t *testing.T) {
	_, src, _, _ := seededReceipts(t)
	v, q := openTestReceipts(t, src, 2)
	q.runAll()
	if got := shownIDs(v); got != "foreign b1" || v.more.Disabled() {
		t.Fatalf("first page %q (Load more disabled: %v)", got, v.more.Disabled())
	}
	for range 2 {
		test.Tap(v.more)
		q.runAll()
	}
	if got := shownIDs(v); got != "foreign b1 a1 foreign damaged a0" {
		t.Fatalf("after Load more: %q", got)
	}
	markup := test.RenderToMarkup(v.win.Canvas())
	for _, want := range []string{"Bob (bob on PC-B)", "1 file arrived, 1 file failed", "Not a receipt", "Damaged"} {
		if !strings.Contains(markup, want) {
			t.Errorf("the window lacks %q", want)
		}
	}

	// Filters changed while a listing is under way: its late result must
	// not land among the new query's rows, and Load more waits.
	v.who.SetText("alice")
	v.who.OnSubmitted("alice")
	test.Tap(v.more)
	if len(q.jobs) != 1 {
		t.Fatalf("%d reads started; Load more during a read must wait", len(q.jobs))
	}
	v.status.SetSelectedIndex(1) // failed only: a second query
	q.runAll()
	if got := shownIDs(v); got != "" || !strings.Contains(v.note.Text, "No drops match") {
		t.Fatalf("alice's failed drops: %q, note %q (a stale page mixed in?)", got, v.note.Text)
	}
	v.status.SetSelectedIndex(0)
	q.runAll()
	if got := shownIDs(v); got != "a1 a0" {
		t.Fatalf("alice's drops: %q", got)
	}
	v.since.SetSelectedIndex(0) // 24 hours
	q.runAll()
	if got := shownIDs(v); got != "a1" {
		t.Fatalf("alice's drops of the last day: %q", got)
	}
}

func TestReceiptDetailCheckNowNoticesChanges(t *testing.T) {
	s, src, sc, put := seededReceipts(t)
	v, q := openTestReceipts(t, src, 10)
	q.runAll()
	var alice, foreign session.ReceiptItem
	for _, it := range v.items {
		switch {
		case it.Receipt != nil && it.Receipt.ID == sc.Alice.ID:
			alice = it
		case it.Status == session.ReceiptForeign:
			foreign = it
		}
	}
	d := openReceiptDetail(v, alice)
	defer d.win.Close()
	markup := test.RenderToMarkup(d.win.Canvas())
	for _, want := range []string{"Alice (alice on PC-A)", "uploads/alice/one.txt", "req-a1", "arrived, verified"} {
		if !strings.Contains(markup, want) {
			t.Errorf("the receipt lacks %q", want)
		}
	}
	if err := put("uploads/alice/two.txt", []byte("SECOND FILE, LONGER")); err != nil {
		t.Fatal(err)
	}
	if _, err := localcostest.Client(s, localcostest.SecretID, localcostest.SecretKey).Object.Delete(context.Background(), "uploads/alice/one.txt"); err != nil {
		t.Fatal(err)
	}
	test.Tap(d.check)
	test.Tap(d.check) // while checking: no second check
	if len(q.jobs) != 1 {
		t.Fatalf("%d checks started", len(q.jobs))
	}
	q.runAll()
	if len(d.checks) != 2 || d.checks[0].Result != session.CheckGone || d.checks[1].Result != session.CheckChanged {
		t.Fatalf("checks %+v", d.checks)
	}
	if !strings.Contains(d.note.Text, "1 changed") || !strings.Contains(d.note.Text, "1 gone") || d.check.Disabled() {
		t.Errorf("summary %q", d.note.Text)
	}
	if markup := test.RenderToMarkup(d.win.Canvas()); !strings.Contains(markup, "GONE") || !strings.Contains(markup, "CHANGED") {
		t.Errorf("the file rows do not say what the check found")
	}
	f := openReceiptDetail(v, foreign)
	defer f.win.Close()
	if !f.check.Disabled() || !strings.Contains(test.RenderToMarkup(f.win.Canvas()), "Not a receipt") {
		t.Errorf("a foreign object opens as such, with nothing to check")
	}
}

// The toolbar's entry opens the Receipts window of the open profile (the
// Sandbox's folder here), and a window without a profile says so.
func TestReceiptsToolbarEntry(t *testing.T) {
	w := newTestWindow(t, nil)
	w.showReceipts()
	if !w.notice.content.Visible() {
		t.Error("no notice without a profile")
	}
	w = newTestWindow(t, sandboxSession(t))
	q := &jobQueue{}
	w.async = q.async
	w.showReceipts()
	q.runAll()
	for _, win := range w.app.Driver().AllWindows() {
		if win.Title() == "Receipts of Sandbox" {
			if !strings.Contains(test.RenderToMarkup(win.Canvas()), "No drops match") {
				t.Error("the Sandbox's empty receipts folder is not said to be empty")
			}
			win.Close()
			return
		}
	}
	t.Fatal("no Receipts window")
}

// A support profile's grant lists and reads the receipts folder only:
// the window lists the drops, and Check now says, per file, that COS
// would not let it look, instead of calling them gone.
func TestReceiptsViewUnderListAndReadGrant(t *testing.T) {
	s, _, sc, _ := seededReceipts(t)
	pol := localcos.UploadPolicy(s.Region(), s.Bucket(), uiReceipts+"/", []string{"name/cos:GetBucket", "name/cos:GetObject"})
	sts := auth.NewSTS(s.STSURL()+"/sts?policy="+url.QueryEscape(pol.JSON()), "", nil)
	defer sts.Close()
	src, err := uploader.OpenBucket(uploader.Config{BucketURL: s.URL(), Credentials: sts, RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	v, q := openTestReceipts(t, src, 10)
	v.who.SetText("bob")
	v.who.OnSubmitted("bob")
	q.runAll()
	if got := shownIDs(v); got != sc.Bob.ID {
		t.Fatalf("support listing %q, note %q", got, v.note.Text)
	}
	d := openReceiptDetail(v, v.items[0])
	defer d.win.Close()
	test.Tap(d.check)
	q.runAll()
	if d.checks[1].Result != session.CheckUnchecked || !strings.Contains(d.note.Text, "1 could not be checked") ||
		!strings.Contains(test.RenderToMarkup(d.win.Canvas()), "could not be checked") {
		t.Fatalf("check under the support grant: %+v, %q", d.checks, d.note.Text)
	}
}
