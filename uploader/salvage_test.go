package uploader

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestSalvageZeroedMetaPages (issue 20, finding 3): with the first 8 KiB of
// journal.db zeroed (both bbolt meta pages) bbolt cannot open the file,
// yet its data pages are intact: repair keeps every task (the unfinished
// one paused, its upload ID and parts kept) instead of none.
func TestSalvageZeroedMetaPages(t *testing.T) {
	for _, n := range []int{3, 300} { // an inline tasks bucket, and one of many pages
		v := newFakeEnv(t)
		v.store.fault = onPart(2, &fault{block: true})
		cfg := v.config()
		e := v.engine(cfg)
		var paths []string
		for i := range n {
			paths = append(paths, v.file(filepath.Join("f", string(rune('a'+i%26))+itoa(i)+".txt"), 100, uint64(i)))
		}
		big := v.file("big.bin", 3<<20, 1)
		e.Add(append(paths, big)...)
		waitFor(t, func() bool { return e.Totals().Done == n })
		var bigID TaskID
		waitFor(t, func() bool {
			snaps, _ := e.Changes(0)
			for _, s := range snaps {
				if s.Path == big && s.Acked >= 1<<20 {
					bigID = s.ID
					return true
				}
			}
			return false
		})
		e.crash()
		p := filepath.Join(v.state, JournalFile)
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteAt(bytes.Repeat([]byte{0}, 8<<10), 0)
		f.Close()
		if err := CheckJournal(v.state); err == nil {
			t.Fatal("a journal without meta pages passed the check")
		}
		res, err := SetAsideJournal(v.state)
		if err != nil {
			t.Fatal(err)
		}
		if res.Tasks != n+1 || res.Parts < 1 || !res.Raw {
			t.Fatalf("%d tasks: salvaged %d tasks and %d parts, want %d tasks and the big file's parts", n, res.Tasks, res.Parts, n+1)
		}
		v.store.mu.Lock()
		v.store.fault = nil
		v.store.mu.Unlock()
		e2 := v.engine(cfg)
		s, _ := e2.Get(bigID)
		if s.State != Paused || s.UploadID == "" {
			t.Fatalf("the unfinished task came back %s (upload %q), want paused with its upload", s.State, s.UploadID)
		}
		if e2.Totals().Done != n {
			t.Errorf("%d done tasks after the salvage, want %d", e2.Totals().Done, n)
		}
		parts := v.store.count("part")
		e2.Resume(bigID)
		if s := final(t, e2, bigID); s.State != Done {
			t.Fatalf("resumed: %s %+v", s.State, s.LastErr)
		}
		if sent := v.store.count("part") - parts; sent > 2 {
			t.Errorf("the resumed task sent %d parts: the salvaged parts were not used", sent)
		}
		v.verified("big.bin", big)
		e2.Close()
	}
}

func itoa(i int) string {
	return string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}

// FuzzRawSalvage: the page reader takes any bytes without a panic.
func FuzzRawSalvage(f *testing.F) {
	page := make([]byte, 3*4096)
	page[2*4096] = 2              // id 2
	page[2*4096+8] = leafPageFlag // a leaf
	page[2*4096+10] = 3           // three elements
	page[2*4096+16+4] = 0xff      // the first one points far away
	f.Add(page)
	f.Add(make([]byte, 9000))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "j.db")
		if err := os.WriteFile(p, append(make([]byte, 8192), b...), 0o600); err != nil {
			t.Fatal(err)
		}
		rawSalvage(p)
	})
}
