package uploader

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"testing"
)

// TestFakeKillAfterInitiateLeavesNothingOpen: a kill after COS made a
// multipart upload but before the journal recorded its ID, then the file
// rewritten, then a rerun. That upload holds no part (parts are sent only
// once the ID is journaled), so the rerun could not adopt it by its bytes
// and could not tell it from another client's: it stayed open on COS for
// good, billed (make soak-short, seed 813, failed "open multipart upload"
// about one run in five). The journal now records, before Initiate is
// sent, that it is being sent and which uploads the key already had; the
// rerun takes an upload outside that list as its own and finishes the
// file in it (no AbortMultipartUpload needed: Tencent's sample STS grant
// has none). Another client's upload, open before the Initiate, is never
// touched. Where the rerun may not list uploads, it touches nothing.
func TestFakeKillAfterInitiateLeavesNothingOpen(t *testing.T) {
	cases := []struct {
		name      string
		size      int64 // the rewritten file's size
		arrived   bool  // COS made the upload before the kill
		abortDeny bool  // Tencent's sample STS grant: no AbortMultipartUpload
		listDeny  bool  // the rerun may not list uploads
		wantOpen  int   // uploads open at the end, the other client's included
		wantInits int   // uploads the rerun starts
		wantStray bool  // the stray upload is still open (listing denied)
	}{
		{name: "rewritten larger", size: 5<<20 + 3, arrived: true, wantOpen: 1},
		{name: "rewritten larger, abort denied", size: 5<<20 + 3, arrived: true, abortDeny: true, wantOpen: 1},
		{name: "rewritten smaller than a part", size: 1000, arrived: true, wantOpen: 1},
		{name: "Initiate never reached COS", size: 5<<20 + 3, wantOpen: 1, wantInits: 1},
		{name: "listing denied on the rerun", size: 5<<20 + 3, arrived: true, listDeny: true, wantOpen: 2, wantInits: 1, wantStray: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newFakeEnv(t)
			ctx := context.Background()
			// Another client's upload of the same key, open before ours.
			other, _, _ := v.store.initiate(ctx, "big.bin", writeOpts{})
			otherPart := []byte("another client's part")
			if _, err := v.store.uploadPart(ctx, "big.bin", other, 1, bytes.NewReader(otherPart), int64(len(otherPart))); err != nil {
				t.Fatal(err)
			}
			inInit := make(chan struct{}, 1)
			v.setFault(func(op string, _, _ int) *fault {
				if op == "initiate" {
					select {
					case inInit <- struct{}{}:
					default:
					}
					return &fault{block: true}
				}
				return nil
			})
			cfg := v.config()
			e := v.engine(cfg)
			p := v.file("big.bin", 3<<20+11, 5)
			id := onlyTask(t, e, e.Add(p))
			<-inInit
			e.crash() // kill -9 while Initiate's answer is on its way
			v.setFault(nil)
			var stray string
			if c.arrived { // COS made the upload; nobody read the answer
				stray, _, _ = v.store.initiate(ctx, "big.bin", writeOpts{})
			}
			writeFile(t, p, c.size, 6) // rewritten before the rerun
			if c.abortDeny || c.listDeny {
				v.setFault(func(op string, _, _ int) *fault {
					if op == "abort" && c.abortDeny || op == "listUploads" && c.listDeny {
						return &fault{err: cosErrorResp(403, "AccessDenied")}
					}
					return nil
				})
			}
			inits := v.store.count("initiate")

			resumedDone(t, v, cfg, id)
			v.verified("big.bin", p)
			if n := v.store.count("initiate") - inits; n != c.wantInits {
				t.Errorf("the rerun started %d uploads, want %d", n, c.wantInits)
			}
			v.store.mu.Lock()
			open := make([]string, 0, len(v.store.uploads))
			for uid := range v.store.uploads {
				open = append(open, uid)
			}
			u := v.store.uploads[other]
			v.store.mu.Unlock()
			if len(open) != c.wantOpen {
				t.Errorf("uploads left open %v, want %d (the other client's %s)", open, c.wantOpen, other)
			}
			if u == nil || string(u.parts[1]) != string(otherPart) {
				t.Errorf("another client's upload %s was aborted or written to", other)
			}
			if c.arrived && slices.Contains(open, stray) != c.wantStray {
				t.Errorf("stray upload %s open %v, want %v", stray, !c.wantStray, c.wantStray)
			}
		})
	}
}

// TestCodecInitiatingMark: the mark round-trips, and a marked record is the
// unmarked one with a flag bit and a tail after RelAt, both of which
// readers before the mark ignore: a journal written now stays readable by
// the version before, and theirs by this one.
func TestCodecInitiatingMark(t *testing.T) {
	plain := record{ID: 3, Path: "/d/big.bin", Key: "in/big.bin", Size: 5 << 20, State: Uploading, RelAt: 3, Created: 1}
	marked := plain
	marked.Initiating = &initMark{Key: "in/big.bin", Before: []string{"u-1", "u-2"}}
	pb, err := encodeRecord(&plain)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := encodeRecord(&marked)
	if err != nil {
		t.Fatal(err)
	}
	var got record
	if err := decodeRecord(mb, &got); err != nil || !reflect.DeepEqual(got, marked) {
		t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, marked)
	}
	var cut record
	if err := decodeRecord(mb[:len(mb)-1], &cut); err == nil {
		t.Error("a record with a truncated mark decoded without error")
	}
	if len(mb) <= len(pb) {
		t.Fatalf("marked record %d bytes, plain %d", len(mb), len(pb))
	}
	diff := 0
	for i := range pb {
		if pb[i] != mb[i] {
			diff++
			if mb[i]&^flagInitiating != pb[i] {
				t.Errorf("byte %d: %#x marked, %#x plain: more than the flag bit differs", i, mb[i], pb[i])
			}
		}
	}
	if diff != 1 {
		t.Errorf("%d bytes differ before the tail, want 1 (the flag byte)", diff)
	}
	var old record
	if err := decodeRecord(pb, &old); err != nil || old.Initiating != nil {
		t.Errorf("an unmarked record reads with mark %+v (%v)", old.Initiating, err)
	}
}

// resumedDone reruns the state directory as a restart does (unfinished
// tasks queued again) and returns task id once it is done; the engine is
// closed when the test ends.
func resumedDone(t *testing.T, v *fakeEnv, cfg Config, id TaskID) Snapshot {
	t.Helper()
	cfg.AutoResume = true
	e := v.engine(cfg)
	t.Cleanup(func() { e.Close() })
	s := final(t, e, id)
	if s.State != Done {
		t.Fatalf("rerun after the kill: %s note %+v err %+v", s.State, s.Note, s.LastErr)
	}
	return s
}
