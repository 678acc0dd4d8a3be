package uploader

import (
	"path/filepath"
	"testing"
)

// TestSandbox100MBInParts (issue 19): on Windows the Sandbox (localcos)
// finishes a 100 MB file sent in parts, and the object's CRC64 matches the
// file. Every multipart Complete used to fail on Windows (a directory sync
// Windows refuses: localcos/syncdir_windows.go). It runs in -short too: it
// is the Windows lane's proof that the Sandbox works.
func TestSandbox100MBInParts(t *testing.T) {
	v := newEnv(t)
	const size = 100 << 20
	p := filepath.Join(v.data, "big 100MB.bin")
	writeFile(t, p, size, 19)
	cfg := v.config()
	cfg.PartSize, cfg.Concurrency = 8<<20, 4
	e := v.engine(cfg)
	defer e.Close()
	id := onlyTask(t, e, e.Add(p))
	s := waitState(t, e, id, func(s Snapshot) bool { return s.State.Final() })
	if s.State != Done || !s.Verified {
		t.Fatalf("100 MB upload: %s verified=%v %+v", s.State, s.Verified, s.LastErr)
	}
	found, n, crc := v.head(s.Key)
	if !found || n != size || crc != mustCRC(t, p) {
		t.Fatalf("object %q: found %v, %d bytes, crc %d; want %d bytes, crc %d", s.Key, found, n, crc, size, mustCRC(t, p))
	}
	if n := v.openUploads(); n != 0 {
		t.Errorf("%d multipart uploads left open", n)
	}
}
