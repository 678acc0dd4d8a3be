package uploader_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/session"
	"cosdrop/uploader"
)

// undoUpload uploads one small file with creds and returns the engine and
// its finished task.
func undoUpload(t *testing.T, s *localcos.Server, creds auth.Provider) (*uploader.Engine, uploader.Snapshot) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "报告 1+1%.txt")
	if err := os.WriteFile(p, []byte("an upload to take back"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, uploader.Config{BucketURL: s.URL(), Credentials: creds, RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond})
	snaps := uploader.WaitBatch(t, e, e.Add(p))
	if len(snaps) != 1 || snaps[0].State != uploader.Done {
		t.Fatalf("upload: %+v", snaps)
	}
	return e, snaps[0]
}

// e2eClient is an SDK client with the permanent key (it may do anything).
func e2eClient(s *localcos.Server) *cos.Client {
	return localcostest.Client(s, e2eID, e2eKey)
}

func e2eExists(t *testing.T, s *localcos.Server, key string) bool {
	t.Helper()
	resp, err := e2eClient(s).Object.Head(context.Background(), key, nil)
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		return false
	}
	if err != nil {
		t.Fatalf("HEAD %q: %v", key, err)
	}
	return true
}

// Over the wire with a permanent key: the object this machine uploaded is
// deleted; one someone replaced since is refused and kept.
func TestUndoE2EPermanentKey(t *testing.T) {
	s := e2eServer(t, localcos.Config{})
	key := auth.NewStatic(auth.Credentials{SecretID: e2eID, SecretKey: e2eKey})
	e, done := undoUpload(t, s, key)
	if err := e.DeleteUploaded(context.Background(), done.ID); err != nil {
		t.Fatal(err)
	}
	if e2eExists(t, s, done.Key) {
		t.Fatal("the object is still in the bucket")
	}
	if got, _ := e.Get(done.ID); got.Note.Code != uploader.NoteDeleted {
		t.Errorf("note %+v", got.Note)
	}

	e2, other := undoUpload(t, s, key)
	if _, err := e2eClient(s).Object.Put(context.Background(), other.Key, strings.NewReader("someone else's version"), nil); err != nil {
		t.Fatal(err)
	}
	err := e2.DeleteUploaded(context.Background(), other.ID)
	var ue *uploader.UndoError
	if !errors.As(err, &ue) || ue.Reason != uploader.UndoChanged {
		t.Fatalf("a replaced object: %v", err)
	}
	if text := session.UndoText(err); !strings.Contains(text, "someone else replaced it") {
		t.Errorf("words: %s", text)
	}
	if !e2eExists(t, s, other.Key) {
		t.Error("someone else's object was deleted")
	}
}

// Under Tencent's sample STS grant (no HeadObject, no DeleteObject) and a
// broader one (HeadObject but no DeleteObject), localcos refuses as COS
// does and the refusal is worded plainly, naming the missing permission;
// the object stays.
func TestUndoE2ESTSRefused(t *testing.T) {
	for _, c := range []struct {
		name    string
		actions []string
		op      string
		words   string
	}{
		{"sample grant", nil, "head", "(HeadObject)"},
		{"broad grant", localcos.BroadActions, "delete", "(DeleteObject)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := e2eServer(t, localcos.Config{STSActions: c.actions})
			sts := auth.NewSTS(s.STSURL()+"/sts", "", nil)
			defer sts.Close()
			e, done := undoUpload(t, s, sts)
			err := e.DeleteUploaded(context.Background(), done.ID)
			var ue *uploader.UndoError
			if !errors.As(err, &ue) || ue.Reason != uploader.UndoDenied || ue.Op != c.op {
				t.Fatalf("want a refusal of %s, got %v", c.op, err)
			}
			text := session.UndoText(err)
			if !strings.Contains(text, c.words) || !strings.Contains(text, "Tencent's samples allow uploading only") || !strings.HasPrefix(text, "Not deleted") {
				t.Errorf("words: %s", text)
			}
			if !e2eExists(t, s, done.Key) {
				t.Error("the object was deleted")
			}
			if n := s.Stats().Requests["DeleteObject"]; c.op == "delete" && len(n) == 0 {
				t.Errorf("no DeleteObject reached localcos: %v", s.Stats().Requests)
			}
		})
	}
}

// A multipart upload's ETag (from Complete) is what HEAD reports: its
// undo deletes it too.
func TestUndoE2EMultipart(t *testing.T) {
	s := e2eServer(t, localcos.Config{})
	p := filepath.Join(t.TempDir(), "big.bin")
	writePattern(t, p, 3<<20+5)
	e := newEngine(t, uploader.Config{BucketURL: s.URL(), Credentials: auth.NewStatic(auth.Credentials{SecretID: e2eID, SecretKey: e2eKey}),
		PartSize: uploader.MinPartSize, RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond})
	snaps := uploader.WaitBatch(t, e, e.Add(p))
	if len(snaps) != 1 || snaps[0].State != uploader.Done || !strings.HasSuffix(strings.Trim(snaps[0].ETag, `"`), "-4") {
		t.Fatalf("upload: %+v", snaps)
	}
	if err := e.DeleteUploaded(context.Background(), snaps[0].ID); err != nil {
		t.Fatal(err)
	}
	if e2eExists(t, s, snaps[0].Key) {
		t.Fatal("the object is still in the bucket")
	}
}
