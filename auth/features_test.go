package auth

import (
	"context"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// sampleGrantCOS answers like COS for credentials with the sample STS
// servers' grant (PutObject, PostObject, InitiateMultipartUpload,
// ListMultipartUploads, ListParts, UploadPart, CompleteMultipartUpload):
// HeadObject, AbortMultipartUpload and DeleteObject get 403 AccessDenied,
// the rest answer as COS does.
func sampleGrantCOS(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		deny := func() {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			if r.Method != http.MethodHead {
				fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied.</Message><RequestId>R</RequestId></Error>`)
			}
		}
		switch {
		case r.Method == http.MethodHead, r.Method == http.MethodDelete:
			deny()
		case r.Method == http.MethodPut:
			b, _ := io.ReadAll(r.Body)
			w.Header().Set("ETag", `"e"`)
			w.Header().Set("x-cos-hash-crc64ecma", fmt.Sprint(crc64.Checksum(b, crcTable)))
		case r.Method == http.MethodPost && q.Has("uploads"):
			fmt.Fprint(w, `<InitiateMultipartUploadResult><Bucket>b-1250000000</Bucket><Key>k</Key><UploadId>UP1</UploadId></InitiateMultipartUploadResult>`)
		case r.Method == http.MethodGet && q.Has("uploads"):
			fmt.Fprint(w, `<ListMultipartUploadsResult><Bucket>b-1250000000</Bucket></ListMultipartUploadsResult>`)
		case r.Method == http.MethodGet && q.Has("uploadId"):
			fmt.Fprint(w, `<ListPartsResult><Bucket>b-1250000000</Bucket><UploadId>UP1</UploadId></ListPartsResult>`)
		case r.Method == http.MethodPost && q.Has("uploadId"):
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><RequestId>R</RequestId></Error>`)
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestProbeSampleGrantFeatures (issue 11): under the sample STS policy
// the probe names each feature that will not work, as stable codes with
// the missing actions, in words for the administrator.
func TestProbeSampleGrantFeatures(t *testing.T) {
	srv := sampleGrantCOS(t)
	p := Profile{Name: "p", Mode: ModeSTS, Bucket: "b-1250000000", Region: "ap-guangzhou", Endpoint: srv.URL, CredentialURL: "https://sts.example.com/sts", Prefix: "team/"}
	rep := Probe(context.Background(), p, NewStatic(Credentials{SecretID: "AKIDx", SecretKey: "k", SessionToken: "t"}), nil, nil)
	if got := rep.Missing(); !slices.Equal(got, []string{"HeadObject", "AbortMultipartUpload"}) {
		t.Fatalf("missing %v; results %+v", got, rep.Results)
	}
	if len(rep.Results) != 8 {
		t.Errorf("%d actions probed, want 8", len(rep.Results))
	}
	var ids []string
	for _, f := range rep.LostFeatures() {
		ids = append(ids, f.Feature)
		if f.Message.Code != FeatureCode(f.Feature) || f.Message.String() == string(f.Message.Code) {
			t.Errorf("%s: message %+v", f.Feature, f.Message)
		}
		if !strings.Contains(f.Message.String(), f.Missing[0]) {
			t.Errorf("%s: %q does not name %s", f.Feature, f.Message, f.Missing[0])
		}
	}
	if want := []string{"skip-identical", "lost-complete", "cancel-cleanup"}; !slices.Equal(ids, want) {
		t.Errorf("lost features %v, want %v", ids, want)
	}
}
