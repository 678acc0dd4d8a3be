package uploader

import (
	"bytes"
	"context"
	"hash/crc64"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The object-store port's contract: what the engine relies on from COS,
// checked against both implementations the tests use, the recording fake
// (fake_store_test.go) and cosStore over the wire to localcos. A behaviour
// the fake gets wrong fails here first, so the engine's tests over the
// fake prove what they would prove over the wire, without a wire twin of
// each of them.

// TestStoreContractFake runs the contract against the recording fake.
func TestStoreContractFake(t *testing.T) {
	t.Parallel()
	storeContract(t, func(t *testing.T) objectStore { return newFakeStore() })
}

// TestStoreContractWire runs the contract against cosStore and localcos.
func TestStoreContractWire(t *testing.T) {
	t.Parallel()
	storeContract(t, func(t *testing.T) objectStore { return cosStore{c: newEnv(t).client} })
}

// storeContract runs every clause on a fresh store from newStore.
func storeContract(t *testing.T, newStore func(t *testing.T) objectStore) {
	for _, c := range []struct {
		name string
		run  func(t *testing.T, s objectStore)
	}{
		{"PutThenHeadAndPeek", contractPut},
		{"MissingObject", contractMissing},
		{"ForbidOverwrite", contractForbid},
		{"MultipartRoundTrip", contractMultipart},
		{"CompleteRefusesWrongParts", contractWrongParts},
		{"UnknownUpload", contractUnknownUpload},
		{"ListingsAndAbort", contractListings},
		{"Delete", contractDelete},
	} {
		t.Run(c.name, func(t *testing.T) { c.run(t, newStore(t)) })
	}
}

// contractData is n bytes that differ from every other seed's.
func contractData(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) + seed
	}
	return b
}

func contractCRC(b []byte) uint64 { return crc64.Checksum(b, crcTable) }

// wantObject checks head and peek describe data at key (a ranged GET of an
// empty object is a 416, which carries no ETag).
func wantObject(t *testing.T, s objectStore, key string, data []byte) {
	t.Helper()
	ctx := context.Background()
	for name, get := range map[string]func(context.Context, string) (objectInfo, error){"head": s.head, "peek": s.peek} {
		info, err := get(ctx, key)
		if err != nil || !info.Found || info.Size != int64(len(data)) || info.CRC64 != contractCRC(data) || name == "head" && info.ETag == "" {
			t.Errorf("%s %q: %+v, %v; want %d bytes CRC64 %d", name, key, info, err, len(data), contractCRC(data))
		}
	}
}

// contractPut: a PUT answers the bytes' ETag (quoted MD5) and CRC64 with a
// request ID; HEAD and a ranged GET describe the object, an empty one too.
func contractPut(t *testing.T, s objectStore) {
	ctx := context.Background()
	data := contractData(3000, 1)
	rep, err := s.put(ctx, "dir/报告 a.txt", bytes.NewReader(data), int64(len(data)), writeOpts{ctype: "text/plain"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.ETag != etagOf(data) || rep.CRC64 != strconv.FormatUint(contractCRC(data), 10) || rep.RequestID == "" {
		t.Errorf("put reply %+v; want ETag %s CRC64 %d and a request ID", rep, etagOf(data), contractCRC(data))
	}
	wantObject(t, s, "dir/报告 a.txt", data)
	if _, err := s.put(ctx, "empty", bytes.NewReader(nil), 0, writeOpts{}); err != nil {
		t.Fatal(err)
	}
	wantObject(t, s, "empty", nil)
}

// contractMissing: HEAD and GET of a missing key are "not found", not an
// error.
func contractMissing(t *testing.T, s objectStore) {
	for name, get := range map[string]func(context.Context, string) (objectInfo, error){"head": s.head, "peek": s.peek} {
		if info, err := get(context.Background(), "nothing-here"); err != nil || info.Found {
			t.Errorf("%s of a missing key: %+v, %v", name, info, err)
		}
	}
}

// contractForbid: with x-cos-forbid-overwrite a PUT, an Initiate or a
// Complete onto an existing key is refused with FileAlreadyExists, and the
// object stays; without it a PUT replaces the object.
func contractForbid(t *testing.T, s objectStore) {
	ctx := context.Background()
	first, second := contractData(100, 1), contractData(100, 2)
	if _, err := s.put(ctx, "k", bytes.NewReader(first), 100, writeOpts{forbid: true}); err != nil {
		t.Fatalf("forbid onto a free key: %v", err)
	}
	if _, err := s.put(ctx, "k", bytes.NewReader(second), 100, writeOpts{forbid: true}); !isAlreadyExists(err) {
		t.Errorf("PUT with forbid onto an existing key: %v, want FileAlreadyExists", err)
	}
	wantObject(t, s, "k", first)
	id, _, err := s.initiate(ctx, "m", writeOpts{})
	if err != nil {
		t.Fatal(err)
	}
	part := contractData(MinPartSize, 3)
	prep, err := s.uploadPart(ctx, "m", id, 1, bytes.NewReader(part), int64(len(part)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.put(ctx, "m", bytes.NewReader(first), 100, writeOpts{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.complete(ctx, "m", id, []partRecord{{Number: 1, ETag: prep.ETag}}, true); !isAlreadyExists(err) {
		t.Errorf("Complete with forbid onto an existing key: %v, want FileAlreadyExists", err)
	}
	wantObject(t, s, "m", first)
	if _, err := s.put(ctx, "k", bytes.NewReader(second), 100, writeOpts{}); err != nil {
		t.Fatal(err)
	}
	wantObject(t, s, "k", second)
}

// contractMultipart: parts answer their own ETag and CRC64; ListParts
// lists those ETags; Complete joins the parts in order, answers the whole
// object's CRC64, and closes the upload.
func contractMultipart(t *testing.T, s objectStore) {
	ctx := context.Background()
	id, rep, err := s.initiate(ctx, "big.bin", writeOpts{ctype: "application/octet-stream"})
	if err != nil || id == "" || rep.RequestID == "" {
		t.Fatalf("initiate: %q %+v %v", id, rep, err)
	}
	parts := [][]byte{contractData(MinPartSize, 1), contractData(MinPartSize, 2), contractData(1000, 3)}
	var recs []partRecord
	var whole []byte
	for i, p := range parts {
		rep, err := s.uploadPart(ctx, "big.bin", id, i+1, bytes.NewReader(p), int64(len(p)))
		if err != nil {
			t.Fatal(err)
		}
		if rep.ETag != etagOf(p) || rep.CRC64 != strconv.FormatUint(contractCRC(p), 10) {
			t.Errorf("part %d reply %+v; want ETag %s CRC64 %d", i+1, rep, etagOf(p), contractCRC(p))
		}
		recs = append(recs, partRecord{Number: i + 1, ETag: rep.ETag})
		whole = append(whole, p...)
	}
	listed, err := s.listParts(ctx, "big.bin", id)
	if err != nil || len(listed) != len(parts) {
		t.Fatalf("listParts: %v, %v", listed, err)
	}
	for _, r := range recs {
		if listed[r.Number] != r.ETag {
			t.Errorf("part %d listed with ETag %s, sent %s", r.Number, listed[r.Number], r.ETag)
		}
	}
	rep, err = s.complete(ctx, "big.bin", id, recs, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.CRC64 != strconv.FormatUint(contractCRC(whole), 10) || rep.ETag == "" {
		t.Errorf("complete reply %+v; want CRC64 %d", rep, contractCRC(whole))
	}
	wantObject(t, s, "big.bin", whole)
	if ids, err := s.listUploads(ctx, "big.bin"); err != nil || len(ids) != 0 {
		t.Errorf("uploads open after Complete: %v, %v", ids, err)
	}
}

// contractWrongParts: a Complete naming a part with another ETag, or parts
// out of order, is refused with InvalidPart or InvalidPartOrder and
// leaves the upload open.
func contractWrongParts(t *testing.T, s objectStore) {
	ctx := context.Background()
	id, _, err := s.initiate(ctx, "w", writeOpts{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []partRecord
	for n := 1; n <= 2; n++ {
		p := contractData(MinPartSize, byte(n))
		rep, err := s.uploadPart(ctx, "w", id, n, bytes.NewReader(p), int64(len(p)))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, partRecord{Number: n, ETag: rep.ETag})
	}
	for name, bad := range map[string][]partRecord{
		"another ETag": {recs[0], {Number: 2, ETag: etagOf([]byte("not this part"))}},
		"out of order": {recs[1], recs[0]},
	} {
		_, err := s.complete(ctx, "w", id, bad, false)
		if er, ok := cosError(err); !ok || (er.Code != "InvalidPart" && er.Code != "InvalidPartOrder") {
			t.Errorf("%s: %v, want InvalidPart", name, err)
		}
	}
	if ids, err := s.listUploads(ctx, "w"); err != nil || !slices.Equal(ids, []string{id}) {
		t.Errorf("open uploads after refused Completes: %v, %v; want [%s]", ids, err, id)
	}
}

// contractUnknownUpload: a part, a listing or a Complete for an upload COS
// does not know is NoSuchUpload; aborting it counts as aborted.
func contractUnknownUpload(t *testing.T, s objectStore) {
	ctx := context.Background()
	const gone = "1585130821cbb7df1d11846c073ad648e8f33b087cec2381df437acdc833cf654b9ecc6361"
	if _, err := s.uploadPart(ctx, "k", gone, 1, strings.NewReader("x"), 1); !isNoSuchUpload(err) {
		t.Errorf("part of an unknown upload: %v", err)
	}
	if _, err := s.listParts(ctx, "k", gone); !isNoSuchUpload(err) {
		t.Errorf("listParts of an unknown upload: %v", err)
	}
	if _, err := s.complete(ctx, "k", gone, []partRecord{{Number: 1, ETag: etagOf([]byte("x"))}}, false); !isNoSuchUpload(err) {
		t.Errorf("complete of an unknown upload: %v", err)
	}
	if err := s.abort(ctx, "k", gone); err != nil {
		t.Errorf("abort of an unknown upload: %v", err)
	}
}

// contractListings: listUploads names the uploads of exactly one key (not
// of keys it prefixes); listOpen everything under a prefix, with the key
// and when it began; abort closes an upload.
func contractListings(t *testing.T, s objectStore) {
	ctx := context.Background()
	start := time.Now().Add(-time.Minute)
	var ids []string
	for _, key := range []string{"p/a", "p/a", "p/ab", "q/a"} {
		id, _, err := s.initiate(ctx, key, writeOpts{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	got, err := s.listUploads(ctx, "p/a")
	slices.Sort(got)
	want := slices.Sorted(slices.Values(ids[:2]))
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("listUploads(p/a) = %v, %v; want %v", got, err, want)
	}
	open, err := s.listOpen(ctx, "p/")
	if err != nil || len(open) != 3 {
		t.Fatalf("listOpen(p/) = %+v, %v; want 3", open, err)
	}
	for _, l := range open {
		if !strings.HasPrefix(l.Key, "p/") || l.UploadID == "" || l.Since.Before(start) || l.Since.After(time.Now().Add(time.Minute)) {
			t.Errorf("listed %+v", l)
		}
	}
	if err := s.abort(ctx, "p/a", ids[0]); err != nil {
		t.Fatal(err)
	}
	if got, err := s.listUploads(ctx, "p/a"); err != nil || !slices.Equal(got, ids[1:2]) {
		t.Errorf("after abort: %v, %v; want %v", got, err, ids[1:2])
	}
}

// contractDelete: DELETE removes an object and succeeds for a missing key
// as well (COS answers 204 either way).
func contractDelete(t *testing.T, s objectStore) {
	ctx := context.Background()
	if _, err := s.put(ctx, "d", strings.NewReader("gone soon"), 9, writeOpts{}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.delete(ctx, "d"); err != nil {
			t.Fatalf("delete: %v", err)
		}
	}
	if info, err := s.head(ctx, "d"); err != nil || info.Found {
		t.Errorf("head after delete: %+v, %v", info, err)
	}
}
