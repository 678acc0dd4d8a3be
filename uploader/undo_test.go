package uploader

import (
	"context"
	"errors"
	"testing"
	"time"
)

// undoSetup uploads one small file through the fake store and returns the
// engine, the env and the finished task.
func undoSetup(t *testing.T) (*fakeEnv, *Engine, Snapshot) {
	t.Helper()
	v := newFakeEnv(t)
	e := v.engine(v.config())
	t.Cleanup(func() { e.Close() })
	s := final(t, e, onlyTask(t, e, e.Add(v.file("photo.jpg", 1000, 7))))
	if s.State != Done || s.ETag == "" {
		t.Fatalf("upload: %s %q", s.State, s.ETag)
	}
	return v, e, s
}

func undoReason(t *testing.T, err error) *UndoError {
	t.Helper()
	var ue *UndoError
	if !errors.As(err, &ue) {
		t.Fatalf("want an *UndoError, got %v", err)
	}
	return ue
}

// The ETag still matches: the object is deleted (HEAD, then DELETE), and
// the task says so in its Note, durably.
func TestUndoDeletesOwnObject(t *testing.T) {
	v, e, s := undoSetup(t)
	before := time.Now().UTC().Add(-time.Second)
	if err := e.DeleteUploaded(context.Background(), s.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := v.store.object(s.Key); ok {
		t.Fatal("the object is still there")
	}
	if v.store.count("head") == 0 || v.store.count("delete") != 1 {
		t.Errorf("%d HEADs, %d DELETEs; want a HEAD first and one DELETE", v.store.count("head"), v.store.count("delete"))
	}
	got, _ := e.Get(s.ID)
	at, err := time.Parse(time.RFC3339, got.Note.Args["at"])
	if got.Note.Code != NoteDeleted || err != nil || at.Before(before) || got.State != Done {
		t.Fatalf("after the delete: %s note %+v", got.State, got.Note)
	}
	// A second undo does not ask COS again.
	err = e.DeleteUploaded(context.Background(), s.ID)
	if undoReason(t, err).Reason != UndoAlreadyDeleted || v.store.count("delete") != 1 {
		t.Errorf("second undo: %v, %d DELETEs", err, v.store.count("delete"))
	}
	// The note is in the journal: a new engine on it still says so.
	e.Close()
	e2 := v.engine(v.config())
	defer e2.Close()
	if got, _ := e2.Get(s.ID); got.Note.Code != NoteDeleted {
		t.Errorf("after a restart the note is %+v", got.Note)
	}
}

// Someone replaced the object: refused, with both ETags, nothing deleted.
func TestUndoRefusesChangedObject(t *testing.T) {
	v, e, s := undoSetup(t)
	v.store.mu.Lock()
	v.store.objects[s.Key] = []byte("someone else's photo")
	v.store.mu.Unlock()
	ue := undoReason(t, e.DeleteUploaded(context.Background(), s.ID))
	if ue.Reason != UndoChanged || ue.Remote == ue.Recorded || ue.Recorded != s.ETag {
		t.Errorf("refusal %+v", ue)
	}
	if _, ok := v.store.object(s.Key); !ok || v.store.count("delete") != 0 {
		t.Error("a changed object was deleted")
	}
	if got, _ := e.Get(s.ID); got.Note.Code == NoteDeleted {
		t.Error("a refused undo was recorded as a deletion")
	}
}

// The object is gone (HEAD 404): said so, no DELETE sent.
func TestUndoObjectGone(t *testing.T) {
	v, e, s := undoSetup(t)
	v.store.mu.Lock()
	delete(v.store.objects, s.Key)
	v.store.mu.Unlock()
	if ue := undoReason(t, e.DeleteUploaded(context.Background(), s.ID)); ue.Reason != UndoGone || ue.Op != "head" {
		t.Errorf("refusal %+v", ue)
	}
	if v.store.count("delete") != 0 {
		t.Error("a DELETE was sent for a missing object")
	}
}

// COS refuses: HEAD 403 (Tencent's sample STS policy grants no
// HeadObject) or DELETE 403 (no DeleteObject). Denied, naming the
// request, the object untouched.
func TestUndoDenied(t *testing.T) {
	for _, op := range []string{"head", "delete"} {
		t.Run(op, func(t *testing.T) {
			v, e, s := undoSetup(t)
			v.store.fault = func(o string, _, _ int) *fault {
				if o == op {
					return &fault{err: cosErrorResp(403, "AccessDenied")}
				}
				return nil
			}
			ue := undoReason(t, e.DeleteUploaded(context.Background(), s.ID))
			if ue.Reason != UndoDenied || ue.Op != op || ue.RequestID != "req-AccessDenied" {
				t.Errorf("refusal %+v", ue)
			}
			if _, ok := v.store.object(s.Key); !ok {
				t.Error("the object is gone")
			}
			if got, _ := e.Get(s.ID); got.Note.Code == NoteDeleted {
				t.Error("a refused undo was recorded as a deletion")
			}
		})
	}
}

// A DELETE answered 404 (the object vanished after the HEAD) is "gone".
func TestUndoDeleteNotFound(t *testing.T) {
	v, e, s := undoSetup(t)
	v.store.fault = func(o string, _, _ int) *fault {
		if o == "delete" {
			return &fault{err: cosErrorResp(404, "NoSuchKey")}
		}
		return nil
	}
	if ue := undoReason(t, e.DeleteUploaded(context.Background(), s.ID)); ue.Reason != UndoGone || ue.Op != "delete" {
		t.Errorf("refusal %+v", ue)
	}
}

// Only a finished upload can be undone: a failed task is refused without
// a request.
func TestUndoNotUploaded(t *testing.T) {
	v := newFakeEnv(t)
	v.store.fault = func(op string, _, _ int) *fault {
		if op == "put" {
			return &fault{err: cosErrorResp(403, "AccessDenied")}
		}
		return nil
	}
	e := v.engine(v.config())
	defer e.Close()
	s := final(t, e, onlyTask(t, e, e.Add(v.file("a.txt", 10, 1))))
	if s.State != Failed {
		t.Fatalf("state %s", s.State)
	}
	if ue := undoReason(t, e.DeleteUploaded(context.Background(), s.ID)); ue.Reason != UndoNotUploaded {
		t.Errorf("refusal %+v", ue)
	}
	if v.store.count("head")+v.store.count("delete") != 0 {
		t.Error("requests sent for a task that uploaded nothing")
	}
}

func TestSameETag(t *testing.T) {
	if !sameETag(`"ABC-2"`, "abc-2") || sameETag(`""`, "") || sameETag(`"a"`, `"b"`) {
		t.Error("sameETag")
	}
}
