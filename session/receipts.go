package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"cosdrop/receipt"
	"cosdrop/uploader"
)

// Reading the receipts other machines left in the bucket: the support
// side of receipt/. Receipts sit in one folder per UTC day, so a query
// lists only the days it asks about, newest day first, a page of names at
// a time (marker and max-keys); who and when are read from the names
// alone, and a body is fetched only for a receipt that is shown (or, for
// the failed filter, that must be opened to know). COS lists a folder in
// ascending key order only, so newest-first within one day needs that
// day's names (never its bodies) in memory: a day of 10,000 receipts is
// 10 listings and about a megabyte.

// ReceiptSource is what reading receipts asks of COS; *uploader.Bucket is
// one (the engine's client, signing and retries), tests may pass another.
type ReceiptSource interface {
	List(ctx context.Context, prefix, marker string, max int) (uploader.ObjectPage, error)
	Get(ctx context.Context, key string, limit int64) ([]byte, string, error)
	Stat(ctx context.Context, key string) (uploader.ObjectStat, error)
}

// DefaultReceiptsSince is how far back a query looks by default.
const DefaultReceiptsSince = 7 * 24 * time.Hour

// receiptFetchers bounds the receipts fetched (or files checked) at once.
const receiptFetchers = 8

// ReceiptQuery says which receipts to read.
type ReceiptQuery struct {
	Prefix string    // the profile's receipts_prefix
	Since  time.Time // oldest end time shown; zero: DefaultReceiptsSince before Now
	Now    time.Time // zero: time.Now()
	// Who keeps only the drops of this person: compared by receipt.Slug
	// with the label (or user) in each object's name.
	Who    string
	Failed bool // keep only drops with a failed file (and receipts that cannot be read)
	// PageSize is max-keys of each listing request (0: 1,000, COS's most).
	PageSize int
}

// ReceiptStatus is what became of reading one object under the prefix.
type ReceiptStatus string

// Receipt statuses.
const (
	ReceiptOK         ReceiptStatus = "ok"         // read and parsed
	ReceiptForeign    ReceiptStatus = "foreign"    // not a CosDrop receipt
	ReceiptDamaged    ReceiptStatus = "damaged"    // CosDrop's, but cut short, too large or of a newer version
	ReceiptUnreadable ReceiptStatus = "unreadable" // COS (or the network) did not hand it over
)

// ReceiptItem is one object under the receipts prefix, as shown.
type ReceiptItem struct {
	Key string
	// Name is what the object's name says (when, who, machine, id); its
	// Ended is zero for a name CosDrop does not write.
	Name     receipt.Entry
	Size     int64
	Modified time.Time
	Status   ReceiptStatus
	Receipt  *receipt.Receipt // Status ReceiptOK only
	// Problem says why a receipt is damaged, foreign or unreadable, in
	// the user's language.
	Problem string
	Err     error // ReceiptUnreadable: the GET's error
}

// When is the drop's end: the receipt's, else its name's, else the
// object's last change.
func (it ReceiptItem) When() time.Time {
	switch {
	case it.Receipt != nil:
		return it.Receipt.Ended
	case !it.Name.Ended.IsZero():
		return it.Name.Ended
	}
	return it.Modified
}

// Receipts reads one query's receipts newest first, a page at a time
// (Next). It is not safe for concurrent use: one caller pages it.
type Receipts struct {
	src      ReceiptSource
	q        ReceiptQuery
	day      time.Time     // the next day to list (UTC midnight)
	firstDay time.Time     // the oldest day to list
	pending  []ReceiptItem // the listed day's matching names, oldest first
	done     bool
}

// NewReceipts starts reading q's receipts from src.
func NewReceipts(src ReceiptSource, q ReceiptQuery) *Receipts {
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	if q.Since.IsZero() {
		q.Since = q.Now.Add(-DefaultReceiptsSince)
	}
	if q.PageSize <= 0 || q.PageSize > 1000 {
		q.PageSize = 1000
	}
	q.Prefix = strings.Trim(q.Prefix, "/")
	// From tomorrow's folder: a sender whose clock runs ahead may have
	// written there already (one listing more, usually empty).
	return &Receipts{src: src, q: q, day: utcDay(q.Now).AddDate(0, 0, 1), firstDay: utcDay(q.Since)}
}

func utcDay(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// More reports whether Next may return more.
func (r *Receipts) More() bool { return !r.done }

// Next returns up to n more receipts, newest first, with their bodies
// read. Fewer than n means the query is exhausted (More is false) or an
// error ended the page: what was read is returned with it, and a later
// Next goes on from where this one stopped.
func (r *Receipts) Next(ctx context.Context, n int) ([]ReceiptItem, error) {
	var out []ReceiptItem
	for len(out) < n && !r.done {
		if len(r.pending) == 0 {
			if r.day.Before(r.firstDay) {
				r.done = true
				break
			}
			items, err := r.listDay(ctx, r.day)
			if err != nil {
				return out, err
			}
			r.pending, r.day = items, r.day.AddDate(0, 0, -1)
			continue
		}
		take := min(n-len(out), len(r.pending))
		batch := slices.Clone(r.pending[len(r.pending)-take:])
		slices.Reverse(batch)
		r.pending = r.pending[:len(r.pending)-take]
		r.fetch(ctx, batch)
		if err := ctx.Err(); err != nil {
			return out, err
		}
		for _, it := range batch {
			if r.keep(it) {
				out = append(out, it)
			}
		}
	}
	return out, nil
}

// listDay lists one day's folder, page by page, and keeps the names the
// query matches, oldest first (by name, or a foreign object's time).
func (r *Receipts) listDay(ctx context.Context, day time.Time) ([]ReceiptItem, error) {
	prefix := receipt.DayPrefix(r.q.Prefix, day)
	var items []ReceiptItem
	for marker := ""; ; {
		page, err := r.src.List(ctx, prefix, marker, r.q.PageSize)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Objects {
			if it, ok := r.named(o); ok {
				items = append(items, it)
			}
		}
		if page.Next == "" {
			// By time, not name: a foreign object's name says nothing of it.
			slices.SortStableFunc(items, func(a, b ReceiptItem) int { return a.When().Compare(b.When()) })
			return items, nil
		}
		marker = page.Next
	}
}

// named is the item of a listed object, and whether the query's name
// filters (who, since) keep it. A folder marker the console made is no
// object of anyone's.
func (r *Receipts) named(o uploader.ListedObject) (ReceiptItem, bool) {
	if strings.HasSuffix(o.Key, "/") && o.Size == 0 {
		return ReceiptItem{}, false
	}
	it := ReceiptItem{Key: o.Key, Size: o.Size, Modified: o.Modified}
	e, ok := receipt.ParseName(r.q.Prefix, o.Key)
	if !ok {
		// Not a name CosDrop writes: no person to match, so only an
		// unfiltered listing shows it.
		it.Status, it.Problem = ReceiptForeign, T("CosDrop does not write names like this")
		return it, r.q.Who == "" && !r.q.Failed && !o.Modified.Before(r.q.Since)
	}
	it.Name = e
	if r.q.Who != "" && receipt.Slug(r.q.Who) != e.Who {
		return it, false
	}
	return it, !e.Ended.Before(r.q.Since)
}

// keep applies the failed filter, once the body is read: a receipt that
// could not be read may be a failure, so it stays.
func (r *Receipts) keep(it ReceiptItem) bool {
	if !r.q.Failed {
		return true
	}
	switch it.Status {
	case ReceiptOK:
		return it.Receipt.Failed()
	case ReceiptForeign:
		return false
	}
	return true
}

// fetch reads the bodies of items (receiptFetchers at a time), in place.
func (r *Receipts) fetch(ctx context.Context, items []ReceiptItem) {
	eachBounded(len(items), func(i int) {
		if items[i].Status == "" {
			items[i] = readReceipt(ctx, r.src, items[i])
		}
	})
}

// eachBounded calls fn(0..n-1), receiptFetchers at a time, and waits.
func eachBounded(n int, fn func(i int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, receiptFetchers)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}

// readReceipt GETs and parses one receipt.
func readReceipt(ctx context.Context, src ReceiptSource, it ReceiptItem) ReceiptItem {
	body, _, err := src.Get(ctx, it.Key, receipt.MaxSize)
	if err != nil {
		it.Status, it.Err = ReceiptUnreadable, err
		it.Problem = ReceiptReadErrText(err)
		return it
	}
	rc, err := receipt.Parse(bytes.NewReader(body))
	var de *receipt.DamagedError
	switch {
	case err == nil:
		it.Status, it.Receipt = ReceiptOK, &rc
	case errors.Is(err, receipt.ErrForeign):
		it.Status, it.Problem = ReceiptForeign, T("its content is something else")
	case errors.As(err, &de):
		it.Status, it.Problem = ReceiptDamaged, de.Why
	default:
		it.Status, it.Err, it.Problem = ReceiptUnreadable, err, ReceiptReadErrText(err)
	}
	return it
}

// ReadReceipt reads the receipt at key (`cosdrop receipts --id`, the
// window opening one it listed).
func ReadReceipt(ctx context.Context, src ReceiptSource, prefix, key string) ReceiptItem {
	it := ReceiptItem{Key: key}
	if e, ok := receipt.ParseName(strings.Trim(prefix, "/"), key); ok {
		it.Name = e
	}
	return readReceipt(ctx, src, it)
}

// FindReceipt is the receipt whose id (or whose object key) is id, among
// q's: the listing by name, so only the match is read.
func FindReceipt(ctx context.Context, src ReceiptSource, q ReceiptQuery, id string) (ReceiptItem, bool, error) {
	r := NewReceipts(src, q)
	for day := r.day; !day.Before(r.firstDay); day = day.AddDate(0, 0, -1) {
		r.q.Failed = false // a failed filter would hide the asked-for receipt
		items, err := r.listDay(ctx, day)
		if err != nil {
			return ReceiptItem{}, false, err
		}
		for _, it := range items {
			if it.Key == id || it.Name.ID != "" && it.Name.ID == receipt.Slug(id) {
				return readReceipt(ctx, src, it), true, nil
			}
		}
	}
	return ReceiptItem{}, false, nil
}

// ParseSince reads --since: a number of days ("7d"), a Go duration
// ("24h", "90m") or a UTC date ("2026-12-01"), as the oldest time to show.
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(d); err == nil && n > 0 && n <= 3660 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil && !t.After(now) {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a number of days (7d), a duration (24h) or a date (2026-12-01)", s)
}

// SandboxReceiptsPrefix is the Sandbox's receipts folder: it has no
// profile to name one.
const SandboxReceiptsPrefix = ".cosdrop/receipts"

// ErrNoReceiptsPrefix is ReceiptsReader's refusal for a profile that
// names no receipts folder.
var ErrNoReceiptsPrefix = errors.New("the profile names no receipts folder (receipts_prefix)")

// ReceiptsReader returns a reader of the session's bucket with its own
// credentials (the engine's client, signing and refresh) and the
// profile's receipts folder.
func (s *Session) ReceiptsReader() (ReceiptSource, string, error) {
	prefix := s.Profile.ReceiptsPrefix
	if s.Sandbox {
		prefix = SandboxReceiptsPrefix
	}
	if strings.Trim(prefix, "/") == "" {
		return nil, "", ErrNoReceiptsPrefix
	}
	b, err := uploader.OpenBucket(s.Config)
	if err != nil {
		return nil, prefix, err
	}
	return b, prefix, nil
}
