package session

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/receipt"
	"cosdrop/receipt/receipttest"
	"cosdrop/uploader"
)

const testReceiptsPrefix = ".cosdrop/receipts"

// receiptBucket starts localcos, seeds the two machines' receipts and
// returns a reader with the server's permanent key.
func receiptBucket(t *testing.T) (*localcos.Server, *uploader.Bucket, receipttest.Scenario, receipttest.Put) {
	t.Helper()
	s := localcostest.Start(t, localcos.Config{})
	put := receipttest.PutVia(localcostest.Client(s, localcostest.SecretID, localcostest.SecretKey))
	sc, err := receipttest.Seed(put, testReceiptsPrefix, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b, err := uploader.OpenBucket(uploader.Config{BucketURL: s.URL(), RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond,
		Credentials: auth.NewStatic(auth.Credentials{SecretID: localcostest.SecretID, SecretKey: localcostest.SecretKey})})
	if err != nil {
		t.Fatal(err)
	}
	return s, b, sc, put
}

// readAll pages q to the end, n at a time.
func readAll(t *testing.T, src ReceiptSource, q ReceiptQuery, n int) []ReceiptItem {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitBound)
	defer cancel()
	r := NewReceipts(src, q)
	var all []ReceiptItem
	for r.More() {
		page, err := r.Next(ctx, n)
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		all = append(all, page...)
	}
	return all
}

// ids names the items: a receipt's id, else its status.
func ids(items []ReceiptItem) []string {
	var out []string
	for _, it := range items {
		if it.Receipt != nil {
			out = append(out, it.Receipt.ID)
		} else {
			out = append(out, string(it.Status))
		}
	}
	return out
}

func TestReceiptsListFilterAndShowForeignAndDamaged(t *testing.T) {
	_, b, _, _ := receiptBucket(t)
	q := ReceiptQuery{Prefix: testReceiptsPrefix}
	all := ids(readAll(t, b, q, 2))
	// The foreign object was written last (its time is its upload's),
	// then the drops newest first; the ten-day-old one is outside the week.
	if want := []string{"foreign", "b1", "a1", "foreign", "damaged", "a0"}; !slices.Equal(all, want) {
		t.Fatalf("listing %v, want %v", all, want)
	}
	for _, c := range []struct {
		q    ReceiptQuery
		want []string
	}{
		{ReceiptQuery{Who: "alice"}, []string{"a1", "a0"}},
		{ReceiptQuery{Who: "BOB"}, []string{"b1"}},
		{ReceiptQuery{Failed: true}, []string{"b1", "damaged"}},
		{ReceiptQuery{Who: "bob", Failed: true, Since: time.Now().Add(-30 * 24 * time.Hour)}, []string{"b1"}},
		{ReceiptQuery{Who: "bob", Since: time.Now().Add(-30 * 24 * time.Hour)}, []string{"b1", "b0"}},
		{ReceiptQuery{Who: "alice", Since: time.Now().Add(-24 * time.Hour)}, []string{"a1"}},
	} {
		c.q.Prefix = testReceiptsPrefix
		if got := ids(readAll(t, b, c.q, 10)); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.q, got, c.want)
		}
	}
	items := readAll(t, b, q, 10)
	if !strings.Contains(ReceiptStatusText(items[0]), "names like this") || !strings.Contains(ReceiptStatusText(items[3]), "its content is something else") ||
		!strings.Contains(ReceiptStatusText(items[4]), "Damaged: not valid JSON") {
		t.Errorf("words %q / %q / %q", ReceiptStatusText(items[0]), ReceiptStatusText(items[3]), ReceiptStatusText(items[4]))
	}
	if got := ReceiptNameText(items[3]); got != "dave on pc-d" {
		t.Errorf("a foreign receipt name reads %q", got)
	}
	bob := items[1].Receipt
	if got := ReceiptCountsText(bob.Counts); got != "1 file arrived, 1 file failed" {
		t.Errorf("counts %q", got)
	}
	if got := ReceiptWhoText(bob.Who); got != "Bob (bob on PC-B)" {
		t.Errorf("who %q", got)
	}
	if got := ReceiptReasonText(bob.Files[0]); !strings.Contains(got, "not allowed to write") {
		t.Errorf("reason %q", got)
	}
}

// countingSource counts what a reader asks of COS.
type countingSource struct {
	ReceiptSource
	lists, gets atomic.Int32
}

func (c *countingSource) List(ctx context.Context, prefix, marker string, max int) (uploader.ObjectPage, error) {
	c.lists.Add(1)
	return c.ReceiptSource.List(ctx, prefix, marker, max)
}

func (c *countingSource) Get(ctx context.Context, key string, limit int64) ([]byte, string, error) {
	c.gets.Add(1)
	return c.ReceiptSource.Get(ctx, key, limit)
}

func TestReceiptsPageWithSmallMaxKeys(t *testing.T) {
	_, b, sc, put := receiptBucket(t)
	now := sc.Bob.Ended.Add(time.Minute)
	if err := receipttest.SeedMany(put, testReceiptsPrefix, "Many", 23, now); err != nil {
		t.Fatal(err)
	}
	src := &countingSource{ReceiptSource: b}
	r := NewReceipts(src, ReceiptQuery{Prefix: testReceiptsPrefix, Who: "many", PageSize: 4, Now: now})
	ctx := context.Background()
	first, err := r.Next(ctx, 10)
	if err != nil || len(first) != 10 {
		t.Fatalf("first page: %d items, %v", len(first), err)
	}
	if src.gets.Load() != 10 {
		t.Errorf("%d bodies read for a page of 10: only what is shown is read", src.gets.Load())
	}
	if src.lists.Load() < 2 {
		t.Errorf("%d listings: max-keys 4 must page the day", src.lists.Load())
	}
	rest := readAllFrom(t, r)
	got := ids(append(first, rest...))
	if len(got) != 23 {
		t.Fatalf("%d receipts, want 23: %v", len(got), got)
	}
	for i, id := range got {
		if want := "m" + pad3(22-i); id != want {
			t.Fatalf("receipt %d is %s, want %s (newest first, no repeats)", i, id, want)
		}
	}
}

func readAllFrom(t *testing.T, r *Receipts) []ReceiptItem {
	var out []ReceiptItem
	for r.More() {
		page, err := r.Next(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
	}
	return out
}

func pad3(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}

func TestReceiptCheckNoticesChangedAndGone(t *testing.T) {
	s, b, sc, put := receiptBucket(t)
	ctx := context.Background()
	checks := CheckReceipt(ctx, b, sc.Alice)
	for _, c := range checks {
		if c.Result != CheckUnchanged {
			t.Fatalf("before any change: %+v", c)
		}
	}
	// Behind CosDrop's back: same size, other bytes; and a delete.
	if err := put("uploads/alice/two.txt", []byte("SECOND FILE, LONGER")); err != nil {
		t.Fatal(err)
	}
	if _, err := localcostest.Client(s, localcostest.SecretID, localcostest.SecretKey).Object.Delete(ctx, "uploads/alice/one.txt"); err != nil {
		t.Fatal(err)
	}
	checks = CheckReceipt(ctx, b, sc.Alice)
	if checks[0].Result != CheckGone || checks[1].Result != CheckChanged || !strings.Contains(checks[1].Why, "CRC64") {
		t.Fatalf("after a delete and a rewrite: %+v", checks)
	}
	if !ChecksBad(checks) || !strings.HasPrefix(CheckText(checks[0]), "GONE") {
		t.Errorf("words %q", CheckText(checks[0]))
	}
	if err := put("uploads/bob/ok.txt", []byte("arrived, then grew")); err != nil {
		t.Fatal(err)
	}
	checks = CheckReceipt(ctx, b, sc.Bob)
	if checks[0].Result != CheckNotUploaded || checks[1].Result != CheckChanged || !strings.Contains(checks[1].Why, "size") {
		t.Fatalf("Bob's drop: %+v", checks)
	}
}

// A support profile under a grant that may list and read the receipts
// folder only: the receipts read, and a check says it could not look at
// the files, naming COS's refusal and the permissions.
func TestReceiptsUnderListAndReadGrant(t *testing.T) {
	s, _, sc, _ := receiptBucket(t)
	support := func(actions ...string) *uploader.Bucket {
		return supportBucket(t, s, localcos.UploadPolicy(s.Region(), s.Bucket(), testReceiptsPrefix+"/", actions))
	}
	b := support("name/cos:GetBucket", "name/cos:GetObject")
	items := readAll(t, b, ReceiptQuery{Prefix: testReceiptsPrefix, Who: "alice"}, 10)
	if got := ids(items); !slices.Equal(got, []string{"a1", "a0"}) {
		t.Fatalf("support listing %v", got)
	}
	checks := CheckReceipt(context.Background(), b, sc.Alice)
	if checks[0].Result != CheckUnchecked || checks[0].Party != uploader.PartyCOS || !strings.Contains(checks[0].Why, "HeadObject") {
		t.Fatalf("check outside the grant: %+v", checks[0])
	}

	listOnly := support("name/cos:GetBucket")
	items = readAll(t, listOnly, ReceiptQuery{Prefix: testReceiptsPrefix, Who: "bob"}, 10)
	if len(items) != 1 || items[0].Status != ReceiptUnreadable || !strings.Contains(items[0].Problem, "GetObject") {
		t.Fatalf("list-only grant: %+v", items)
	}

	readOnly := support("name/cos:GetObject")
	_, err := NewReceipts(readOnly, ReceiptQuery{Prefix: testReceiptsPrefix}).Next(context.Background(), 10)
	if err == nil || !strings.Contains(ReceiptsErrText(err, testReceiptsPrefix), "GetBucket") {
		t.Fatalf("read-only grant: %v / %q", err, ReceiptsErrText(err, testReceiptsPrefix))
	}
}

// supportBucket is a reader with temporary credentials under pol.
func supportBucket(t *testing.T, s *localcos.Server, pol localcos.Policy) *uploader.Bucket {
	t.Helper()
	sts := auth.NewSTS(s.STSURL()+"/sts?policy="+url.QueryEscape(pol.JSON()), "", nil)
	t.Cleanup(func() { sts.Close() })
	b, err := uploader.OpenBucket(uploader.Config{BucketURL: s.URL(), Credentials: sts, RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A grant that may read the uploads but not HeadObject them (CAM grants
// the two apart): the check reads the headers of a one-byte GET instead.
func TestReceiptCheckFallsBackToRangedGet(t *testing.T) {
	s, _, sc, _ := receiptBucket(t)
	pol := localcos.UploadPolicy(s.Region(), s.Bucket(), "uploads/", []string{"name/cos:GetObject"})
	b := supportBucket(t, s, pol)
	checks := CheckReceipt(context.Background(), b, sc.Alice)
	for _, c := range checks {
		if c.Result != CheckUnchanged || !c.ByGet {
			t.Fatalf("check without HeadObject: %+v", c)
		}
	}
}

// A sender whose clock runs a day ahead wrote into tomorrow's folder: it
// is listed all the same.
func TestReceiptsFromAClockAhead(t *testing.T) {
	_, b, _, put := receiptBucket(t)
	ahead := receipt.Receipt{ID: "f1", Who: receipt.Who{Label: "Fast"}, Ended: time.Now().Add(24 * time.Hour)}
	if err := receipttest.PutReceipt(put, testReceiptsPrefix, ahead); err != nil {
		t.Fatal(err)
	}
	if got := ids(readAll(t, b, ReceiptQuery{Prefix: testReceiptsPrefix, Who: "fast"}, 10)); !slices.Equal(got, []string{"f1"}) {
		t.Fatalf("a receipt from a clock ahead: %v", got)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"7d":         now.AddDate(0, 0, -7),
		"24h":        now.Add(-24 * time.Hour),
		"2026-12-01": time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
	} {
		if got, err := ParseSince(in, now); err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "-1d", "soon", "2027-01-01", "0h"} {
		if _, err := ParseSince(bad, now); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
