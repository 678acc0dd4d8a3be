package uploader

import (
	"testing"
)

// finishUpload is COS joining key's open upload after the client died: the
// Complete it received runs to its end though nobody reads the answer.
func (s *fakeStore) finishUpload(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, u := range s.uploads {
		if u.key != key {
			continue
		}
		var data []byte
		for n := 1; n <= len(u.parts); n++ {
			data = append(data, u.parts[n]...)
		}
		s.objects[key] = data
		delete(s.uploads, id)
		return true
	}
	return false
}

// TestFakeKillDuringCompleteResendsNothing (issue 20, findings 1 and 2): a
// kill while Complete is in flight, COS finishing the upload after the
// client died, then a rerun. The rerun settles the journaled Complete
// before anything else: no part is sent again, no second upload is
// started and, under rename, no "big (1).bin" is stored beside the object.
// Where HEAD is allowed the object is verified (size and CRC64); under a
// grant without HeadObject, GetObject or ListObjects (Tencent's sample STS
// policy) it is done, NOT verified, and says why.
func TestFakeKillDuringCompleteResendsNothing(t *testing.T) {
	cases := []struct {
		name     string
		policy   ConflictPolicy
		headDeny bool
		open     bool // COS had not joined the parts yet: Complete is sent again
	}{
		{"overwrite, HEAD allowed", Overwrite, false, false},
		{"rename, HEAD allowed", Rename, false, false},
		{"overwrite, HEAD denied", Overwrite, true, false},
		{"rename, HEAD denied", Rename, true, false},
		{"skip identical, HEAD denied", SkipIdentical, true, false},
		{"rename, HEAD denied, upload still open", Rename, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newFakeEnv(t)
			inComplete := make(chan struct{}, 1)
			deny := func(op string) *fault {
				if c.headDeny && (op == "head" || op == "get" || op == "list") {
					return &fault{err: cosErrorResp(403, "AccessDenied")}
				}
				return nil
			}
			v.store.fault = func(op string, _, _ int) *fault {
				if op == "complete" {
					select {
					case inComplete <- struct{}{}:
					default:
					}
					return &fault{block: true}
				}
				return deny(op)
			}
			cfg := v.config()
			cfg.OnConflict = c.policy
			e := v.engine(cfg)
			p := v.file("big.bin", 3<<20+11, 5)
			id := onlyTask(t, e, e.Add(p))
			<-inComplete
			e.crash() // kill -9 while Complete waits for its answer
			if !c.open && !v.store.finishUpload("big.bin") {
				t.Fatal("no open upload to finish")
			}
			v.store.mu.Lock()
			v.store.fault = func(op string, _, _ int) *fault { return deny(op) }
			parts, inits := v.store.counts["part"], v.store.counts["initiate"]
			v.store.mu.Unlock()

			s := resumedDone(t, v, cfg, id)
			if n := v.store.count("part") - parts; n != 0 {
				t.Errorf("%d parts sent again after the kill, want 0", n)
			}
			if n := v.store.count("initiate") - inits; n != 0 {
				t.Errorf("%d uploads started again after the kill, want 0", n)
			}
			if s.Key != "big.bin" {
				t.Errorf("key %q, want big.bin: the rerun took its own object for another's", s.Key)
			}
			if _, ok := v.store.object("big (1).bin"); ok {
				t.Error(`a second copy "big (1).bin" was stored`)
			}
			v.verified("big.bin", p)
			if s.Verified == (c.headDeny && !c.open) {
				t.Errorf("Verified %v with HEAD denied %v (note %+v)", s.Verified, c.headDeny, s.Note)
			}
			if !s.Verified && s.Note.Code != NoteCompletedUnverified {
				t.Errorf("an unverified Done task has note %+v, want %s", s.Note, NoteCompletedUnverified)
			}
			if n := v.store.openUploads(); n != 0 {
				t.Errorf("%d uploads left open", n)
			}
		})
	}
}
