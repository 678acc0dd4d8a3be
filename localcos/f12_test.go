package localcos

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// Issue 20, finding 12: ListMultipartUploads with a delimiter returned
// the same common prefix on every page with "more follows". A key marker
// that is a common prefix skips every key under it (S3 semantics), so
// paging ends and lists each prefix and upload once.
func TestListUploadsDelimiterPagingEnds(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	for _, k := range []string{"d1/a", "d1/b", "d1/c/x", "d2/a", "top.bin"} {
		if _, _, err := c.Object.InitiateMultipartUpload(bg, k, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Raw requests: cos-go-sdk-v5 reads CommonPrefixes from a misspelt
	// element ("CommonPrefixs"), so it never sees them.
	hc := &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testSecret}}
	var got []string
	keyMarker, idMarker := "", ""
	for page := 0; ; page++ {
		if page > 10 {
			t.Fatalf("paging does not end: %v", got)
		}
		q := url.Values{"delimiter": {"/"}, "max-uploads": {"1"}, "key-marker": {keyMarker}, "upload-id-marker": {idMarker}}
		resp, err := hc.Get(s.URL() + "/?uploads&" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		var res listUploadsResult
		err = xml.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("list: %d %v", resp.StatusCode, err)
		}
		for _, p := range res.CommonPrefixes {
			got = append(got, p.Prefix)
		}
		for _, u := range res.Uploads {
			got = append(got, u.Key)
		}
		if !res.IsTruncated {
			break
		}
		keyMarker, idMarker = res.NextKeyMarker, res.NextUploadIDMarker
	}
	if strings.Join(got, ",") != "d1/,d2/,top.bin" {
		t.Errorf("listed %v, want d1/, d2/ and top.bin once each", got)
	}
}

// Issue 20, finding 12: DeleteMultipleObjects (POST /?delete,
// https://cloud.tencent.com/document/product/436/8289) answered 405. It
// deletes 1 to 1,000 keys and reports each (a missing key counts as
// deleted); Quiet reports only failures; a wrong Content-MD5 is BadDigest.
func TestDeleteMultipleObjects(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	for _, k := range []string{"a.txt", "b/c.txt", "keep.txt"} {
		if _, err := c.Object.Put(bg, k, strings.NewReader("x"), nil); err != nil {
			t.Fatal(err)
		}
	}
	res, _, err := c.Object.DeleteMulti(bg, &cos.ObjectDeleteMultiOptions{Objects: []cos.Object{{Key: "a.txt"}, {Key: "b/c.txt"}, {Key: "missing"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.DeletedObjects) != 3 || len(res.Errors) != 0 {
		t.Errorf("deleted %+v, errors %+v; want 3 deleted", res.DeletedObjects, res.Errors)
	}
	for k, want := range map[string]bool{"a.txt": false, "b/c.txt": false, "keep.txt": true} {
		if _, err := c.Object.Head(bg, k, nil); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", k, err == nil, want)
		}
	}
	res, _, err = c.Object.DeleteMulti(bg, &cos.ObjectDeleteMultiOptions{Quiet: true, Objects: []cos.Object{{Key: "keep.txt"}}})
	if err != nil || len(res.DeletedObjects) != 0 {
		t.Errorf("quiet: %+v, %v; want no Deleted list", res, err)
	}
	_, _, err = c.Object.DeleteMulti(bg, &cos.ObjectDeleteMultiOptions{})
	cosErr(t, err, http.StatusBadRequest, "InvalidArgument")
}

// Issue 20, finding 12: custom metadata is limited per header (2 KB) and
// in all (4 KB), as the PUT Object document says
// (https://cloud.tencent.com/document/product/436/7749); localcos refused
// 3 KB spread over two headers.
func TestMetadataLimits(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	put := func(meta map[string]string) error {
		h := http.Header{}
		for k, v := range meta {
			h.Set(k, v)
		}
		_, err := c.Object.Put(bg, "m.txt", strings.NewReader("x"), &cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{XCosMetaXXX: &h}})
		return err
	}
	kb := func(n int) string { return strings.Repeat("v", n) }
	if err := put(map[string]string{"x-cos-meta-a": kb(1500), "x-cos-meta-b": kb(1500)}); err != nil {
		t.Errorf("3 KB in two headers refused: %v", err)
	}
	cosErr(t, put(map[string]string{"x-cos-meta-a": kb(2100)}), http.StatusBadRequest, "InvalidArgument")
	cosErr(t, put(map[string]string{"x-cos-meta-a": kb(1900), "x-cos-meta-b": kb(1900), "x-cos-meta-c": kb(1900)}), http.StatusBadRequest, "InvalidArgument")
}
