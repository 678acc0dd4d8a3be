package uploader

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestFakeLostJournalAdoptsOpenUpload (issue 20, finding 3): a kill in the
// middle of a multipart upload, then the journal is lost (both meta pages
// zeroed and nothing salvaged). The rerun of the same file adopts the
// upload it finds open for the key, whose parts are the file's bytes: no
// second upload, only the missing parts sent, nothing left open on COS.
func TestFakeLostJournalAdoptsOpenUpload(t *testing.T) {
	v, cfg, p := lostJournalMidUpload(t)
	v.store.mu.Lock()
	v.store.fault = nil
	parts, inits := v.store.counts["part"], v.store.counts["initiate"]
	v.store.mu.Unlock()

	e2 := v.engine(cfg)
	defer e2.Close()
	s := final(t, e2, onlyTask(t, e2, e2.Add(p)))
	if s.State != Done {
		t.Fatalf("rerun: %s %+v", s.State, s.LastErr)
	}
	v.verified("big.bin", p)
	if n := v.store.count("initiate") - inits; n != 0 {
		t.Errorf("the rerun started %d uploads; want the open one adopted", n)
	}
	if n := v.store.count("part") - parts; n != 2 {
		t.Errorf("the rerun sent %d parts, want the 2 COS did not hold", n)
	}
	if n := v.store.openUploads(); n != 0 {
		t.Errorf("%d uploads left open on COS", n)
	}
}

// TestFakeCleanupAsksCOS (issue 20, finding 3): cleanup with a journal that
// lists no leftover still asks COS. An open upload at a key this journal
// finished uploading, initiated before that, is CosDrop's orphan (a lost
// journal's) and is aborted; one at a key it never used, or started at
// that key after the task finished (another computer's), is reported, not
// aborted.
func TestFakeCleanupAsksCOS(t *testing.T) {
	for _, denied := range []bool{false, true} {
		v := newFakeEnv(t)
		cfg := v.config()
		cfg.Prefix = "in/"
		e := v.engine(cfg)
		p := v.file("done.bin", 1000, 1)
		if s := final(t, e, onlyTask(t, e, e.Add(p))); s.State != Done || s.Key != "in/done.bin" {
			t.Fatalf("setup: %s %s", s.State, s.Key)
		}
		ctx := context.Background()
		later, _, _ := v.store.initiate(ctx, "in/done.bin", writeOpts{})
		orphan, _, _ := v.store.initiate(ctx, "in/done.bin", writeOpts{})
		v.store.uploads[orphan].since = time.Now().Add(-time.Hour) // before the task finished
		other, _, _ := v.store.initiate(ctx, "in/other.bin", writeOpts{})
		v.store.initiate(ctx, "elsewhere/x.bin", writeOpts{})
		if denied { // Tencent's sample STS grant: no AbortMultipartUpload
			v.store.fault = func(op string, _, _ int) *fault {
				if op == "abort" {
					return &fault{err: cosErrorResp(403, "AccessDenied")}
				}
				return nil
			}
		}
		res, err := e.CleanLeftovers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Unknown) != 2 || res.Unknown[0].UploadID != later || res.Unknown[1].UploadID != other {
			t.Errorf("denied %v: unknown %+v, want %s (in/done.bin, started later) and %s (in/other.bin)", denied, res.Unknown, later, other)
		}
		switch {
		case !denied && (res.Ended != 1 || len(res.Open) != 0):
			t.Errorf("ended %d open %+v, want the orphan %s aborted", res.Ended, res.Open, orphan)
		case denied && (res.Ended != 0 || len(res.Open) != 1 || res.Open[0].UploadID != orphan):
			t.Errorf("abort denied: ended %d open %+v, want the orphan %s reported open", res.Ended, res.Open, orphan)
		}
		if denied {
			waitFor(t, func() bool { l, _ := e.Leftovers(); return len(l) == 1 })
		}
		e.Close()
	}
}

// An adopted upload that is gone by the time its parts are listed (another
// program completed or aborted it in between) is dropped, and the file goes
// up in an upload of its own. The resume's restart left the task with no
// upload and no part size, and the engine divided by zero (seen once under
// load in make test).
func TestFakeAdoptedUploadVanishes(t *testing.T) {
	v, cfg, p := lostJournalMidUpload(t)
	v.store.mu.Lock()
	lists := v.store.counts["listParts"]
	v.store.fault = func(op string, n, _ int) *fault {
		if op == "listParts" && n == lists+2 { // the adoption's look succeeds; the resume's finds it gone
			return &fault{err: cosErrorResp(404, "NoSuchUpload")}
		}
		return nil
	}
	v.store.mu.Unlock()

	e2 := v.engine(cfg)
	defer e2.Close()
	s := final(t, e2, onlyTask(t, e2, e2.Add(p)))
	if s.State != Done {
		t.Fatalf("rerun: %s %+v", s.State, s.LastErr)
	}
	v.verified("big.bin", p)
}

// lostJournalMidUpload crashes an engine halfway through a 4 MiB upload
// (two of its 1 MiB parts on the fake COS, the third held) and removes its
// journal, as a lost journal leaves things: the upload open, nothing
// recording it. It returns the environment, the engine configuration to
// rerun with and the file's path; the held part stays held until the
// caller replaces the fault plan.
func lostJournalMidUpload(t *testing.T) (*fakeEnv, Config, string) {
	t.Helper()
	v := newFakeEnv(t)
	v.store.fault = onPart(3, &fault{block: true})
	cfg := v.config()
	cfg.Concurrency = 1
	e := v.engine(cfg)
	p := v.file("big.bin", 4<<20, 9)
	id := onlyTask(t, e, e.Add(p))
	waitState(t, e, id, func(s Snapshot) bool { return s.Acked >= 2<<20 })
	e.crash()
	if err := os.Remove(filepath.Join(v.state, JournalFile)); err != nil {
		t.Fatal(err)
	}
	return v, cfg, p
}
