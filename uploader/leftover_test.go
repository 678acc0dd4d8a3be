package uploader

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// TestFakePauseDuringInitiateLeavesNoUpload (issue 10, left open in the
// last round): Pause while an Initiate is in flight, whose request reached
// COS (the upload exists there) but whose answer the pause cut off. Nothing
// may stay open on COS: the journal never learned the upload's ID, so
// nothing would ever abort it. On resume the task finishes with one upload.
func TestFakePauseDuringInitiateLeavesNoUpload(t *testing.T) {
	v := newFakeEnv(t)
	v.store.fault = func(op string, n, _ int) *fault {
		if op == "initiate" && n == 1 {
			v.store.mu.Lock()
			v.store.nextID++
			v.store.uploads[fmt.Sprintf("up-%d", v.store.nextID)] = &fakeUpload{key: "big.bin", parts: map[int][]byte{}, etags: map[int]string{}}
			v.store.mu.Unlock()
			return &fault{block: true}
		}
		return nil
	}
	e := v.engine(v.config())
	defer e.Close()
	p := v.file("big.bin", 2<<20+1, 3)
	id := onlyTask(t, e, e.Add(p))
	waitFor(t, func() bool { return v.store.count("initiate") == 1 })
	e.Pause(id)
	waitState(t, e, id, func(s Snapshot) bool { return s.State == Paused })
	waitFor(t, func() bool { return v.store.openUploads() == 0 })
	e.Resume(id)
	s := final(t, e, id)
	if s.State != Done {
		t.Fatalf("%s %+v", s.State, s.LastErr)
	}
	v.verified(s.Key, p)
	if n := v.store.openUploads(); n != 0 {
		t.Errorf("%d uploads left open after the resumed task finished", n)
	}
}

// TestFakeRemovedTaskFailedAbortIsKept (issue 10, left open in the last
// round): removing a task whose multipart upload COS refuses to abort (the
// sample STS policy grants no AbortMultipartUpload) must not lose the
// upload: it is listed as left over, survives a restart, and a cleanup run
// later (with the right) ends it and clears the list.
func TestFakeRemovedTaskFailedAbortIsKept(t *testing.T) {
	v := newFakeEnv(t)
	var allow atomic.Bool
	v.store.fault = func(op string, n, part int) *fault {
		if op == "abort" && !allow.Load() {
			return &fault{err: cosErrorResp(403, "AccessDenied")}
		}
		if op == "part" && part == 2 {
			return &fault{block: true}
		}
		return nil
	}
	e := v.engine(v.config())
	p := v.file("big.bin", 3<<20, 4)
	id := onlyTask(t, e, e.Add(p))
	waitState(t, e, id, func(s Snapshot) bool { return s.UploadID != "" })
	e.Remove(id)
	waitGone(t, e, id)
	waitFor(t, func() bool { l, _ := e.Leftovers(); return len(l) == 1 && l[0].Code != "" })
	l, err := e.Leftovers()
	if err != nil || len(l) != 1 || l[0].Key != "big.bin" || l[0].Code != CodeAbortDenied {
		t.Fatalf("leftovers %+v, %v; want big.bin AbortDenied", l, err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if n := v.store.openUploads(); n != 1 {
		t.Fatalf("%d uploads open on COS, want the denied one", n)
	}

	e = v.engine(v.config())
	defer e.Close()
	if l, _ := e.Leftovers(); len(l) != 1 {
		t.Fatalf("after a restart the leftover list is %+v", l)
	}
	res, err := e.CleanLeftovers(context.Background())
	if err != nil || res.Ended != 0 || len(res.Open) != 1 || res.Open[0].Code != CodeAbortDenied {
		t.Fatalf("cleanup while still denied: %+v, %v", res, err)
	}
	allow.Store(true)
	res, err = e.CleanLeftovers(context.Background())
	if err != nil || res.Ended != 1 || len(res.Open) != 0 {
		t.Fatalf("cleanup: %+v, %v", res, err)
	}
	if n := v.store.openUploads(); n != 0 {
		t.Errorf("%d uploads open after cleanup", n)
	}
	waitFor(t, func() bool { l, _ := e.Leftovers(); return len(l) == 0 })
}
