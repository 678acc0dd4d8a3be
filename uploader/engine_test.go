package uploader

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cosdrop/localcos"
)

// TestTreeOfSmallAndLargeFiles is the first acceptance test: 1,000 small
// files and three large ones in nested Unicode folders, all verified.
func TestTreeOfSmallAndLargeFiles(t *testing.T) {
	t.Parallel()
	skipIfShort(t)
	v := newEnv(t)
	root := filepath.Join(v.data, "照片 Photos")
	want := map[string]string{} // key -> local path
	for i := range 1000 {
		dir := filepath.Join(root, fmt.Sprintf("年%d", i%7), fmt.Sprintf("sub é %d", i%13))
		p := filepath.Join(dir, fmt.Sprintf("文件-%04d.txt", i))
		writeFile(t, p, int64(i*37%9000), uint64(i))
		rel, _ := filepath.Rel(v.data, p)
		want[filepath.ToSlash(rel)] = p
	}
	large := []int64{50 << 20, 60<<20 + 12345, 70 << 20}
	for i, size := range large {
		p := filepath.Join(root, "大文件", fmt.Sprintf("big-%d.bin", i))
		writeFile(t, p, size, uint64(1000+i))
		rel, _ := filepath.Rel(v.data, p)
		want[filepath.ToSlash(rel)] = p
	}
	cfg := v.config()
	cfg.Concurrency = 8
	cfg.PartSize = 5 << 20
	e := v.engine(cfg)
	defer e.Close()
	b := e.Add(root)
	snaps := waitBatch(t, e, b)
	if len(snaps) != len(want) {
		t.Fatalf("%d tasks, want %d", len(snaps), len(want))
	}
	for _, s := range snaps {
		if s.State != Done {
			t.Errorf("%s: %s %+v", s.Path, s.State, s.LastErr)
			continue
		}
		p, ok := want[s.Key]
		if !ok || p != s.Path {
			t.Errorf("%s uploaded to key %q: folder structure not kept", s.Path, s.Key)
			continue
		}
		found, size, crc := v.head(s.Key)
		local := mustCRC(t, p)
		if !found || size != s.Size || crc != local || s.CRC64 != local {
			t.Errorf("%s: COS has found=%v size=%d crc=%d; file crc %d, task crc %d", s.Key, found, size, crc, local, s.CRC64)
		}
		if s.Acked != s.Size {
			t.Errorf("%s: acked %d of %d", s.Key, s.Acked, s.Size)
		}
	}
	if n := v.openUploads(); n != 0 {
		t.Errorf("%d multipart uploads left open", n)
	}
	tot := e.Totals()
	if tot.Done != len(want) || tot.Acked != tot.Bytes {
		t.Errorf("totals %+v", tot)
	}
}

// TestPauseResumeSendsOnlyMissingParts pauses a multipart upload midway.
func TestPauseResumeSendsOnlyMissingParts(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	const size, partSize, conc = 24 << 20, 1 << 20, 4
	p := filepath.Join(v.data, "big.bin")
	writeFile(t, p, size, 1)
	cfg := v.config()
	cfg.PartSize, cfg.Concurrency, cfg.RateLimit = partSize, conc, 16<<20
	e := v.engine(cfg)
	defer e.Close()
	id := onlyTask(t, e, e.Add(p))
	s := waitState(t, e, id, func(s Snapshot) bool { return s.Acked > size/3 })
	e.Pause(id)
	s = waitState(t, e, id, func(s Snapshot) bool { return s.State == Paused })
	if s.UploadID == "" || s.Acked == 0 {
		t.Fatalf("paused multipart lost its upload: %+v", s)
	}
	upload := s.UploadID
	e.SetRateLimit(0)
	e.Resume(id)
	s = waitState(t, e, id, func(s Snapshot) bool { return s.State.Final() })
	if s.State != Done || s.UploadID != upload {
		t.Fatalf("after resume: %s, upload %q (was %q), err %+v", s.State, s.UploadID, upload, s.LastErr)
	}
	got := v.srv.Stats().BytesReceived
	if bound := int64(size + conc*partSize); got > bound {
		t.Errorf("server received %d bytes, bound %d", got, bound)
	}
	if _, _, crc := v.head(s.Key); crc != mustCRC(t, p) {
		t.Errorf("crc mismatch after resume")
	}
}

// TestRestartAfterCrashResendsNothingAcknowledged stops the engine as kill
// -9 would and starts a new one on the same journal.
func TestRestartAfterCrashResendsNothingAcknowledged(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	const size, partSize, conc = 24 << 20, 1 << 20, 4
	p := filepath.Join(v.data, "crash.bin")
	writeFile(t, p, size, 2)
	cfg := v.config()
	cfg.PartSize, cfg.Concurrency, cfg.RateLimit = partSize, conc, 16<<20
	e := v.engine(cfg)
	id := onlyTask(t, e, e.Add(p))
	waitState(t, e, id, func(s Snapshot) bool { return s.Acked > size/2 })
	e.crash()
	before := v.srv.Stats()

	cfg.AutoResume, cfg.RateLimit = true, 0
	e2 := v.engine(cfg)
	defer e2.Close()
	s := waitState(t, e2, id, func(s Snapshot) bool { return s.State.Final() })
	if s.State != Done {
		t.Fatalf("after restart: %s %+v", s.State, s.LastErr)
	}
	after := v.srv.Stats()
	if got, bound := after.BytesReceived, int64(size+conc*partSize); got > bound {
		t.Errorf("server received %d bytes in total, bound %d", got, bound)
	}
	// The journal held every part acknowledged before the crash, so the
	// second engine sent only the rest (plus those in flight at the crash).
	resent := after.Count("UploadPart") - before.Count("UploadPart")
	if remaining := int64(size/partSize) - before.CountStatus("UploadPart", 200); resent > remaining+conc {
		t.Errorf("second run sent %d parts; %d were missing", resent, remaining)
	}
	if _, _, crc := v.head(s.Key); crc != mustCRC(t, p) {
		t.Errorf("crc mismatch after restart")
	}
	if n := v.openUploads(); n != 0 {
		t.Errorf("%d uploads left open", n)
	}
}

// TestFaultPlan: resets, 503s and one lost Complete; everything arrives once.
func TestFaultPlan(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	v.srv.Faults().Add(localcos.Rule{Kind: localcos.Reset, Share: 0.10, After: 1024}).
		Add(localcos.Rule{Kind: localcos.SlowDown, Share: 0.05}).
		Add(localcos.Rule{Kind: localcos.CompleteDrop, Times: 1})
	dir := filepath.Join(v.data, "faults")
	n := 0
	for i := range 150 {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("d%d", i%5), fmt.Sprintf("f%d.dat", i)), int64(100+i*211), uint64(i))
		n++
	}
	for i := range 3 {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("big%d.bin", i)), 9<<20+int64(i)*777, uint64(500+i))
		n++
	}
	cfg := v.config()
	cfg.PartSize, cfg.Concurrency, cfg.MaxAttempts = 1<<20, 6, 12
	e := v.engine(cfg)
	defer e.Close()
	snaps := waitBatch(t, e, e.Add(dir))
	for _, s := range snaps {
		if s.State != Done {
			t.Errorf("%s: %s %+v", s.Path, s.State, s.LastErr)
			continue
		}
		if _, _, crc := v.head(s.Key); crc != mustCRC(t, s.Path) {
			t.Errorf("%s: crc mismatch", s.Key)
		}
	}
	if got := v.objectCount(); got != n {
		t.Errorf("%d objects in the bucket, want %d (no duplicates)", got, n)
	}
	if open := v.openUploads(); open != 0 {
		t.Errorf("%d multipart uploads left open", open)
	}
	fired := v.srv.Faults().Fired()
	t.Logf("faults fired: %v", fired)
	if fired[localcos.Reset] == 0 || fired[localcos.SlowDown] == 0 || fired[localcos.CompleteDrop] != 1 {
		t.Errorf("fault plan did not fire as intended: %v", fired)
	}
}

// TestFileModifiedDuringUpload: that task fails plainly, the others finish,
// and a retry starts it afresh.
func TestFileModifiedDuringUpload(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	dir := filepath.Join(v.data, "mod")
	big := filepath.Join(dir, "changing.bin")
	writeFile(t, big, 16<<20, 3)
	for i := range 5 {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("ok%d.txt", i)), 1000, uint64(i))
	}
	cfg := v.config()
	cfg.PartSize, cfg.Concurrency, cfg.RateLimit = 1<<20, 2, 8<<20
	e := v.engine(cfg)
	defer e.Close()
	b := e.Add(dir)
	var bigID TaskID
	waitFor(t, func() bool {
		all, _ := e.Changes(0)
		for _, s := range all {
			if s.Path == big && s.Acked > 2<<20 {
				bigID = s.ID
				return true
			}
		}
		return false
	})
	f, err := os.OpenFile(big, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("appended while uploading")
	f.Close()
	snaps := waitBatch(t, e, b)
	for _, s := range snaps {
		if s.Path == big {
			if s.State != Failed || s.LastErr == nil || s.LastErr.Code != CodeFileChanged ||
				!strings.Contains(s.LastErr.Message, "the file changed since the upload started") {
				t.Errorf("changed file: %s %+v", s.State, s.LastErr)
			}
		} else if s.State != Done {
			t.Errorf("%s: %s %+v", s.Path, s.State, s.LastErr)
		}
	}
	e.SetRateLimit(0)
	e.Retry(bigID)
	s := waitState(t, e, bigID, func(s Snapshot) bool {
		return s.State.Final() && s.State != Failed || s.Attempts > 1 && s.State == Failed
	})
	if s.State != Done {
		t.Fatalf("retry after change: %s %+v", s.State, s.LastErr)
	}
	if _, size, crc := v.head(s.Key); size != 16<<20+24 || crc != mustCRC(t, big) {
		t.Errorf("retried upload does not match the changed file: size %d", size)
	}
	if n := v.openUploads(); n != 0 {
		t.Errorf("%d uploads left open (the first upload should be aborted)", n)
	}
}
