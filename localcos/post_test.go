package localcos

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
)

// browserForm builds the multipart/form-data body a browser sends for an
// <input type=file> form: fields in order, the file last.
func browserForm(t *testing.T, fields [][2]string, filename string, file []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	h.Set("Content-Type", "image/jpeg")
	w, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(file)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func fetchPostPolicy(t *testing.T, s *Server) PostPolicyResponse {
	t.Helper()
	resp, err := http.Get(s.STSURL() + "/post-policy?ext=jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var pp PostPolicyResponse
	if err := json.NewDecoder(resp.Body).Decode(&pp); err != nil {
		t.Fatal(err)
	}
	return pp
}

func TestPostObjectBrowserForm(t *testing.T) {
	s := startServer(t, nil)
	pp := fetchPostPolicy(t, s)
	fields := func(key string) [][2]string {
		return [][2]string{
			{"key", key}, {"policy", pp.Policy}, {"success_action_status", "201"},
			{"q-sign-algorithm", pp.QSignAlgorithm}, {"q-ak", pp.QAk}, {"q-key-time", pp.QKeyTime},
			{"q-signature", pp.QSignature}, {"x-cos-security-token", pp.SecurityToken}, {"Content-Type", "image/jpeg"},
		}
	}
	send := func(f [][2]string, origin string) (*http.Response, string) {
		body, ctype := browserForm(t, f, "photo 1.jpg", []byte("\xff\xd8 jpeg data"))
		req, _ := http.NewRequest(http.MethodPost, "http://"+pp.CosHost+"/", body)
		req.Header.Set("Content-Type", ctype)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}

	// The browser's CORS preflight comes first.
	pre, _ := http.NewRequest(http.MethodOptions, "http://"+pp.CosHost+"/", nil)
	pre.Header.Set("Origin", "http://app.example")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "content-type")
	resp, err := http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "http://app.example" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "POST") || resp.Header.Get("Access-Control-Allow-Headers") != "content-type" {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}

	resp, body := send(fields(pp.CosKey), "http://app.example")
	if resp.StatusCode != 201 || !strings.Contains(body, "<Key>"+pp.CosKey+"</Key>") || resp.Header.Get("ETag") == "" ||
		resp.Header.Get("x-cos-hash-crc64ecma") == "" || resp.Header.Get("Access-Control-Allow-Origin") != "http://app.example" {
		t.Fatalf("POST: %d %s %v", resp.StatusCode, body, resp.Header)
	}
	head, err := permClient(t, s).Object.Head(bg, pp.CosKey, nil)
	if err != nil || head.Header.Get("Content-Type") != "image/jpeg" || head.ContentLength != int64(len("\xff\xd8 jpeg data")) {
		t.Fatalf("head: %v", err)
	}

	// A different key breaks the policy; a changed signature is refused.
	if resp, body := send(fields("other.jpg"), ""); resp.StatusCode != 403 {
		t.Fatalf("other key: %d %s", resp.StatusCode, body)
	}
	f := fields(pp.CosKey)
	f[6][1] = strings.Repeat("0", 40)
	if resp, body := send(f, ""); resp.StatusCode != 403 || !strings.Contains(body, "SignatureDoesNotMatch") {
		t.Fatalf("bad signature: %d %s", resp.StatusCode, body)
	}
	// Without success_action_status the answer is 204.
	f = fields(pp.CosKey)
	f[2][1] = ""
	if resp, _ := send(f, ""); resp.StatusCode != 204 || resp.Header.Get("Location") == "" {
		t.Fatalf("default status: %d", resp.StatusCode)
	}
	s.Faults().ExpireTokens()
	if resp, body := send(fields(pp.CosKey), ""); resp.StatusCode != 403 || !strings.Contains(body, "ExpiredToken") {
		t.Fatalf("expired token: %d %s", resp.StatusCode, body)
	}
}

// A policy signed with the permanent key and ${filename} in the key.
func TestPostObjectPermanentKey(t *testing.T) {
	s := startServer(t, nil)
	keyTime := "1700000000;4000000000"
	policy := `{"expiration":"2096-01-01T00:00:00.000Z","conditions":[{"q-sign-algorithm":"sha1"},{"q-ak":"` + testID +
		`"},{"q-sign-time":"` + keyTime + `"},["starts-with","$key","user/"],["content-length-range",1,10]]}`
	sig := hmacSHA1Hex(signKey(testSecret, keyTime), sha1Hex(policy))
	b64 := base64Std(policy)
	fields := [][2]string{{"key", "user/${filename}"}, {"policy", b64}, {"q-sign-algorithm", "sha1"}, {"q-ak", testID}, {"q-key-time", keyTime}, {"q-signature", sig}}
	for _, tc := range []struct {
		file   string
		status int
	}{{"0123456789", 204}, {"0123456789A", 400}} {
		body, ctype := browserForm(t, fields, "名字 1.txt", []byte(tc.file))
		resp, err := http.Post(s.URL()+"/", ctype, body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Fatalf("%d bytes: status %d", len(tc.file), resp.StatusCode)
		}
	}
	if _, err := permClient(t, s).Object.Head(bg, "user/名字 1.txt", nil); err != nil {
		t.Fatal(err)
	}
}

// TestPostPolicyStarIsLiteral (issue 20 finding 10): cos-demo's
// post-policy-limit writes ["starts-with","$Content-Type","image/*"]. COS's
// POST Object document (https://cloud.tencent.com/document/product/436/14690)
// defines starts-with as a prefix and names no wildcard, so localcos
// compares the value literally: image/png does not start with "image/*".
// CosDrop's pre-check (auth.PolicyLimits) reads it the same way.
func TestPostPolicyStarIsLiteral(t *testing.T) {
	s := startServer(t, nil)
	keyTime := "1700000000;4000000000"
	for _, tc := range []struct {
		prefix, ctype string
		status        int
	}{{"image/*", "image/png", 403}, {"image/", "image/png", 204}} {
		policy := `{"expiration":"2096-01-01T00:00:00.000Z","conditions":[{"q-sign-algorithm":"sha1"},{"q-ak":"` + testID +
			`"},{"q-sign-time":"` + keyTime + `"},["starts-with","$Content-Type","` + tc.prefix + `"]]}`
		sig := hmacSHA1Hex(signKey(testSecret, keyTime), sha1Hex(policy))
		fields := [][2]string{{"key", "a.png"}, {"Content-Type", tc.ctype}, {"policy", base64Std(policy)}, {"q-sign-algorithm", "sha1"},
			{"q-ak", testID}, {"q-key-time", keyTime}, {"q-signature", sig}}
		body, ctype := browserForm(t, fields, "a.png", []byte("png"))
		resp, err := http.Post(s.URL()+"/", ctype, body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Fatalf("starts-with %q, %s: status %d, want %d", tc.prefix, tc.ctype, resp.StatusCode, tc.status)
		}
	}
}
