package localcos

import (
	"net/http"
	"strings"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// Issue 20, finding 11: localcos refuses the object keys COS's naming
// rules forbid (https://cloud.tencent.com/document/product/436/13324: no
// leading "/" or "\", and none of the control characters CAN, EM, SUB,
// ESC; CR and LF) on every write that names a key, and accepts what
// those rules allow, so it is never stricter than COS either.
func TestObjectKeysCOSForbids(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	for _, key := range []string{"/lead.txt", "\\lead.txt", "a\rb.txt", "a\nb.txt", "a\x1bb.txt", "a\x18b.txt", "a\x19b.txt", "a\x1ab.txt"} {
		_, err := c.Object.Put(bg, key, strings.NewReader("x"), nil)
		cosErr(t, err, http.StatusBadRequest, "InvalidArgument")
		_, _, err = c.Object.InitiateMultipartUpload(bg, key, nil)
		cosErr(t, err, http.StatusBadRequest, "InvalidArgument")
		if _, err := c.Object.Head(bg, key, nil); err == nil {
			t.Errorf("%q: stored", key)
		}
	}
	for _, key := range []string{"mid/\\back.txt", "a\x01b.txt", "sp ace.txt", "报告.txt"} {
		if _, err := c.Object.Put(bg, key, strings.NewReader("x"), nil); err != nil {
			t.Errorf("%q refused, but COS's rules allow it: %v", key, err)
		}
	}
	_ = cos.ErrorResponse{}
}
