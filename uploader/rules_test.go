package uploader

import "testing"

// TestCodecRelAt: the journal keeps where the rules' relative path starts,
// so a task resumed after a restart gets the same headers; a record from
// before rules (version 3) reads as the file's name.
func TestCodecRelAt(t *testing.T) {
	r := record{ID: 7, Path: "/home/u/drop/Photos/a/b.jpg", Key: "Photos/a/b.jpg", State: Queued, RelAt: len("/home/u/drop/Photos/")}
	b, err := encodeRecord(&r)
	if err != nil {
		t.Fatal(err)
	}
	var got record
	if err := decodeRecord(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.RelAt != r.RelAt || relOf(&got) != "a/b.jpg" {
		t.Errorf("RelAt %d rel %q, want %d a/b.jpg", got.RelAt, relOf(&got), r.RelAt)
	}
	old := record{Path: "/x/y/z.txt"}
	if relOf(&old) != "z.txt" {
		t.Errorf("a record without RelAt: rel %q, want z.txt", relOf(&old))
	}
	b[0] = 99
	if decodeRecord(b, &got) == nil {
		t.Error("a record of an unknown version was read")
	}
}
