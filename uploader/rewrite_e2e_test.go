package uploader

import (
	"os"
	"path/filepath"
	"testing"

	"cosdrop/localcos"
)

// The soak's findings F1 and F3 (#14): a large file killed mid-upload and
// rewritten before the rerun. Under Tencent's sample STS grant the old
// upload cannot be aborted, so restarting by abort-and-initiate left it
// open for good (F1); and a rerun after a change between runs failed the
// task with FileChanged instead of sending the new version (F3). Both
// must end with the object equal to the file as it is now, one task, and
// no multipart upload open, under either grant.
func TestRewrittenBetweenRunsLeavesNothingOpen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		actions  []string
		sameSize bool // rewritten in place, size and mtime restored (CRC check path)
	}{
		{"sample grant, in place", nil, true},
		{"sample grant, new size", nil, false},
		{"broad grant, in place", localcos.BroadActions, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, cfg := newSampleEnv(t, tc.actions, nil)
			p := filepath.Join(v.data, "big.bin")
			writeFile(t, p, 8<<20, 31)
			cfg.PartSize, cfg.Concurrency, cfg.ResumeExisting, cfg.RateLimit = 1<<20, 2, true, 4<<20
			e := v.engine(cfg)
			id := onlyTask(t, e, e.Add(p))
			first := waitState(t, e, id, func(s Snapshot) bool { return s.Acked >= 3<<20 })
			e.crash()

			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if tc.sameSize {
				f, err := os.OpenFile(p, os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				junk := make([]byte, 8<<20)
				for i := range junk {
					junk[i] = byte(i*7 + 3)
				}
				f.WriteAt(junk, 0)
				f.Close()
				os.Chtimes(p, fi.ModTime(), fi.ModTime())
			} else {
				writeFile(t, p, 6<<20+12345, 32)
			}

			cfg.RateLimit = 0
			e2 := v.engine(cfg)
			defer e2.Close()
			snaps := waitBatch(t, e2, e2.Add(p))
			if len(snaps) != 1 || snaps[0].ID != id {
				t.Fatalf("tasks %+v, want only task %d again", snaps, id)
			}
			s := snaps[0]
			if s.State != Done || !s.Verified {
				t.Fatalf("rerun: %s verified %v err %+v", s.State, s.Verified, s.LastErr)
			}
			if s.UploadID != first.UploadID {
				t.Errorf("upload %q: want the killed run's %q reused, not a new one", s.UploadID, first.UploadID)
			}
			if s.Note.Code != NoteRestartedFileChanged {
				t.Errorf("note %q: the row must say why progress went back", s.Note.Code)
			}
			want, _ := os.Stat(p)
			if _, size, crc := v.head(s.Key); size != want.Size() || crc != mustCRC(t, p) {
				t.Errorf("COS holds %d bytes with CRC64 %d; the file has %d bytes, CRC64 %d", size, crc, want.Size(), mustCRC(t, p))
			}
			if n := v.openUploads(); n != 0 {
				t.Errorf("%d multipart uploads left open", n)
			}
		})
	}
}
