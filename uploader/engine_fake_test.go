package uploader

import (
	"errors"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

var errConnReset = errors.New("read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer")

// TestFakeCRCMismatchAfterPut: COS answers a PUT with another CRC64. The
// task fails loudly, once, and nothing is reported verified.
func TestFakeCRCMismatchAfterPut(t *testing.T) {
	v := newFakeEnv(t)
	v.store.fault = func(op string, n, _ int) *fault {
		if op == "put" {
			return &fault{apply: true, crc: "12345"}
		}
		return nil
	}
	e := v.engine(v.config())
	defer e.Close()
	s := final(t, e, onlyTask(t, e, e.Add(v.file("a.txt", 1000, 1))))
	if s.State != Failed || s.LastErr == nil || s.LastErr.Code != CodeCRCMismatch || s.LastErr.Party != PartyCOS {
		t.Fatalf("after a CRC64 mismatch: %s %+v", s.State, s.LastErr)
	}
	if s.CRC64 != 0 || s.ETag != "" {
		t.Errorf("a mismatched upload is reported with CRC64 %d, ETag %q", s.CRC64, s.ETag)
	}
	if n := v.store.count("put"); n != 1 {
		t.Errorf("%d PUTs: a CRC64 mismatch must not be retried silently", n)
	}
}

// TestFakeCRCMismatchAfterComplete: the joined object's CRC64 differs.
func TestFakeCRCMismatchAfterComplete(t *testing.T) {
	v := newFakeEnv(t)
	v.store.fault = func(op string, n, _ int) *fault {
		if op == "complete" {
			return &fault{apply: true, crc: "999"}
		}
		return nil
	}
	e := v.engine(v.config())
	defer e.Close()
	s := final(t, e, onlyTask(t, e, e.Add(v.file("big.bin", 3<<20+5, 2))))
	if s.State != Failed || s.LastErr == nil || s.LastErr.Code != CodeCRCMismatch {
		t.Fatalf("after a CRC64 mismatch on Complete: %s %+v", s.State, s.LastErr)
	}
	if n := v.store.count("complete"); n != 1 {
		t.Errorf("%d Completes: a mismatch must fail at once", n)
	}
}

// TestFakeUploadForgottenOnResume: COS no longer knows the journaled upload
// (NoSuchUpload): the file restarts cleanly, once, and no fragment is left.
func TestFakeUploadForgottenOnResume(t *testing.T) {
	v := newFakeEnv(t)
	release := make(chan struct{})
	v.store.fault = onPart(3, &fault{block: true})
	e := v.engine(v.config())
	defer e.Close()
	p := v.file("big.bin", 4<<20, 3)
	id := onlyTask(t, e, e.Add(p))
	waitState(t, e, id, func(s Snapshot) bool { return s.Acked >= 2<<20 })
	e.Pause(id)
	s := waitState(t, e, id, func(s Snapshot) bool { return s.State == Paused })
	v.store.mu.Lock()
	delete(v.store.uploads, s.UploadID) // COS forgot it (expired, or a lifecycle rule)
	v.store.fault = nil
	v.store.mu.Unlock()
	close(release)
	e.Resume(id)
	s = final(t, e, id)
	if s.State != Done || s.Note.Code != NoteUploadForgotten {
		t.Fatalf("after COS forgot the upload: %s note %+v err %+v", s.State, s.Note, s.LastErr)
	}
	v.verified(s.Key, p)
	if n := v.store.openUploads(); n != 0 {
		t.Errorf("%d uploads left open", n)
	}
	if n := v.store.count("initiate"); n != 2 {
		t.Errorf("%d Initiates, want 2 (the first, and one restart)", n)
	}
}

// TestFakeCompleteFailures: every way Complete goes wrong.
func TestFakeCompleteFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		fault     func(op string, n int) *fault
		want      State
		code      string
		completes int
		policy    ConflictPolicy // "" = overwrite
		verified  bool           // a Done task's Verified
	}{
		{"200 with an error body", func(op string, n int) *fault {
			if op == "complete" && n == 1 {
				return &fault{err: &codedError{code: "InternalError", status: 200, party: PartyCOS, msg: "200 with error", retryable: true}}
			}
			return nil
		}, Done, "", 2, "", true},
		{"lost response, object there", func(op string, n int) *fault {
			if op == "complete" && n == 1 {
				return &fault{apply: true, err: errConnReset}
			}
			return nil
		}, Done, "", 1, "", true},
		// Issue 11: under Tencent's sample STS policy (no HeadObject) a lost
		// Complete is settled by the list of open uploads: ours is gone, so
		// it completed; done, but never reported verified.
		{"lost response then 404, HEAD denied", func(op string, n int) *fault {
			switch {
			case op == "complete" && n == 1:
				return &fault{apply: true, err: errConnReset}
			case op == "head" || op == "get": // the sample grant: no HeadObject, no GetObject
				return &fault{err: cosErrorResp(403, "")}
			}
			return nil
		}, Done, "", 2, "", false},
		// CI saw this: the list that settles the lost Complete met a 503
		// (or an expired token) once, and the task failed NoSuchUpload.
		{"lost response then 404, HEAD denied, list answers 503 once",
			listFailsOnceAfterLostComplete(cosErrorResp(503, "ServiceUnavailable")), Done, "", 2, "", false},
		{"lost response then 404, HEAD denied, token expired at the list",
			listFailsOnceAfterLostComplete(cosErrorResp(400, "ExpiredToken")), Done, "", 2, "", false},
		{"lost response then 409 (forbid-overwrite), HEAD denied", func(op string, n int) *fault {
			switch {
			case op == "complete" && n == 1:
				return &fault{apply: true, err: errConnReset}
			case op == "head" || op == "get": // the sample grant: no HeadObject, no GetObject
				return &fault{err: cosErrorResp(403, "")}
			}
			return nil
		}, Done, "", 2, Rename, false},
		{"lost response then 404, HEAD denied, GET allowed", func(op string, n int) *fault {
			switch {
			case op == "complete" && n == 1:
				return &fault{apply: true, err: errConnReset}
			case op == "head":
				return &fault{err: cosErrorResp(403, "")}
			}
			return nil
		}, Done, "", 1, "", true},
		{"lost response then 409 (forbid-overwrite), HEAD allowed", func(op string, n int) *fault {
			if op == "complete" && n == 1 {
				return &fault{apply: true, err: errConnReset}
			}
			return nil
		}, Done, "", 1, Rename, true},
		{"upload gone before any Complete, HEAD denied", func(op string, n int) *fault {
			switch {
			case op == "complete":
				return &fault{err: cosErrorResp(404, "NoSuchUpload")}
			case op == "head" || op == "get": // the sample grant: no HeadObject, no GetObject
				return &fault{err: cosErrorResp(403, "")}
			}
			return nil
		}, Failed, CodeUnverified, 1, "", false},
		{"5xx then success", func(op string, n int) *fault {
			if op == "complete" && n == 1 {
				return &fault{err: cosErrorResp(503, "ServiceUnavailable")}
			}
			return nil
		}, Done, "", 2, "", true},
		{"InvalidPart", func(op string, n int) *fault {
			if op == "complete" {
				return &fault{err: cosErrorResp(400, "InvalidPart")}
			}
			return nil
		}, Failed, "InvalidPart", 1, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newFakeEnv(t)
			v.store.fault = func(op string, n, _ int) *fault { return c.fault(op, n) }
			cfg := v.config()
			cfg.OnConflict = c.policy
			e := v.engine(cfg)
			defer e.Close()
			p := v.file("big.bin", 2<<20+7, 4)
			s := final(t, e, onlyTask(t, e, e.Add(p)))
			if s.State != c.want || c.code != "" && (s.LastErr == nil || s.LastErr.Code != c.code) {
				t.Fatalf("%s: got %s %+v, want %s %s", c.name, s.State, s.LastErr, c.want, c.code)
			}
			if s.Verified != c.verified {
				t.Errorf("Verified %v, want %v (note %+v)", s.Verified, c.verified, s.Note)
			}
			if s.State == Done && !s.Verified && s.Note.Code != NoteCompletedUnverified {
				t.Errorf("an unverified Done task has note %+v, want %s", s.Note, NoteCompletedUnverified)
			}
			if s.Key != "big.bin" {
				t.Errorf("key %q: a lost Complete must not rename the task", s.Key)
			}
			if n := v.store.count("complete"); n != c.completes {
				t.Errorf("%d Completes, want %d", n, c.completes)
			}
			if c.want == Done {
				v.verified(s.Key, p)
			}
			waitFor(t, func() bool { return v.store.openUploads() == 0 })
		})
	}
}

// TestFakeListedPartETagMismatch: on resume, a part COS lists with another
// ETag than the journal's is sent again, and only that one.
func TestFakeListedPartETagMismatch(t *testing.T) {
	v := newFakeEnv(t)
	v.store.fault = onPart(4, &fault{block: true})
	cfg := v.config()
	cfg.Concurrency = 1
	e := v.engine(cfg)
	defer e.Close()
	p := v.file("big.bin", 4<<20, 5)
	id := onlyTask(t, e, e.Add(p))
	waitState(t, e, id, func(s Snapshot) bool { return s.Acked >= 3<<20 })
	e.Pause(id)
	s := waitState(t, e, id, func(s Snapshot) bool { return s.State == Paused })
	v.store.mu.Lock()
	v.store.uploads[s.UploadID].etags[2] = `"something-else"`
	v.store.fault = nil
	v.store.mu.Unlock()
	before := v.store.count("part")
	e.Resume(id)
	s = final(t, e, id)
	if s.State != Done {
		t.Fatalf("resume: %s %+v", s.State, s.LastErr)
	}
	v.verified(s.Key, p)
	if sent := v.store.count("part") - before; sent != 2 {
		t.Errorf("resume sent %d parts, want 2 (part 2 again and part 4)", sent)
	}
}

// TestFakeJournalFailureFailsTask (finding 3): a journal write error moves
// the task to Failed with JournalError, Party journal; it never stays
// "uploading" with no worker.
func TestFakeJournalFailureFailsTask(t *testing.T) {
	v := newFakeEnv(t)
	gate := make(chan struct{})
	v.store.fault = onPart(2, &fault{wait: gate})
	e := v.engine(v.config())
	defer e.Close()
	id := onlyTask(t, e, e.Add(v.file("big.bin", 3<<20, 6)))
	waitState(t, e, id, func(s Snapshot) bool { return s.State == Uploading })
	diskFull := errors.New("write journal.db: no space left on device")
	e.failCommit.Store(&diskFull)
	close(gate)
	s := final(t, e, id)
	if s.State != Failed || s.LastErr == nil || s.LastErr.Code != CodeJournal || s.LastErr.Party != PartyJournal {
		t.Fatalf("after a journal failure: %s %+v", s.State, s.LastErr)
	}
	// And it stays failed: no worker is left to move it.
	waitFor(t, func() bool { return e.Totals().Active == 0 })
	if s, _ := e.Get(id); s.State != Failed {
		t.Errorf("task left %s after a journal failure", s.State)
	}
}

// TestFakeRewrittenInPlaceNeverMixes (finding 10): kill mid-multipart,
// rewrite the file in place at the same size, restore its mtime, rerun:
// the object must be the new file, never old parts plus new ones.
func TestFakeRewrittenInPlaceNeverMixes(t *testing.T) {
	t.Parallel()
	v := newFakeEnv(t)
	v.store.fault = func(op string, n, part int) *fault {
		if op == "part" && part >= 6 {
			return &fault{block: true}
		}
		return nil
	}
	cfg := v.config()
	cfg.Concurrency = 1
	e := v.engine(cfg)
	p := v.file("big.bin", 10<<20, 7)
	id := onlyTask(t, e, e.Add(p))
	waitState(t, e, id, func(s Snapshot) bool { return s.Acked >= 5<<20 })
	e.crash() // kill -9
	fi, _ := os.Stat(p)
	f, err := os.OpenFile(p, os.O_WRONLY, 0) // dd conv=notrunc: same size, new bytes
	if err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, 10<<20)
	for i := range junk {
		junk[i] = byte(i*7 + 1)
	}
	f.WriteAt(junk, 0)
	f.Close()
	os.Chtimes(p, fi.ModTime(), fi.ModTime()) // touch -r
	v.store.mu.Lock()
	v.store.fault = nil
	v.store.mu.Unlock()
	cfg.AutoResume = true
	e2 := v.engine(cfg)
	defer e2.Close()
	s := final(t, e2, id)
	if s.State != Done || s.Note.Code != NoteRestartedFileChanged {
		t.Fatalf("rerun after an in-place rewrite: %s note %+v err %+v", s.State, s.Note, s.LastErr)
	}
	v.verified(s.Key, p)
	if s.CRC64 != mustCRC(t, p) {
		t.Errorf("reported CRC64 %d is not the file's", s.CRC64)
	}
	waitFor(t, func() bool { return v.store.openUploads() == 0 })
}

// TestFakeInitiateLostResponseAdopts (finding 11): an Initiate whose
// response is lost is not blindly repeated: the key's uploads are listed
// and the one it started is adopted; nothing is left open.
func TestFakeInitiateLostResponseAdopts(t *testing.T) {
	v := newFakeEnv(t)
	v.store.fault = func(op string, n, _ int) *fault {
		if op == "initiate" && n <= 3 {
			return &fault{apply: true, err: errConnReset}
		}
		return nil
	}
	e := v.engine(v.config())
	defer e.Close()
	p := v.file("big.bin", 2<<20+1, 8)
	s := final(t, e, onlyTask(t, e, e.Add(p)))
	if s.State != Done {
		t.Fatalf("%s %+v", s.State, s.LastErr)
	}
	v.verified(s.Key, p)
	if n := v.store.count("initiate"); n != 1 {
		t.Errorf("%d Initiates after a lost response, want 1", n)
	}
	if n := v.store.openUploads(); n != 0 {
		t.Errorf("%d uploads left open", n)
	}
}

// TestFakeFailedMultipartAbortsUpload (finding 11): a multipart task that
// fails for good (the file changed) aborts its upload, without a retry.
func TestFakeFailedMultipartAbortsUpload(t *testing.T) {
	v := newFakeEnv(t)
	gate := make(chan struct{})
	v.store.fault = onPart(2, &fault{wait: gate})
	e := v.engine(v.config())
	defer e.Close()
	p := v.file("big.bin", 3<<20, 9)
	id := onlyTask(t, e, e.Add(p))
	waitState(t, e, id, func(s Snapshot) bool { return s.UploadID != "" })
	f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("more")
	f.Close()
	close(gate)
	s := final(t, e, id)
	if s.State != Failed || s.LastErr.Code != CodeFileChanged {
		t.Fatalf("%s %+v", s.State, s.LastErr)
	}
	waitFor(t, func() bool { return v.store.openUploads() == 0 })
}

// TestFakeDefinitiveNotRetried (finding 14): a credential server that
// answers HTML is a definitive failure: one try, named, not NetworkError.
func TestFakeDefinitiveNotRetried(t *testing.T) {
	v := newFakeEnv(t)
	v.store.fault = func(op string, n, _ int) *fault {
		if op == "put" {
			return &fault{err: credErr(false)}
		}
		return nil
	}
	e := v.engine(v.config())
	defer e.Close()
	s := final(t, e, onlyTask(t, e, e.Add(v.file("a.txt", 10, 1))))
	if s.State != Failed || s.LastErr.Code != CodeCredentialServer || s.LastErr.Party != PartyCredentials ||
		s.LastErr.Args["kind"] != "html" || s.LastErr.Args["status"] != "200" {
		t.Fatalf("%s %+v", s.State, s.LastErr)
	}
	if n := v.store.count("put"); n != 1 {
		t.Errorf("%d tries of a definitive failure, want 1", n)
	}
}

// waitGone waits until the task is removed.
func waitGone(t testing.TB, e *Engine, id TaskID) {
	t.Helper()
	waitFor(t, func() bool { _, ok := e.Get(id); return !ok })
}

// within fails the test unless fn returns within waitBound: it catches a
// call that blocks (a deadlock, a wait on a hanging request), never a slow
// one.
func within(t testing.TB, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { fn(); close(done) }()
	select {
	case <-done:
	case <-time.After(waitBound):
		t.Fatalf("%s did not return within %v", what, waitBound)
	}
}

// TestFakeContentType (issue 11): PUT and Initiate carry the Content-Type
// of the key's extension, so a picture displays instead of downloading.
func TestFakeContentType(t *testing.T) {
	v := newFakeEnv(t)
	e := v.engine(v.config())
	defer e.Close()
	b := e.Add(v.file("photo.jpg", 100, 1), v.file("report.pdf", 2<<20+1, 2), v.file("data.weird", 10, 3))
	waitBatch(t, e, b)
	want := map[string]string{"photo.jpg": "image/jpeg", "report.pdf": "application/pdf", "data.weird": "application/octet-stream"}
	for key, ct := range want {
		if got := v.store.ctypes[key]; got != ct {
			t.Errorf("%s sent as %q, want %q", key, got, ct)
		}
	}
}

// listFailsOnceAfterLostComplete is the sample grant (no HEAD, no GET) with
// Complete's first answer lost; the list of open uploads that settles the
// second Complete's NoSuchUpload fails once with err.
func listFailsOnceAfterLostComplete(err error) func(op string, n int) *fault {
	var completes, listFails atomic.Int32
	return func(op string, n int) *fault {
		switch {
		case op == "complete":
			if completes.Add(1) == 1 {
				return &fault{apply: true, err: errConnReset}
			}
		case op == "head" || op == "get":
			return &fault{err: cosErrorResp(403, "")}
		case op == "listUploads" && completes.Load() >= 2 && listFails.Add(1) == 1:
			return &fault{err: err}
		}
		return nil
	}
}
