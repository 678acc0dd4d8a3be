package uploader_test

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/uploader"
)

// TestSTSE2EContentTypeConditionBlocksMultipart (issue 20 finding 13):
// under temporary credentials whose policy grants the multipart actions
// only with string_like cos:content-type image/*, COS refuses the parts
// (no Content-Type; condition-key document,
// https://cloud.tencent.com/document/product/436/71306). A large .png
// starts (Initiate carries image/png) and fails at its first part, and
// the task error names that step, which is what the session's words key
// on ("upload part N", "list parts", "complete").
func TestSTSE2EContentTypeConditionBlocksMultipart(t *testing.T) {
	s := e2eServer(t, localcos.Config{})
	pol := localcos.UploadPolicy(s.Region(), s.Bucket(), "ct/", nil).JSON()
	pol = strings.Replace(pol, `"resource"`, `"condition":{"string_like":{"cos:content-type":"image/*"}},"resource"`, 1)
	sts := auth.NewSTS(s.STSURL()+"/sts?policy="+url.QueryEscape(pol), "", nil)
	defer sts.Close()
	path := filepath.Join(t.TempDir(), "big.png")
	writePattern(t, path, 9<<20)
	e := newEngine(t, uploader.Config{BucketURL: s.URL(), Credentials: sts, Prefix: "ct/",
		PartSize: 4 << 20, Concurrency: 1, RetryBase: time.Millisecond, RetryMax: 10 * time.Millisecond})
	snaps := uploader.WaitBatch(t, e, e.Add(path))
	if len(snaps) != 1 || snaps[0].State == uploader.Done {
		t.Fatalf("tasks %+v: a multipart upload went through a content-type condition", snaps)
	}
	last := snaps[0].LastErr
	if last == nil || last.Code != "AccessDenied" || !strings.HasPrefix(last.Op, "upload part") {
		t.Fatalf("last error %+v, want AccessDenied at an upload part", last)
	}
}
