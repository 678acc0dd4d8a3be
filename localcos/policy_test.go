package localcos

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

func stsClient(t *testing.T, s *Server, query string) *cos.Client {
	t.Helper()
	cred := fetchSTS(t, s, query, "")
	return client(t, s, cred.Credentials.TmpSecretID, cred.Credentials.TmpSecretKey, cred.Credentials.SessionToken)
}

func policyQuery(p Policy) string { return "?policy=" + url.QueryEscape(p.JSON()) }

// Regression (issue #11): the default /sts grant included HeadObject and
// AbortMultipartUpload, which Tencent's sample servers never grant.
func TestSTSDefaultGrantIsSampleList(t *testing.T) {
	s := startServer(t, nil)
	c := stsClient(t, s, "")
	id, opt := uploadParts(t, c, "d/big.bin", nil, patterned(1<<20), []byte("end"))
	_, err := c.Object.AbortMultipartUpload(bg, "d/big.bin", id, nil)
	cosErr(t, err, 403, "AccessDenied")
	if _, _, err := c.Object.CompleteMultipartUpload(bg, "d/big.bin", id, opt); err != nil {
		t.Fatal(err)
	}
	_, err = c.Object.Head(bg, "d/big.bin", nil)
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("HEAD: %v", err)
	}
	if _, _, err := c.Object.ListUploads(bg, &cos.ObjectListUploadsOptions{Prefix: "d/"}); err != nil {
		t.Fatalf("ListMultipartUploads is in the sample grant: %v", err)
	}
	_, err = c.Object.Delete(bg, "d/big.bin")
	cosErr(t, err, 403, "AccessDenied")

	// The broad grant, asked for explicitly.
	b := stsClient(t, s, policyQuery(UploadPolicy(s.Region(), s.Bucket(), "", BroadActions)))
	if _, err := b.Object.Head(bg, "d/big.bin", nil); err != nil {
		t.Fatal(err)
	}
	id, _ = uploadParts(t, b, "d/other.bin", nil, []byte("x"))
	if _, err := b.Object.AbortMultipartUpload(bg, "d/other.bin", id, nil); err != nil {
		t.Fatal(err)
	}
	// And through Config.STSActions.
	s2 := startServer(t, func(c *Config) { c.STSActions = BroadActions })
	if _, err := stsClient(t, s2, "").Object.Head(bg, "nothing", nil); !cos.IsNotFoundError(err) {
		t.Fatalf("HEAD with STSActions=BroadActions: %v", err)
	}
}

// The policy of cos-demo's /put-sign-limit: PutObject on one key, at most
// 5 MB, Content-Type image/*.
func TestSTSPolicyConditions(t *testing.T) {
	s := startServer(t, nil)
	pol := `{"version":"2.0","statement":[{"action":["name/cos:PutObject","name/cos:PostObject"],"effect":"allow",
		"resource":["qcs::cos:` + s.Region() + `:uid/1250000000:` + s.Bucket() + `/file/20260101/20260101_123456.png"],
		"condition":{"numeric_less_than_equal":{"cos:content-length":10},"string_like":{"cos:content-type":"image/*"}}}]}`
	c := stsClient(t, s, "?policy="+url.QueryEscape(pol))
	key := "file/20260101/20260101_123456.png"
	put := func(key, ctype, body string) error {
		_, err := c.Object.Put(bg, key, strings.NewReader(body), &cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentType: ctype}})
		return err
	}
	if err := put(key, "image/png", "png bytes"); err != nil {
		t.Fatalf("allowed PUT: %v", err)
	}
	cosErr(t, put(key, "text/plain", "text"), 403, "AccessDenied")
	cosErr(t, put(key, "image/png", "eleven byte"), 403, "AccessDenied")
	cosErr(t, put(key, "", "no type"), 403, "AccessDenied") // string_like needs the header
	cosErr(t, put("file/other.png", "image/png", "png"), 403, "AccessDenied")

	// The prefix// resource form of the STS samples, a deny statement,
	// *_if_exist, capitalised field names and a bare string action.
	pol = `{"Version":"2.0","Statement":[
		{"Action":"name/cos:*","Effect":"Allow","Resource":["qcs::cos:` + s.Region() + `:uid/1250000000:prefix//1250000000/examplebucket/up/*"],
		 "condition":{"string_equal_if_exist":{"cos:x-cos-acl":"private"}}},
		{"action":["name/cos:PutObject"],"effect":"deny","resource":["qcs::cos:*:uid/1250000000:` + s.Bucket() + `/up/secret/*"]}]}`
	c = stsClient(t, s, "?policy="+url.QueryEscape(pol))
	if _, err := c.Object.Put(bg, "up/a.txt", strings.NewReader("a"), nil); err != nil {
		t.Fatalf("allowed by prefix// resource: %v", err)
	}
	_, err := c.Object.Put(bg, "up/secret/a.txt", strings.NewReader("a"), nil)
	cosErr(t, err, 403, "AccessDenied")
	_, err = c.Object.Put(bg, "up/b.txt", strings.NewReader("a"), &cos.ObjectPutOptions{ACLHeaderOptions: &cos.ACLHeaderOptions{XCosACL: "public-read"}})
	cosErr(t, err, 403, "AccessDenied")
	if _, err := c.Object.Head(bg, "up/a.txt", nil); err != nil {
		t.Fatalf("name/cos:* allows HEAD: %v", err)
	}
	// Multipart under a content-length condition: the size limit applies
	// to simple uploads only; parts and Complete pass.
	pol = UploadPolicy(s.Region(), s.Bucket(), "mp/", nil).JSON()
	pol = strings.Replace(pol, `"resource"`, `"condition":{"numeric_less_than_equal":{"cos:content-length":10}},"resource"`, 1)
	c = stsClient(t, s, "?policy="+url.QueryEscape(pol))
	id, opt := uploadParts(t, c, "mp/big.bin", nil, patterned(1<<20), []byte("tail"))
	if _, _, err := c.Object.CompleteMultipartUpload(bg, "mp/big.bin", id, opt); err != nil {
		t.Fatal(err)
	}
	_, err = c.Object.Put(bg, "mp/simple.bin", bytes.NewReader(patterned(11)), nil)
	cosErr(t, err, 403, "AccessDenied")
}

func TestSTSPolicyRejected(t *testing.T) {
	s := startServer(t, nil)
	for _, pol := range []string{
		`not json`,
		`{"version":"1.0","statement":[{"action":["name/cos:PutObject"],"effect":"allow","resource":["*"]}]}`,
		`{"version":"2.0","statement":[]}`,
		`{"version":"2.0","statement":[{"action":["cos:PutObject"],"effect":"allow","resource":["*"]}]}`,
		`{"version":"2.0","statement":[{"action":["name/cos:PutObject"],"effect":"maybe","resource":["*"]}]}`,
		`{"version":"2.0","statement":[{"action":["name/cos:PutObject"],"effect":"allow","resource":["examplebucket/*"]}]}`,
		`{"version":"2.0","statement":[{"action":["name/cos:PutObject"],"effect":"allow","resource":["*"],"condition":{"ip_equal":{"qcs:ip":"10.0.0.1"}}}]}`,
	} {
		resp, err := http.Get(s.STSURL() + "/sts?policy=" + url.QueryEscape(pol))
		if err != nil {
			t.Fatal(err)
		}
		var e map[string]string
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 400 || e["code"] != "InvalidParameter" {
			t.Fatalf("policy %s: %d %v", pol, resp.StatusCode, e)
		}
	}
	// POST /sts with a form, as the samples accept any method.
	resp, err := http.PostForm(s.STSURL()+"/sts", url.Values{"policy": {UploadPolicy(s.Region(), s.Bucket(), "x/", nil).JSON()}})
	if err != nil {
		t.Fatal(err)
	}
	var out stsResponse
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != 200 || out.Credentials.SessionToken == "" {
		t.Fatalf("POST /sts: %d", resp.StatusCode)
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true}, {"*", "a/b", true}, {"a/*", "a/b/c", true}, {"a/*", "b/a", false},
		{"image/*", "image/png", true}, {"image/*", "text/plain", false}, {"a*c", "abbbc", true},
		{"a*c", "abd", false}, {"exact", "exact", true}, {"exact", "exactly", false}, {"*.png", "x/y.png", true},
	} {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

// TestSTSContentTypeConditionOnMultipart (issue 20 finding 13): COS's
// condition-key document (https://cloud.tencent.com/document/product/436/71306,
// intl https://www.tencentcloud.com/document/product/436/46206) says
// cos:content-type is read from the Content-Type header of any request, and
// that an operator without _if_exist evaluates to false when the request
// lacks the header, so an allow statement does not grant it. A grant of the
// multipart actions under string_like image/* therefore lets Initiate
// through (it carries image/png) and refuses the parts, the listing and
// Complete (application/xml). Tencent's samples write string_like_if_exist
// and list application/xml for that reason.
func TestSTSContentTypeConditionOnMultipart(t *testing.T) {
	s := startServer(t, nil)
	grant := func(cond string) *cos.Client {
		pol := UploadPolicy(s.Region(), s.Bucket(), "mp/", nil).JSON()
		pol = strings.Replace(pol, `"resource"`, `"condition":`+cond+`,"resource"`, 1)
		return stsClient(t, s, "?policy="+url.QueryEscape(pol))
	}
	png := &cos.InitiateMultipartUploadOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentType: "image/png"}}

	c := grant(`{"string_like":{"cos:content-type":"image/*"}}`)
	init, _, err := c.Object.InitiateMultipartUpload(bg, "mp/a.png", png)
	if err != nil {
		t.Fatalf("Initiate carries image/png: %v", err)
	}
	_, err = c.Object.UploadPart(bg, "mp/a.png", init.UploadID, 1, bytes.NewReader([]byte("x")), nil)
	cosErr(t, err, 403, "AccessDenied")
	_, _, err = c.Object.ListParts(bg, "mp/a.png", init.UploadID, nil)
	cosErr(t, err, 403, "AccessDenied")
	_, _, err = c.Object.CompleteMultipartUpload(bg, "mp/a.png", init.UploadID, &cos.CompleteMultipartUploadOptions{Parts: []cos.Object{{PartNumber: 1, ETag: `"x"`}}})
	cosErr(t, err, 403, "AccessDenied")

	// The samples' form: absent header passes, Complete's application/xml listed.
	c = grant(`{"string_like_if_exist":{"cos:content-type":["image/*","application/xml","application/octet-stream"]}}`)
	id, opt := uploadParts(t, c, "mp/b.png", png, patterned(1<<20), []byte("tail"))
	if _, _, err := c.Object.ListParts(bg, "mp/b.png", id, nil); err != nil {
		t.Fatalf("ListParts under _if_exist: %v", err)
	}
	if _, _, err := c.Object.CompleteMultipartUpload(bg, "mp/b.png", id, opt); err != nil {
		t.Fatalf("Complete under _if_exist with application/xml: %v", err)
	}
}
