package auth

import (
	"strings"
	"testing"
)

// A signed PUT whose signature lists a header the rules want to set keeps
// the signature intact and names the header instead of dropping it
// silently; a POST form takes every header as a field.
func TestApplyHeadersSigned(t *testing.T) {
	h := ObjectHeaders{ContentType: "text/markdown", CacheControl: "no-cache", StorageClass: "ARCHIVE", Meta: map[string]string{"team": "x"}}
	up := SignedUpload{Method: MethodPut, ContentType: "text/plain", Put: SignedPut{ContentType: "text/plain",
		Authorization: "q-sign-algorithm=sha1&q-ak=AKIDx&q-sign-time=1;2&q-key-time=1;2&q-header-list=cache-control;content-type;host&q-url-param-list=&q-signature=ab"}}
	notSent, err := up.ApplyHeaders(h, 10)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(notSent, ",") != "Cache-Control,Content-Type" {
		t.Errorf("not sent %v, want Cache-Control and Content-Type", notSent)
	}
	if up.Put.ContentType != "text/plain" || up.Put.Extra.Get("Cache-Control") != "" || up.Put.Extra.Get("x-cos-storage-class") != "ARCHIVE" || up.Put.Extra.Get("x-cos-meta-team") != "x" {
		t.Errorf("put after ApplyHeaders: %+v", up.Put)
	}
	post := SignedUpload{Method: MethodPost}
	if notSent, err := post.ApplyHeaders(h, 10); err != nil || len(notSent) != 0 {
		t.Fatalf("post: %v %v", notSent, err)
	}
	if post.Post.ContentType != "text/markdown" || post.Post.Extra.Get("Cache-Control") != "no-cache" {
		t.Errorf("post after ApplyHeaders: %+v", post.Post)
	}
}
