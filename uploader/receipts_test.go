package uploader

import (
	"path/filepath"
	"testing"

	"cosdrop/receipt"
)

// TestReceiptSetAsideKeepsPending: setting a journal aside (repair)
// carries the receipts waiting in it into the fresh journal.
func TestReceiptSetAsideKeepsPending(t *testing.T) {
	dir := t.TempDir()
	j, err := openJournal(dir, "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	err = j.commit(func(w journalWriter) error {
		return w.saveReceipt(pendingReceipt{Key: "r/2026/12/04/1.json", Body: []byte("{}")})
	})
	j.close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SetAsideJournal(dir); err != nil {
		t.Fatal(err)
	}
	if n, err := ReadPendingReceipts(dir); err != nil || n != 1 {
		t.Fatalf("pending after set aside: %d, %v", n, err)
	}
}

// TestReceiptFilePathPolicy: a receipt carries the whole local path, its
// name or nothing, as the policy says.
func TestReceiptFilePathPolicy(t *testing.T) {
	e := &Engine{}
	r := &record{Path: filepath.Join(t.TempDir(), "secret-project", "a.pdf"), Key: "in/a.pdf", State: Done, CRC64: 42}
	for paths, want := range map[receipt.Paths]string{receipt.PathsFull: r.Path, receipt.PathsNames: "a.pdf", receipt.PathsNone: ""} {
		f := e.receiptFile(r, paths)
		if f.Path != want || f.CRC64 != "42" || !f.Verified || f.State != receipt.StateDone {
			t.Errorf("%s: %+v", paths, f)
		}
	}
}
