package session

import (
	"context"
	"strings"
	"testing"

	"cosdrop/auth"
	"cosdrop/profile"
)

// Issue 21, finding 4: under Tencent's sample STS grant, Test connection
// says first that uploads work (it was headed "Connection problems:"),
// then what the missing permissions cost, and asks nobody to clean up in
// the COS console: it left nothing behind.
func TestCheckConnectionSampleGrantHeadline(t *testing.T) {
	srv := linkServer(t, 0, nil)
	p := profile.Profile{Name: "sample", Mode: profile.ModeSTS, Bucket: srv.Bucket(), Region: srv.Region(), Endpoint: srv.URL(),
		CredentialURL: srv.STSURL() + "/sts", Prefix: "team/"}
	ok, text := CheckConnection(context.Background(), p, auth.NewSessionStore())
	if ok {
		t.Fatalf("the sample grant lacks HeadObject, GetObject and AbortMultipartUpload, yet ok: %s", text)
	}
	first, _, _ := strings.Cut(text, "\n")
	if first != "Uploads work. Some other features do not, with these permissions:" {
		t.Errorf("headline %q; full text:\n%s", first, text)
	}
	for _, want := range []string{"Share links cannot be made", "GetObject"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "COS console") {
		t.Errorf("the report asks for a clean-up:\n%s", text)
	}
}
