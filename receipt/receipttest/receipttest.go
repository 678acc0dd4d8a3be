// Package receipttest puts receipts into a bucket for the tests of their
// readers (session, cli, ui): two machines' drops, one with a failure,
// next to a foreign and a damaged object, and the objects they describe.
// It imports only receipt; the caller says how to PUT.
package receipttest

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc64"
	"maps"
	"slices"
	"strconv"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/receipt"
)

// Put writes body at key (a test's SDK client against localcos).
type Put func(key string, body []byte) error

// PutVia is a Put through an SDK client (localcostest.Client).
func PutVia(c *cos.Client) Put {
	return func(key string, body []byte) error {
		_, err := c.Object.Put(context.Background(), key, bytes.NewReader(body), nil)
		return err
	}
}

// Scenario is what Seed wrote.
type Scenario struct {
	Prefix string
	// Alice, Bob and AliceOld are receipts under Prefix, newest is Bob:
	// Alice (label "Alice", machine PC-A) sent two files an hour before
	// Bob; Bob (label "Bob", machine PC-B) sent one that arrived and one
	// that failed; AliceOld is three days older; Ancient is ten days old
	// (outside the default week).
	Alice, Bob, AliceOld, Ancient receipt.Receipt
	// Foreign is a key in today's folder that is no receipt's name;
	// ForeignJSON has a receipt's name (half an hour after Damaged) and
	// other JSON in it; Damaged is a receipt's name with a cut-short body.
	Foreign, ForeignJSON, Damaged string
}

// CRC64 is COS's x-cos-hash-crc64ecma of b, as COS writes it.
func CRC64(b []byte) string {
	return strconv.FormatUint(crc64.Checksum(b, crc64.MakeTable(crc64.ECMA)), 10)
}

// Seed writes the scenario under prefix, its drops ending before now.
func Seed(put Put, prefix string, now time.Time) (Scenario, error) {
	sc := Scenario{Prefix: prefix}
	day := now.UTC().Add(-3 * time.Hour) // today's folder for all but the old ones
	var err error
	drops := []struct {
		r     *receipt.Receipt
		who   receipt.Who
		id    string
		ended time.Time
		files map[string]string // key -> content ("" = failed)
	}{
		{&sc.AliceOld, receipt.Who{Label: "Alice", User: "alice", Machine: "PC-A"}, "a0", now.Add(-72 * time.Hour), map[string]string{"uploads/alice/old.txt": "an old file"}},
		{&sc.Ancient, receipt.Who{Label: "Bob", User: "bob", Machine: "PC-B"}, "b0", now.Add(-240 * time.Hour), map[string]string{"uploads/bob/ancient.txt": "ten days old"}},
		{&sc.Alice, receipt.Who{Label: "Alice", User: "alice", Machine: "PC-A"}, "a1", day.Add(time.Hour), map[string]string{"uploads/alice/one.txt": "first file", "uploads/alice/two.txt": "second file, longer"}},
		{&sc.Bob, receipt.Who{Label: "Bob", User: "bob", Machine: "PC-B"}, "b1", day.Add(2 * time.Hour), map[string]string{"uploads/bob/ok.txt": "arrived", "uploads/bob/bad.txt": ""}},
	}
	for _, d := range drops {
		if *d.r, err = drop(put, d.who, d.id, d.ended, d.files); err != nil {
			return sc, err
		}
		if err = PutReceipt(put, prefix, *d.r); err != nil {
			return sc, err
		}
	}
	sc.Foreign = receipt.DayPrefix(prefix, day) + "notes.txt"
	if err = put(sc.Foreign, []byte("not a receipt")); err != nil {
		return sc, err
	}
	sc.ForeignJSON = receipt.DayPrefix(prefix, day) + day.Add(30*time.Minute).UTC().Format("150405") + "_dave_pc-d_d1.json"
	if err = put(sc.ForeignJSON, []byte(`{"hello": "world"}`)); err != nil {
		return sc, err
	}
	sc.Damaged = receipt.DayPrefix(prefix, day) + day.UTC().Format("150405") + "_carol_pc-c_c1.json"
	return sc, put(sc.Damaged, []byte(`{"kind": "cosdrop-receipt", "version": 1, "id": "c1", "files": [`))
}

// drop PUTs the files of one drop and returns its receipt; a file with
// no content failed (COS refused it).
func drop(put Put, who receipt.Who, id string, ended time.Time, files map[string]string) (receipt.Receipt, error) {
	r := receipt.Receipt{ID: id, Who: who, Started: ended.Add(-time.Minute), Ended: ended, Profile: "Office",
		Bucket: "examplebucket-1250000000", Region: "ap-guangzhou", Paths: receipt.PathsNames}
	for _, key := range slices.Sorted(maps.Keys(files)) {
		body := files[key]
		if body == "" {
			r.Counts.Failed++
			r.Files = append(r.Files, receipt.File{Key: key, Size: 4096, State: receipt.StateFailed,
				Reason: "COS refused the upload: this account or key is not allowed to write here.", Code: "AccessDenied",
				Party: "cos", RequestIDs: []string{"NjQ2Yl9yZXF1ZXN0X2lk"}})
			continue
		}
		if err := put(key, []byte(body)); err != nil {
			return r, fmt.Errorf("put %s: %w", key, err)
		}
		r.Counts.Done++
		r.Files = append(r.Files, receipt.File{Key: key, Size: int64(len(body)), CRC64: CRC64([]byte(body)),
			State: receipt.StateDone, Verified: true, RequestIDs: []string{"req-" + id}})
	}
	return r, nil
}

// PutReceipt encodes r and PUTs it at its name under prefix.
func PutReceipt(put Put, prefix string, r receipt.Receipt) error {
	b, err := receipt.Encode(r)
	if err != nil {
		return err
	}
	return put(receipt.Name(prefix, r), b)
}

// SeedMany writes n receipts of who (machine PC-M), one second apart,
// ending before now, each of one file that is not uploaded (paging
// tests read names and bodies, not the files).
func SeedMany(put Put, prefix, who string, n int, now time.Time) error {
	for i := range n {
		r := receipt.Receipt{ID: fmt.Sprintf("m%03d", i), Who: receipt.Who{Label: who, Machine: "PC-M"},
			Started: now.Add(-time.Hour), Ended: now.Add(time.Duration(i-n) * time.Second), Counts: receipt.Counts{Done: 1},
			Files: []receipt.File{{Key: fmt.Sprintf("uploads/many/%03d.txt", i), Size: 1, State: receipt.StateDone}}}
		if err := PutReceipt(put, prefix, r); err != nil {
			return err
		}
	}
	return nil
}
