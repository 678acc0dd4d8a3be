package uploader

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cosdrop/auth"
)

func TestConflictPolicies(t *testing.T) {
	v := newEnv(t)
	p := filepath.Join(v.data, "same.txt")
	writeFile(t, p, 5000, 1)
	cfg := v.config()
	e := v.engine(cfg)
	first := waitBatch(t, e, e.Add(p))
	e.Close()
	if first[0].State != Done {
		t.Fatalf("first upload: %+v", first[0])
	}

	// Skip identical.
	cfg.OnConflict = SkipIdentical
	e = v.engine(cfg)
	s := waitBatch(t, e, e.Add(p))[0]
	if s.State != Skipped || s.Key != "same.txt" {
		t.Errorf("identical object not skipped: %s %q", s.State, s.Key)
	}
	e.Close()

	// Rename.
	cfg.OnConflict = Rename
	e = v.engine(cfg)
	s = waitBatch(t, e, e.Add(p))[0]
	if s.State != Done || s.Key != "same (1).txt" {
		t.Errorf("rename: %s %q", s.State, s.Key)
	}
	e.Close()

	// Ask: once per batch, the answer applies to every conflict in it.
	q := filepath.Join(v.data, "other.txt")
	writeFile(t, q, 100, 2)
	cfg.OnConflict = Ask
	var asked atomic.Int32
	cfg.AskConflict = func(ctx context.Context, c []Conflict) (ConflictPolicy, error) {
		asked.Add(1)
		return Overwrite, nil
	}
	e = v.engine(cfg)
	e2 := waitBatch(t, e, e.Add(q)) // no conflict: not asked
	if asked.Load() != 0 || e2[0].State != Done {
		t.Fatalf("asked %d times for a new key", asked.Load())
	}
	for _, s := range waitBatch(t, e, e.Add(p, q)) {
		if s.State != Done || strings.Contains(s.Key, "(") {
			t.Errorf("ask->overwrite: %s %q", s.State, s.Key)
		}
	}
	if asked.Load() != 1 {
		t.Errorf("asked %d times for one batch, want 1", asked.Load())
	}
	e.Close()
}

func TestDuplicateKeysAndInvalidKeysAreReported(t *testing.T) {
	v := newEnv(t)
	dir := filepath.Join(v.data, "dup")
	nfc := filepath.Join(dir, "caf\u00e9.txt")
	nfd := filepath.Join(dir, "cafe\u0301.txt") // same key after NFC
	writeFile(t, nfc, 10, 1)
	writeFile(t, nfd, 20, 2)
	long := filepath.Join(dir, strings.Repeat("x", 200), strings.Repeat("y", 200), strings.Repeat("z", 200), strings.Repeat("w", 250)+".txt")
	writeFile(t, long, 1, 3)
	e := v.engine(v.config())
	defer e.Close()
	var done, dup, invalid int
	for _, s := range waitBatch(t, e, e.Add(dir)) {
		switch {
		case s.State == Done:
			done++
		case s.LastErr != nil && s.LastErr.Code == CodeDuplicateKey:
			dup++
			if !strings.Contains(s.LastErr.Message, "both map to the object key") {
				t.Errorf("duplicate message: %s", s.LastErr.Message)
			}
		case s.LastErr != nil && s.LastErr.Code == CodeInvalidKey:
			invalid++
			if !strings.Contains(s.LastErr.Message, long) {
				t.Errorf("invalid-key message does not name the file: %s", s.LastErr.Message)
			}
		default:
			t.Errorf("%s: %s %+v", s.Path, s.State, s.LastErr)
		}
	}
	if done != 1 || dup != 1 || invalid != 1 {
		t.Errorf("done %d, duplicate %d, invalid %d; want 1 each", done, dup, invalid)
	}
	if v.objectCount() != 1 {
		t.Errorf("%d objects, want 1: a duplicate key must never overwrite", v.objectCount())
	}
}

func TestCancelAbortsMultipartUpload(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	p := filepath.Join(v.data, "cancel.bin")
	writeFile(t, p, 16<<20, 5)
	cfg := v.config()
	cfg.PartSize, cfg.Concurrency, cfg.RateLimit = 1<<20, 2, 8<<20
	e := v.engine(cfg)
	defer e.Close()
	id := onlyTask(t, e, e.Add(p))
	waitState(t, e, id, func(s Snapshot) bool { return s.Acked > 2<<20 })
	e.Cancel(id)
	s := waitState(t, e, id, func(s Snapshot) bool { return s.State == Canceled })
	s = waitState(t, e, id, func(s Snapshot) bool { return !s.Note.IsZero() })
	if s.Note.Code != NoteCanceledAborted {
		t.Errorf("cancel note: %+v", s.Note)
	}
	if n := v.openUploads(); n != 0 {
		t.Errorf("%d uploads left open after cancel", n)
	}
	if found, _, _ := v.head("cancel.bin"); found {
		t.Error("canceled upload produced an object")
	}
}

func TestChangeFeedAndHistory(t *testing.T) {
	v := newEnv(t)
	dir := filepath.Join(v.data, "feed")
	for i := range 20 {
		writeFile(t, filepath.Join(dir, string(rune('a'+i))+".txt"), int64(100*i), uint64(i))
	}
	e := v.engine(v.config())
	b := e.Add(dir)
	waitBatch(t, e, b)
	all, cursor := e.Changes(0)
	if len(all) != 20 {
		t.Fatalf("Changes(0): %d tasks", len(all))
	}
	if ch, c2 := e.Changes(cursor); len(ch) != 0 || c2 != cursor {
		t.Errorf("no change since cursor, got %d", len(ch))
	}
	e.Remove(all[0].ID)
	waitFor(t, func() bool { ch, _ := e.Changes(cursor); return len(ch) == 1 && ch[0].State == Removed })

	var buf bytes.Buffer
	if err := e.ExportHistory(&buf, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 20 || rows[0][2] != "key" {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}
	buf.Reset()
	if err := e.ExportHistory(&buf, "json"); err != nil {
		t.Fatal(err)
	}
	var hist []HistoryEntry
	if err := json.Unmarshal(buf.Bytes(), &hist); err != nil || len(hist) != 19 || hist[0].CRC64 == "" || len(hist[0].RequestIDs) == 0 {
		t.Fatalf("json history: %v %+v", err, hist)
	}
	// History survives a restart, and ClearFinished empties it.
	e.Close()
	e = v.engine(v.config())
	defer e.Close()
	if tot := e.Totals(); tot.Done != 19 {
		t.Errorf("after restart %d done, want 19", tot.Done)
	}
	e.ClearFinished()
	waitFor(t, func() bool { return e.Totals().Tasks == 0 })
	snaps, err := ReadJournal(t.TempDir())
	if err == nil || snaps != nil {
		t.Errorf("ReadJournal of an empty dir: %v", err)
	}
}

type refreshingProvider struct {
	auth.Static
	refreshed atomic.Int32
}

func (p *refreshingProvider) Refresh(ctx context.Context) (auth.Credentials, error) {
	p.refreshed.Add(1)
	return p.Static.Credentials(ctx)
}

func TestExpiredCredentialsRefreshWithoutCountingAFailure(t *testing.T) {
	prov := &refreshingProvider{Static: *auth.NewStatic(auth.Credentials{SecretID: "a", SecretKey: "b"})}
	e := &Engine{cfg: Config{MaxAttempts: 1, RetryBase: 1, RetryMax: 1, Credentials: prov}}
	calls := 0
	err := retrier{e: e, op: "x"}.do(context.Background(), nil, func(context.Context) error {
		calls++
		switch calls {
		case 1:
			return cosErr(403, "ExpiredToken", "")
		case 2:
			return cosErr(403, "AccessDenied", "Request has expired")
		}
		return nil
	})
	if err != nil || calls != 3 || prov.refreshed.Load() != 2 {
		t.Errorf("err %v, %d calls, %d refreshes; want success after 2 free refreshes with MaxAttempts 1", err, calls, prov.refreshed.Load())
	}
}

// TestTokenExpiringAgainIsRetriedNotFatal: a token that keeps expiring
// before the request is accepted (a slow machine on a short-lived STS
// token: CI saw ExpiredToken fail a task under load) gets three free
// refreshes, then refreshes under the retry policy's attempts and backoff;
// only when the attempts run out does the task fail.
func TestTokenExpiringAgainIsRetriedNotFatal(t *testing.T) {
	prov := &refreshingProvider{Static: *auth.NewStatic(auth.Credentials{SecretID: "a", SecretKey: "b"})}
	e := &Engine{cfg: Config{MaxAttempts: 3, RetryBase: time.Millisecond, RetryMax: time.Millisecond, Credentials: prov}}
	calls := 0
	err := retrier{e: e, op: "x"}.do(context.Background(), nil, func(context.Context) error {
		if calls++; calls <= 5 {
			return cosErr(403, "ExpiredToken", "")
		}
		return nil
	})
	if err != nil || calls != 6 || prov.refreshed.Load() != 5 {
		t.Errorf("err %v, %d calls, %d refreshes; want success after 3 free refreshes and 2 counted ones", err, calls, prov.refreshed.Load())
	}
	calls = 0
	err = retrier{e: e, op: "x"}.do(context.Background(), nil, func(context.Context) error {
		calls++
		return cosErr(403, "ExpiredToken", "")
	})
	if err == nil || calls != 3+3 {
		t.Errorf("a token that never works: err %v after %d calls, want failure after 3 free refreshes and 3 attempts", err, calls)
	}
}
