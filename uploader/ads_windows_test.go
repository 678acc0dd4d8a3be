package uploader

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAlternateStreamsNeverUploaded (issue 19): a path naming an NTFS
// alternate data stream ("report.txt:hidden", "report.txt::$DATA"), given
// on its own or as a watched file, fails with AlternateStream before
// anything is read or sent; the file itself, added beside it, uploads.
// The refusal needs no stream on disk (Wine 8 has none): it is decided by
// the name.
func TestAlternateStreamsNeverUploaded(t *testing.T) {
	v := newEnv(t)
	p := filepath.Join(v.data, "report.txt")
	if err := os.WriteFile(p, []byte("visible"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := v.engine(v.config())
	defer e.Close()
	streams := []string{p + ":hidden", p + "::$DATA", `\\?\` + p + ":hidden"}
	got := waitBatch(t, e, e.Add(append(streams, p)...))
	got = append(got, waitBatch(t, e, e.AddFiles(FileRef{Path: p + ":zone", Rel: "report.txt"}))...)
	refused := 0
	for _, s := range got {
		switch {
		case s.Path == p:
			if s.State != Done {
				t.Errorf("the file itself: %s %+v", s.State, s.LastErr)
			}
		case s.State == Failed && s.LastErr != nil && s.LastErr.Code == CodeAlternateStream:
			refused++
		default:
			t.Errorf("%s: %s %+v, want Failed with %s", s.Path, s.State, s.LastErr, CodeAlternateStream)
		}
	}
	if refused != len(streams)+1 {
		t.Errorf("%d of %d stream paths refused", refused, len(streams)+1)
	}
	if n := v.objectCount(); n != 1 {
		t.Errorf("%d objects in the bucket, want only report.txt", n)
	}
}
