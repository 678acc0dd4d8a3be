package uploader

import (
	"context"
	"os"
	"sync"
	"testing"
)

// Issue 11, engine unit tests over the recording fake: conflict policies
// built on x-cos-forbid-overwrite, and what happens when HeadObject is
// denied (Tencent's sample STS policies).

// denyHead makes every HEAD answer 403 with no body, as COS does for a
// HEAD the policy does not allow.
func denyHead(op string) *fault {
	if op == "head" {
		return &fault{err: cosErrorResp(403, "")}
	}
	return nil
}

// putObject stores an object in the fake as another client would.
func (s *fakeStore) putObject(key string, data []byte) {
	s.mu.Lock()
	s.objects[key] = data
	s.mu.Unlock()
}

// TestFakeRenameByForbidOverwrite: rename finds the free name by writing
// with x-cos-forbid-overwrite, without a single HEAD, and never replaces
// an object; for small files (PUT) and large ones (Initiate).
func TestFakeRenameByForbidOverwrite(t *testing.T) {
	for _, c := range []struct {
		name string
		size int64
		op   string
	}{{"put", 1000, "put"}, {"multipart", 3<<20 + 5, "initiate"}} {
		t.Run(c.name, func(t *testing.T) {
			v := newFakeEnv(t)
			v.store.putObject("a.bin", []byte("theirs"))
			v.store.putObject("a (1).bin", []byte("theirs too"))
			cfg := v.config()
			cfg.OnConflict = Rename
			e := v.engine(cfg)
			defer e.Close()
			p := v.file("a.bin", c.size, 7)
			s := final(t, e, onlyTask(t, e, e.Add(p)))
			if s.State != Done || s.Key != "a (2).bin" || !s.Verified {
				t.Fatalf("rename: %s key %q verified %v err %+v", s.State, s.Key, s.Verified, s.LastErr)
			}
			if s.RequestedKey != "a.bin" || s.Note.Code != NoteRenamed || s.Note.Args["to"] != "a (2).bin" {
				t.Errorf("requested key %q, note %+v", s.RequestedKey, s.Note)
			}
			v.verified("a (2).bin", p)
			if b, _ := v.store.object("a.bin"); string(b) != "theirs" {
				t.Error("rename overwrote a.bin")
			}
			if n := v.store.count("head"); n != 0 {
				t.Errorf("%d HEADs: rename needs none", n)
			}
			if n := v.store.forbidCount(c.op); n != 3 {
				t.Errorf("%d %s calls with forbid-overwrite, want 3 (a, a (1), a (2))", n, c.op)
			}
			if n := v.store.openUploads(); n != 0 {
				t.Errorf("%d uploads left open", n)
			}
		})
	}
}

// raceAtComplete makes another client store obj at key just before the
// first Complete reaches the fake (it won the race after our Initiate).
func raceAtComplete(v *fakeEnv, key string, obj []byte, more func(op string) *fault) {
	var once sync.Once
	v.store.fault = func(op string, n, _ int) *fault {
		if op == "complete" {
			once.Do(func() { v.store.putObject(key, obj) })
		}
		if more != nil {
			return more(op)
		}
		return nil
	}
}

// TestFakeConflictAtComplete: another client creates the key between our
// Initiate and our Complete. Complete carries forbid-overwrite, so COS
// refuses (409) and the policy applies: rename restarts under the next
// name (the first upload aborted), skip ends Skipped; neither overwrites.
func TestFakeConflictAtComplete(t *testing.T) {
	theirs := []byte("another client's object")
	t.Run("rename", func(t *testing.T) {
		v := newFakeEnv(t)
		raceAtComplete(v, "big.bin", theirs, nil)
		cfg := v.config()
		cfg.OnConflict = Rename
		e := v.engine(cfg)
		defer e.Close()
		p := v.file("big.bin", 3<<20+5, 8)
		s := final(t, e, onlyTask(t, e, e.Add(p)))
		if s.State != Done || s.Key != "big (1).bin" || !s.Verified {
			t.Fatalf("after a race at Complete: %s key %q err %+v", s.State, s.Key, s.LastErr)
		}
		v.verified("big (1).bin", p)
		if b, _ := v.store.object("big.bin"); string(b) != string(theirs) {
			t.Error("the other client's object was overwritten")
		}
		if n := v.store.forbidCount("complete"); n != 2 {
			t.Errorf("%d Completes with forbid-overwrite, want 2", n)
		}
		waitFor(t, func() bool { return v.store.openUploads() == 0 })
	})
	t.Run("skip, HEAD denied", func(t *testing.T) {
		v := newFakeEnv(t)
		raceAtComplete(v, "big.bin", theirs, denyHead)
		cfg := v.config()
		cfg.OnConflict = SkipIdentical
		e := v.engine(cfg)
		defer e.Close()
		s := final(t, e, onlyTask(t, e, e.Add(v.file("big.bin", 3<<20+5, 9))))
		if s.State != Skipped || s.Note.Code != NoteSkippedUncompared {
			t.Fatalf("skip after a race at Complete: %s note %+v err %+v", s.State, s.Note, s.LastErr)
		}
		if b, _ := v.store.object("big.bin"); string(b) != string(theirs) {
			t.Error("the other client's object was overwritten")
		}
		waitFor(t, func() bool { return v.store.openUploads() == 0 })
	})
	t.Run("skip, HEAD allowed, identical", func(t *testing.T) {
		v := newFakeEnv(t)
		p := v.file("big.bin", 3<<20+5, 10)
		same, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		raceAtComplete(v, "big.bin", same, nil)
		cfg := v.config()
		cfg.OnConflict = SkipIdentical
		e := v.engine(cfg)
		defer e.Close()
		s := final(t, e, onlyTask(t, e, e.Add(p)))
		if s.State != Skipped || s.Note.Code != NoteSkippedIdentical {
			t.Fatalf("identical after a race: %s note %+v err %+v", s.State, s.Note, s.LastErr)
		}
		waitFor(t, func() bool { return v.store.openUploads() == 0 })
	})
}

// TestFakeSkipHeadDenied: skip identical where HeadObject is denied: the
// existing object is not overwritten, and the note says it could not be
// compared. A key with no object uploads normally (with forbid-overwrite).
func TestFakeSkipHeadDenied(t *testing.T) {
	v := newFakeEnv(t)
	v.store.putObject("old.txt", []byte("theirs"))
	v.store.fault = func(op string, _, _ int) *fault { return denyHead(op) }
	cfg := v.config()
	cfg.OnConflict = SkipIdentical
	e := v.engine(cfg)
	defer e.Close()
	old := v.file("old.txt", 500, 11)
	s := final(t, e, onlyTask(t, e, e.Add(old)))
	if s.State != Skipped || s.Note.Code != NoteSkippedUncompared || s.Note.Args["key"] != "old.txt" {
		t.Fatalf("skip with HEAD denied: %s note %+v err %+v", s.State, s.Note, s.LastErr)
	}
	if b, _ := v.store.object("old.txt"); string(b) != "theirs" {
		t.Error("skip overwrote an object it could not compare")
	}
	fresh := v.file("new.txt", 500, 12)
	s = final(t, e, onlyTask(t, e, e.Add(fresh)))
	if s.State != Done || !s.Verified {
		t.Fatalf("new key with HEAD denied: %s err %+v", s.State, s.LastErr)
	}
	v.verified("new.txt", fresh)
	if n := v.store.count("head"); n != 2 {
		t.Errorf("%d HEADs, want 2 (one, and one with fresh credentials): once denied, the engine stops asking", n)
	}
}

// TestFakeAskHeadDenied: ask where HeadObject is denied asks on the 409,
// with the remote size unknown (-1), and applies the answer.
func TestFakeAskHeadDenied(t *testing.T) {
	v := newFakeEnv(t)
	v.store.putObject("q.txt", []byte("theirs"))
	v.store.fault = func(op string, _, _ int) *fault { return denyHead(op) }
	var mu sync.Mutex
	var asked []Conflict
	cfg := v.config()
	cfg.OnConflict = Ask
	cfg.AskConflict = func(_ context.Context, c []Conflict) (ConflictPolicy, error) {
		mu.Lock()
		asked = append(asked, c...)
		mu.Unlock()
		return Rename, nil
	}
	e := v.engine(cfg)
	defer e.Close()
	s := final(t, e, onlyTask(t, e, e.Add(v.file("q.txt", 300, 13))))
	if s.State != Done || s.Key != "q (1).txt" {
		t.Fatalf("ask with HEAD denied: %s key %q err %+v", s.State, s.Key, s.LastErr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 1 || asked[0].RemoteSize != -1 || asked[0].Key != "q.txt" {
		t.Errorf("questions %+v, want one about q.txt with RemoteSize -1", asked)
	}
	if b, _ := v.store.object("q.txt"); string(b) != "theirs" {
		t.Error("ask overwrote before the answer")
	}
}

// TestCodecRequestedAndUnverified: the requested key and the unverified
// bit survive the journal; a version 2 record (before them) still reads.
func TestCodecRequestedAndUnverified(t *testing.T) {
	r := record{ID: 4, Path: "/d/a.txt", Key: "a (1).txt", Requested: "a.txt", State: Done, Unverified: true, Resolved: true}
	b, err := encodeRecord(&r)
	if err != nil {
		t.Fatal(err)
	}
	var got record
	if err := decodeRecord(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Requested != "a.txt" || !got.Unverified || !got.Resolved || got.Key != "a (1).txt" {
		t.Errorf("decoded %+v", got)
	}
	// A version 2 record is the same bytes without the trailing field.
	r2 := record{ID: 5, Path: "/d/b.txt", Key: "b.txt", State: Done, Resolved: true}
	b, _ = encodeRecord(&r2)
	b[0] = recordV2
	b = b[:len(b)-1] // the empty requested key
	var old record
	if err := decodeRecord(b, &old); err != nil || old.Key != "b.txt" || !old.Resolved || old.Unverified || old.requested() != "b.txt" {
		t.Errorf("version 2 record: %+v, %v", old, err)
	}
}

// TestFakeLostPutThen409: a PUT reaches COS but its answer is lost; the
// retry (with forbid-overwrite) meets our own object. Where HEAD is
// allowed, size and CRC64 show it is ours: Done, no renamed copy.
func TestFakeLostPutThen409(t *testing.T) {
	v := newFakeEnv(t)
	v.store.fault = func(op string, n, _ int) *fault {
		if op == "put" && n == 1 {
			return &fault{apply: true, err: errConnReset}
		}
		return nil
	}
	cfg := v.config()
	cfg.OnConflict = Rename
	e := v.engine(cfg)
	defer e.Close()
	p := v.file("lost.txt", 700, 14)
	s := final(t, e, onlyTask(t, e, e.Add(p)))
	if s.State != Done || s.Key != "lost.txt" || !s.Verified {
		t.Fatalf("lost PUT answer: %s key %q err %+v", s.State, s.Key, s.LastErr)
	}
	if _, ok := v.store.object("lost (1).txt"); ok {
		t.Error("a lost answer made a renamed copy")
	}
}
