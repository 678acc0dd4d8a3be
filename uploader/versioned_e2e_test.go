package uploader_test

import (
	"os"
	"path/filepath"
	"testing"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/uploader"
)

// TestVersionedBucketRenameDoesNotApply (issue 20 finding 9): COS ignores
// x-cos-forbid-overwrite on a versioned bucket (PUT Object,
// https://cloud.tencent.com/document/product/436/7749), and CosDrop's
// rename applies where COS refuses. On localcos's versioned mode a second
// file of the same name therefore replaces the first even with rename:
// this pins what README says holds (the older version stays in COS; the
// probe tells the user the bucket is versioned).
func TestVersionedBucketRenameDoesNotApply(t *testing.T) {
	s := e2eServer(t, localcos.Config{Versioning: true})
	e := newEngine(t, uploader.Config{BucketURL: s.URL(), Credentials: auth.NewStatic(auth.Credentials{SecretID: e2eID, SecretKey: e2eKey}), Prefix: "v/", OnConflict: uploader.Rename})
	dir := t.TempDir()
	for i, body := range []string{"first", "second"} {
		sub := filepath.Join(dir, string(rune('a'+i)))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(sub, "same.txt")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		snaps := uploader.WaitBatch(t, e, e.Add(path))
		if len(snaps) != 1 || snaps[0].State != uploader.Done || snaps[0].Key != "v/same.txt" {
			t.Fatalf("upload %d: %+v", i, snaps)
		}
	}
}
