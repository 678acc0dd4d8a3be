package uploader

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/receipt"
)

// Receipts over the wire: the engine against localcos writes one receipt
// per drop under the prefix, with static keys and under Tencent's sample
// STS grant, and keeps a receipt COS refuses in the journal until a later
// run can write it.

// receiptsUnder lists the object keys under prefix.
func (v *env) receiptsUnder(prefix string) []string {
	v.t.Helper()
	res, _, err := v.client.Bucket.Get(context.Background(), &cos.BucketGetOptions{Prefix: prefix, MaxKeys: 1000})
	if err != nil {
		v.t.Fatalf("list %s: %v", prefix, err)
	}
	var out []string
	for _, o := range res.Contents {
		out = append(out, o.Key)
	}
	return out
}

// readReceipt GETs and parses the receipt at key.
func (v *env) readReceipt(key string) (receipt.Receipt, string) {
	v.t.Helper()
	resp, err := v.client.Object.Get(context.Background(), key, nil)
	if err != nil {
		v.t.Fatalf("get %s: %v", key, err)
	}
	defer resp.Body.Close()
	var raw strings.Builder
	r, err := receipt.Parse(teeReader{resp.Body, &raw})
	if err != nil {
		v.t.Fatalf("parse %s: %v", key, err)
	}
	return r, raw.String()
}

type teeReader struct {
	r interface{ Read([]byte) (int, error) }
	w *strings.Builder
}

func (t teeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.w.Write(p[:n])
	return n, err
}

// waitReceipts waits until n receipts are under prefix and the engine has
// none left to write, and returns their keys.
func (v *env) waitReceipts(e *Engine, prefix string, n int) []string {
	v.t.Helper()
	var keys []string
	waitFor(v.t, func() bool {
		keys = v.receiptsUnder(prefix)
		left, err := e.PendingReceipts()
		return len(keys) >= n && err == nil && left == 0
	})
	if len(keys) != n {
		v.t.Fatalf("receipts under %s: %v", prefix, keys)
	}
	return keys
}

func receiptsConfig(prefix string) Receipts {
	return Receipts{Prefix: prefix, Label: "Alice Wong", Profile: "staff", Bucket: "examplebucket-1250000000", Region: "ap-guangzhou",
		Explain: func(te TaskError) string { return "words for " + te.Code },
		Note:    func(n Note) string { return "note " + string(n.Code) }}
}

// TestReceiptDoneFailedSkipped: a drop with a file done, one skipped as
// identical and one failed (COS's 500 on its PUT, one attempt) leaves one
// receipt saying so, with the CRC64, ETag, the failure's words, code,
// party and request ID, the file names only, and no secret.
func TestReceiptDoneFailedSkipped(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	dir := filepath.Join(v.data, "drop")
	os.MkdirAll(dir, 0o755)
	for i, name := range []string{"a.txt", "b.txt", "same.txt"} {
		writeFile(t, filepath.Join(dir, name), int64(1000+i), uint64(i+1))
	}
	same, _ := os.ReadFile(filepath.Join(dir, "same.txt"))
	v.put("drop/same.txt", same)
	v.srv.Faults().Add(localcos.Rule{Kind: localcos.Fail500, API: "PutObject", Nth: 1})
	cfg := v.config()
	cfg.OnConflict, cfg.MaxAttempts, cfg.Receipts = SkipIdentical, 1, receiptsConfig(".cosdrop/receipts")
	e := v.engine(cfg)
	defer e.Close()
	snaps := waitBatch(t, e, e.Add(dir))
	keys := v.waitReceipts(e, ".cosdrop/receipts/", 1)
	r, raw := v.readReceipt(keys[0])
	if r.Counts != (receipt.Counts{Done: 1, Failed: 1, Skipped: 1}) || len(r.Files) != 3 || r.Who.Label != "Alice Wong" || r.Who.Machine == "" ||
		!strings.HasSuffix(r.ID, "-1") || r.Bucket != "examplebucket-1250000000" || r.Paths != receipt.PathsNames || r.Ended.Before(r.Started) {
		t.Fatalf("receipt: %s", raw)
	}
	if want := receipt.Name(".cosdrop/receipts/", r); keys[0] != want {
		t.Errorf("key %s, want %s", keys[0], want)
	}
	for _, s := range snaps {
		var f receipt.File
		for _, g := range r.Files {
			if g.Key == s.Key {
				f = g
			}
		}
		if f.Path != filepath.Base(s.Path) || f.Size != s.Size {
			t.Errorf("%s: %+v", s.Key, f)
		}
		switch s.State {
		case Done:
			if f.State != receipt.StateDone || !f.Verified || f.CRC64 != strconv.FormatUint(s.CRC64, 10) || f.ETag == "" || len(f.RequestIDs) == 0 {
				t.Errorf("done file: %+v", f)
			}
		case Failed:
			if f.State != receipt.StateFailed || f.Code != "InternalError" || f.Reason != "words for InternalError" || f.Party != "cos" || len(f.RequestIDs) == 0 {
				t.Errorf("failed file: %+v", f)
			}
		case Skipped:
			if f.State != receipt.StateSkipped || f.Code != string(NoteSkippedIdentical) || f.Reason != "note skipped_identical" {
				t.Errorf("skipped file: %+v", f)
			}
		default:
			t.Errorf("%s ended %s", s.Key, s.State)
		}
	}
	if strings.Contains(raw, testKey) || strings.Contains(raw, dir) {
		t.Errorf("the receipt holds the secret key or a full path: %s", raw)
	}

	// The failed file retried: the drop ends again and a new receipt of
	// the same ID says all is done (it replaces the first at the same key
	// when both end within the same second).
	for _, s := range snaps {
		if s.State == Failed {
			e.Retry(s.ID)
			waitState(t, e, s.ID, func(s Snapshot) bool { return s.State == Done })
		}
	}
	waitFor(t, func() bool {
		for _, k := range v.receiptsUnder(".cosdrop/receipts/") {
			if r2, _ := v.readReceipt(k); r2.Counts.Failed == 0 && r2.ID == r.ID {
				return true
			}
		}
		return false
	})
}

// stsReceiptEnv is localcos with Tencent's sample grant narrowed to in/,
// a 3000-byte file to drop, and a config writing receipts under prefix.
func stsReceiptEnv(t *testing.T, prefix string) (v *env, cfg Config, file string) {
	t.Helper()
	srv := localcostest.Start(t, localcos.Config{SecretID: testID, SecretKey: testKey})
	v = &env{t: t, srv: srv, data: t.TempDir(), state: t.TempDir(), client: localcostest.Client(srv, testID, testKey)}
	sts := auth.NewSTS(srv.STSURL()+"/sts?prefix=in/", "", nil)
	t.Cleanup(func() { sts.Close() })
	cfg = v.config()
	cfg.Credentials, cfg.Prefix, cfg.Receipts = sts, "in/{relpath}", receiptsConfig(prefix)
	file = filepath.Join(v.data, "a.bin")
	writeFile(t, file, 3000, 1)
	return v, cfg, file
}

// TestReceiptSampleSTSAllowed: under the sample grant for in/*, a receipt
// prefix inside it is written like any upload.
func TestReceiptSampleSTSAllowed(t *testing.T) {
	t.Parallel()
	v, cfg, p := stsReceiptEnv(t, "in/.cosdrop/receipts/")
	e := v.engine(cfg)
	defer e.Close()
	waitBatch(t, e, e.Add(p))
	v.waitReceipts(e, "in/.cosdrop/receipts/", 1)
}

// TestReceiptSampleSTSRefusedThenWritten: a receipt prefix outside the
// grant is refused (403): the upload is done all the same, the receipt
// waits in the journal across a kill, and a later start whose credentials
// allow the prefix writes it. Nothing is left behind: no open upload, no
// object but the file and the receipt.
func TestReceiptSampleSTSRefusedThenWritten(t *testing.T) {
	t.Parallel()
	v, cfg, p := stsReceiptEnv(t, ".cosdrop/receipts/")
	e := v.engine(cfg)
	if s := waitBatch(t, e, e.Add(p)); s[0].State != Done {
		t.Fatalf("the upload did not finish: %+v", s[0])
	}
	waitFor(t, func() bool { return v.srv.Stats().Requests["PutObject"][403] > 0 })
	if n, _ := e.PendingReceipts(); n != 1 || e.Totals().Receipts != 1 {
		t.Fatalf("pending receipts after a refusal: %d (totals %d)", n, e.Totals().Receipts)
	}
	e.crash() // kill -9: the receipt must already be in the journal
	if n, err := ReadPendingReceipts(v.state); err != nil || n != 1 {
		t.Fatalf("pending after the kill: %d %v", n, err)
	}
	if keys := v.receiptsUnder(".cosdrop/"); len(keys) != 0 {
		t.Fatalf("refused receipts written: %v", keys)
	}

	cfg.Credentials = auth.NewStatic(auth.Credentials{SecretID: testID, SecretKey: testKey}) // the grant fixed
	e = v.engine(cfg)
	defer e.Close()
	keys := v.waitReceipts(e, ".cosdrop/receipts/", 1)
	waitFor(t, func() bool { return e.Totals().Receipts == 0 })
	if r, _ := v.readReceipt(keys[0]); r.Counts.Done != 1 {
		t.Errorf("receipt: %+v", r)
	}
	if v.openUploads() != 0 || v.objectCount() != 2 {
		t.Errorf("left behind: %d open uploads, %d objects (want the file and the receipt)", v.openUploads(), v.objectCount())
	}
}

// TestReceiptRetriedOnBackoff: a receipt COS fails to take (500, one
// attempt per pass) is tried again on the writer's backoff within the
// same run, and written once COS takes it; the multipart upload it
// describes is untouched by the failures.
func TestReceiptRetriedOnBackoff(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	p := filepath.Join(v.data, "big.bin")
	writeFile(t, p, 2*MinPartSize+5, 3) // multipart: the receipt is the only PutObject
	v.srv.Faults().Add(localcos.Rule{Kind: localcos.Fail500, API: "PutObject", Share: 1, Times: 3})
	cfg := v.config()
	cfg.PartSize, cfg.MaxAttempts, cfg.Receipts = MinPartSize, 1, receiptsConfig("receipts/")
	e := v.engine(cfg)
	defer e.Close()
	if s := waitBatch(t, e, e.Add(p)); s[0].State != Done || s[0].Attempts > 1 {
		t.Fatalf("upload: %+v", s[0])
	}
	v.waitReceipts(e, "receipts/", 1)
	if n := v.srv.Stats().Requests["PutObject"][500]; n != 3 {
		t.Errorf("%d refused receipt PUTs, want 3 before the one that worked", n)
	}
}
