package auth

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// Secrets that must never survive Redact. They are not registered with
// AddSecret, so the shape- and label-based rules alone must catch them.
const (
	rSecretKey = "RSecretKeyZ9/+=abcdefghijklmn"
	rToken     = "RTokenQ8w/+=ZZZsessiontokenvalue"
	rLogin     = "RLoginBearer77abcdefghij"
)

// signedDump is what DumpRequestOut prints for a request the cos SDK
// signed with an STS triple: Authorization with q-signature and the
// x-cos-security-token header.
func signedDump(t *testing.T, method, target string, body []byte) (string, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	cos.AddAuthorizationHeader("AKIDredacttest", rSecretKey, rToken, req, &cos.AuthTime{
		SignStartTime: now, SignEndTime: now.Add(time.Hour), KeyStartTime: now, KeyEndTime: now.Add(time.Hour)})
	dump, err := httputil.DumpRequestOut(req, true)
	if err != nil {
		t.Fatal(err)
	}
	sig := req.Header.Get("Authorization")
	sig = sig[strings.Index(sig, "q-signature=")+len("q-signature="):]
	return string(dump), sig
}

func assertClean(t *testing.T, name, in string, secrets ...string) string {
	t.Helper()
	out := Redact(in)
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("%s: %q survived redaction:\n%s", name, s, out)
		}
	}
	return out
}

func TestRedactSignedRequestDump(t *testing.T) {
	dump, sig := signedDump(t, http.MethodPut,
		"https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/dir/a%20b.bin?partNumber=1&uploadId=abc", []byte("hello"))
	if !strings.Contains(dump, sig) || !strings.Contains(dump, rToken) {
		t.Fatalf("test dump lacks the secrets it should exercise:\n%s", dump)
	}
	out := assertClean(t, "PUT dump", dump, sig, rToken, rSecretKey)
	// What support needs stays: method, path, host, q-ak, lengths, body.
	for _, keep := range []string{"PUT /dir/a%20b.bin?partNumber=1&uploadId=abc", "Host: examplebucket-1250000000", "Content-Length: 5", "hello"} {
		if !strings.Contains(out, keep) {
			t.Errorf("redaction removed %q:\n%s", keep, out)
		}
	}
	// Line structure is intact (\r\n kept).
	if strings.Count(out, "\r\n") != strings.Count(dump, "\r\n") {
		t.Errorf("redaction changed line breaks")
	}
}

func TestRedactPresignedURL(t *testing.T) {
	u := "https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/a.txt?q-sign-algorithm=sha1&q-ak=AKIDx&q-sign-time=1;2&q-key-time=1;2&q-header-list=host&q-url-param-list=&q-signature=0123456789abcdef0123456789abcdef01234567&x-cos-security-token=" + rToken
	out := assertClean(t, "presigned URL", "GET "+u+" failed", "0123456789abcdef0123456789abcdef01234567", rToken)
	if !strings.Contains(out, "q-ak=AKIDx") {
		t.Errorf("q-ak removed: %s", out)
	}
}

func TestRedactRealResponses(t *testing.T) {
	// An STS answer and a put-sign answer, as logged by a careless proxy.
	sts := `{"credentials":{"tmpSecretId":"AKIDtmp","tmpSecretKey":"` + rSecretKey + `","sessionToken":"` + rToken + `"},"expiredTime":1565168075}`
	assertClean(t, "sts json", sts, rSecretKey, rToken)
	put := `{"cosHost":"b.cos.ap-guangzhou.myqcloud.com","cosKey":"k","authorization":"q-sign-algorithm=sha1&q-ak=AKID&q-signature=deadbeefdeadbeef","securityToken":"` + rToken + `"}`
	assertClean(t, "put-sign json", put, "deadbeefdeadbeef", rToken)
	post := `{"qSignature":"cafebabecafebabe","x-cos-security-token":"` + rToken + `"}`
	assertClean(t, "post-policy json", post, "cafebabecafebabe", rToken)

	// A login request to a credential server.
	req := httptest.NewRequest("GET", "https://sts.example.com/sts", nil)
	req.Header.Set("Authorization", "Bearer "+rLogin)
	dump, _ := httputil.DumpRequest(req, false)
	assertClean(t, "bearer dump", string(dump), rLogin)
	assertClean(t, "bearer in text", "curl -H 'Authorization: Bearer "+rLogin+"' https://x", rLogin)

	// Environment and %+v output.
	assertClean(t, "env", "TENCENTCLOUD_SECRET_KEY="+rSecretKey+"\nTENCENTCLOUD_SESSION_TOKEN="+rToken, rSecretKey, rToken)
	assertClean(t, "%+v", "{SecretID:AKID SecretKey:"+rSecretKey+" SessionToken:"+rToken+"}", rSecretKey, rToken)
	assertClean(t, "xml", "<Credentials><TmpSecretKey>"+rSecretKey+"</TmpSecretKey><SessionToken>"+rToken+"</SessionToken></Credentials>", rSecretKey, rToken)
}

func TestRedactPostFormDump(t *testing.T) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("key", "a.txt")
	mw.WriteField("q-signature", "feedfacefeedface")
	mw.WriteField("x-cos-security-token", rToken)
	fw, _ := mw.CreateFormFile("file", "报告.txt")
	fw.Write([]byte("content"))
	mw.Close()
	req, _ := http.NewRequest("POST", "https://b.cos.ap-guangzhou.myqcloud.com/", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	dump, _ := httputil.DumpRequestOut(req, true)
	out := assertClean(t, "post form", string(dump), "feedfacefeedface", rToken)
	if !strings.Contains(out, "content") || !strings.Contains(out, "报告.txt") {
		t.Errorf("form redaction removed the file part:\n%s", out)
	}
}

func TestRedactKnownSecrets(t *testing.T) {
	AddSecret("plainvalue-registered-1")
	AddSecret("short") // ignored: too short to be a secret worth matching
	out := Redact("error: decoding plainvalue-registered-1 failed; short")
	if strings.Contains(out, "plainvalue-registered-1") || !strings.Contains(out, "short") {
		t.Errorf("known-secret redaction: %q", out)
	}
	// Ordinary text is untouched.
	plain := "upload 目录/文件 (1).txt: 403 AccessDenied (Message: Access Denied., RequestId: NjU1)"
	if got := Redact(plain); got != plain {
		t.Errorf("Redact changed harmless text: %q", got)
	}
}

// TestRedactAnyQuoting (issue 14, finding 1): secrets that were never
// registered are removed by their label in any quoting, closed or cut off,
// and by their shape when long.
func TestRedactAnyQuoting(t *testing.T) {
	const key, tok = "UnregKeyQ1w2e3r4t5y6u7i8o9p0", "UnregTok0aZ9bY8cX7dW6eV5fU4gT3hS2iR1jQ0kP9lO8mN7nM6oL5pK4qJ3rI2sH1tG0uF9vE8wD7xC6yB5zA4"
	for name, in := range map[string]string{
		"python dict":     `{'credentials': {'tmpSecretKey': '` + key + `', 'sessionToken': '` + tok + `'}}`,
		"truncated json":  `{"credentials":{"tmpSecretKey":"` + key + `","sessionToken":"` + tok[:30],
		"ruby hash":       `{:secret_key => "` + key + `", :token=>"` + tok + `"}`,
		"yaml":            "secretKey: " + key + "\nsessionToken: " + tok,
		"unlabelled long": "upstream failed for " + tok,
	} {
		out := Redact(in)
		if piece := leaks(out, key, tok[:30]); piece != "" {
			t.Errorf("%s: %q survived: %s", name, piece, out)
		}
	}
	// Hex IDs support staff need stay readable.
	id := "1585130821cbb7df1d11846c073ad648e8f33b087cec2381df437acdc833cf654b9ecc6361cbb7df1d11846c"
	if out := Redact("upload " + id); !strings.Contains(out, id) {
		t.Errorf("upload ID redacted: %s", out)
	}
}

// TestRedactKeepsProse: labels followed by ordinary words are not secrets.
func TestRedactKeepsProse(t *testing.T) {
	for _, s := range []string{"the login token: refused by the server", "signature: missing", "password: required"} {
		if got := Redact(s); got != s {
			t.Errorf("Redact(%q) = %q", s, got)
		}
	}
}
