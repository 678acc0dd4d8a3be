package uploader

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
)

// Issue 11 over real HTTP: the engine against localcos with temporary
// credentials from its /sts, which by default grants exactly what
// Tencent's sample STS servers grant (no HeadObject, no
// AbortMultipartUpload). The env's own client (permanent key) plays the
// other client and inspects the bucket.

// newSampleEnv starts localcos with a credential server; actions nil is
// the sample grant.
func newSampleEnv(t *testing.T, actions []string, faults *localcos.Faults) (*env, Config) {
	t.Helper()
	srv := localcostest.Start(t, localcos.Config{SecretID: testID, SecretKey: testKey, STSActions: actions, Faults: faults})
	v := &env{t: t, srv: srv, data: t.TempDir(), state: t.TempDir(), client: localcostest.Client(srv, testID, testKey)}
	sts := auth.NewSTS(srv.STSURL()+"/sts", "", nil)
	t.Cleanup(func() { sts.Close() })
	cfg := v.config()
	cfg.Credentials, cfg.PartSize, cfg.Concurrency = sts, MinPartSize, 2
	return v, cfg
}

// put stores an object as another client would.
func (v *env) put(key string, data []byte) {
	v.t.Helper()
	if _, err := v.client.Object.Put(context.Background(), key, bytes.NewReader(data), nil); err != nil {
		v.t.Fatalf("put %s: %v", key, err)
	}
}

// TestSampleSTSRenameCrashRerun (issue 11, "rename makes duplicates"):
// with rename against an existing object, the engine is killed in the
// middle of the multipart upload to "big (1).bin"; rerunning the same
// upload resumes that upload (no second copy, no task left "uploading",
// no multipart upload left open), and rerunning it once finished adds no
// "big (2).bin".
func TestSampleSTSRenameCrashRerun(t *testing.T) {
	t.Parallel()
	t.Run("sample grant", func(t *testing.T) { renameCrashRerun(t, nil) })
	t.Run("broad grant", func(t *testing.T) { renameCrashRerun(t, localcos.BroadActions) })
}

func renameCrashRerun(t *testing.T, actions []string) {
	v, cfg := newSampleEnv(t, actions, nil)
	v.put("big.bin", []byte("another client's object"))
	p := filepath.Join(v.data, "big.bin")
	writeFile(t, p, 8<<20, 21)
	cfg.OnConflict, cfg.ResumeExisting, cfg.RateLimit = Rename, true, 4<<20
	e := v.engine(cfg)
	id := onlyTask(t, e, e.Add(p))
	first := waitState(t, e, id, func(s Snapshot) bool { return s.Acked >= 2<<20 })
	if first.Key != "big (1).bin" || first.UploadID == "" {
		t.Fatalf("before the kill: key %q upload %q", first.Key, first.UploadID)
	}
	e.crash()

	cfg.RateLimit = 0
	for run := 2; run <= 3; run++ {
		e2 := v.engine(cfg)
		snaps := waitBatch(t, e2, e2.Add(p))
		if len(snaps) != 1 || snaps[0].ID != id {
			t.Fatalf("run %d: tasks %+v, want only task %d again", run, snaps, id)
		}
		s := snaps[0]
		if s.State != Done || s.Key != "big (1).bin" || !s.Verified {
			t.Fatalf("run %d: %s key %q verified %v err %+v", run, s.State, s.Key, s.Verified, s.LastErr)
		}
		if s.UploadID != first.UploadID {
			t.Errorf("run %d: upload %q, want the killed run's %q resumed", run, s.UploadID, first.UploadID)
		}
		if all, _ := e2.Changes(0); len(all) != 1 {
			t.Errorf("run %d: %d tasks in the journal, want 1", run, len(all))
		}
		if err := e2.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, crc := v.head("big (1).bin"); crc != mustCRC(t, p) {
		t.Error("big (1).bin is not the file")
	}
	if found, _, _ := v.head("big (2).bin"); found {
		t.Error("a rerun added big (2).bin")
	}
	if n := v.objectCount(); n != 2 {
		t.Errorf("%d objects, want 2 (theirs and ours)", n)
	}
	if n := v.openUploads(); n != 0 {
		t.Errorf("%d multipart uploads left open", n)
	}
}

// TestSampleSTSConflictAtComplete: another client stores the key while our
// multipart upload is under way. Our Complete carries forbid-overwrite, so
// COS refuses it and rename starts again under "race (1).bin"; under the
// sample grant the first upload cannot be aborted, and its ID is recorded
// in the task's errors for a visible cleanup. Under the broad grant it is
// aborted.
func TestSampleSTSConflictAtComplete(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		actions []string
		open    int
	}{{"sample grant", nil, 1}, {"broad grant", localcos.BroadActions, 0}} {
		t.Run(c.name, func(t *testing.T) {
			v, cfg := newSampleEnv(t, c.actions, nil)
			p := filepath.Join(v.data, "race.bin")
			writeFile(t, p, 4<<20, 22)
			cfg.OnConflict, cfg.RateLimit = Rename, 2<<20
			e := v.engine(cfg)
			defer e.Close()
			id := onlyTask(t, e, e.Add(p))
			first := waitState(t, e, id, func(s Snapshot) bool { return s.UploadID != "" && s.Acked > 0 })
			theirs := []byte("the other client won the race")
			v.put("race.bin", theirs)
			e.SetRateLimit(0)
			s := final(t, e, id)
			if s.State != Done || s.Key != "race (1).bin" || !s.Verified || s.RequestedKey != "race.bin" {
				t.Fatalf("after losing the race: %s key %q requested %q err %+v", s.State, s.Key, s.RequestedKey, s.LastErr)
			}
			if _, size, _ := v.head("race.bin"); size != int64(len(theirs)) {
				t.Error("the other client's object was overwritten")
			}
			if _, _, crc := v.head("race (1).bin"); crc != mustCRC(t, p) {
				t.Error("race (1).bin is not the file")
			}
			waitFor(t, func() bool { return v.openUploads() == c.open })
			if c.open == 1 {
				s = waitState(t, e, id, func(s Snapshot) bool { return hasAbortError(s, first.UploadID) })
				if s.State != Done {
					t.Errorf("recording the failed abort changed the state to %s", s.State)
				}
			}
		})
	}
}

func hasAbortError(s Snapshot, uploadID string) bool {
	for _, te := range s.Errors {
		if te.Op == "abort" && te.Code == CodeAbortDenied && te.Args["upload_id"] == uploadID {
			return true
		}
	}
	return false
}

// TestSampleSTSLostComplete: COS completes the upload but the answer is
// lost. Under the sample grant (no HEAD) the retried Complete meets
// NoSuchUpload and ListMultipartUploads no longer shows ours: Done, but not
// verified, with the note saying why. Under the broad grant HEAD verifies.
func TestSampleSTSLostComplete(t *testing.T) {
	for _, c := range []struct {
		name     string
		actions  []string
		verified bool
	}{{"sample grant", nil, false}, {"broad grant", localcos.BroadActions, true}} {
		t.Run(c.name, func(t *testing.T) {
			faults, err := localcos.ParseFaults("complete-drop:times=1")
			if err != nil {
				t.Fatal(err)
			}
			v, cfg := newSampleEnv(t, c.actions, faults)
			p := filepath.Join(v.data, "lost.bin")
			writeFile(t, p, 3<<20, 23)
			e := v.engine(cfg)
			defer e.Close()
			s := final(t, e, onlyTask(t, e, e.Add(p)))
			if s.State != Done || s.Verified != c.verified {
				t.Fatalf("lost Complete: %s verified %v (want %v) note %+v err %+v", s.State, s.Verified, c.verified, s.Note, s.LastErr)
			}
			if !c.verified && (s.Note.Code != NoteCompletedUnverified || s.Note.Args["reason"] != "head_denied" || s.Note.Args["upload_id"] == "") {
				t.Errorf("unverified note %+v", s.Note)
			}
			if v.srv.Stats().Faults[localcos.CompleteDrop] != 1 {
				t.Error("the Complete answer was not dropped")
			}
			if _, _, crc := v.head("lost.bin"); crc != mustCRC(t, p) {
				t.Error("the object is not the file")
			}
			if h := e.History(); len(h) != 1 || h[0].Verified != c.verified {
				t.Errorf("history (receipts): %+v, want verified %v", h, c.verified)
			}
			// Reopened from the journal, it is still not verified.
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			snaps, err := ReadJournal(v.state)
			if err != nil || len(snaps) != 1 || snaps[0].Verified != c.verified {
				t.Errorf("journal: %+v %v", snaps, err)
			}
		})
	}
}

// TestSampleSTSCancelAbortDenied: cancel under the sample grant, which
// does not allow AbortMultipartUpload: the task says the fragments remain
// and why (AbortDenied), and names the upload for cleanup.
func TestSampleSTSCancelAbortDenied(t *testing.T) {
	t.Parallel()
	v, cfg := newSampleEnv(t, nil, nil)
	p := filepath.Join(v.data, "cancel.bin")
	writeFile(t, p, 6<<20, 24)
	cfg.RateLimit = 1 << 20
	e := v.engine(cfg)
	defer e.Close()
	id := onlyTask(t, e, e.Add(p))
	up := waitState(t, e, id, func(s Snapshot) bool { return s.UploadID != "" && s.Acked > 0 }).UploadID
	e.Cancel(id)
	s := waitState(t, e, id, func(s Snapshot) bool { return s.State == Canceled && s.Note.Code != "" })
	if s.Note.Code != NoteCanceledAbortDenied || s.Note.Args["upload_id"] != up {
		t.Fatalf("cancel without AbortMultipartUpload: note %+v", s.Note)
	}
	if s.LastErr == nil || s.LastErr.Code != CodeAbortDenied || s.LastErr.HTTPStatus != 403 {
		t.Errorf("last error %+v, want AbortDenied 403", s.LastErr)
	}
	if n := v.openUploads(); n != 1 {
		t.Errorf("%d uploads open, want the one COS refused to abort", n)
	}
}
