package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The sample contract of tencentyun/cos-demo server/upload-sign/nodejs
// (put-sign, post-policy, post-policy-limit) and server/direct-sign
// ({code:0,data:{...}}), written in Go: a signing server that signs with
// a temporary key, and a COS stand-in that checks those signatures the
// way COS documents them (HMAC-SHA1 over KeyTime, then over the
// StringToSign), so a request CosDrop builds wrongly is refused.
const (
	sampleAK    = "AKIDsampleTempKey0001"
	sampleSK    = "SampleTempSecretKey0123456789abcd"
	sampleToken = "SampleSessionToken+/=ZZ0123456789abcdefghijklmnopqrstuvwxyz"
)

func hmacHex(key, msg string) string {
	m := hmac.New(sha1.New, []byte(key))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func sha1Hex(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// samplePutAuth signs a PUT of /key on host, listing params (lower-case
// names) in q-url-param-list, as the samples' calcPutSign does.
func samplePutAuth(host, key string, params map[string]string) string {
	now := time.Now().Unix() - 1
	keyTime := fmt.Sprintf("%d;%d", now, now+900)
	var names, pairs []string
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		pairs = append(pairs, k+"="+url.QueryEscape(params[k]))
	}
	format := strings.Join([]string{"put", "/" + key, strings.Join(pairs, "&"), "host=" + host, ""}, "\n")
	sts := strings.Join([]string{"sha1", keyTime, sha1Hex(format), ""}, "\n")
	sig := hmacHex(hmacHex(sampleSK, keyTime), sts)
	return strings.Join([]string{"q-sign-algorithm=sha1", "q-ak=" + sampleAK, "q-sign-time=" + keyTime, "q-key-time=" + keyTime,
		"q-header-list=host", "q-url-param-list=" + strings.Join(names, ";"), "q-signature=" + sig}, "&")
}

// sampleCOS is the COS stand-in. It records what each upload carried.
type sampleCOS struct {
	*httptest.Server
	mu       sync.Mutex
	types    map[string]string // key -> stored Content-Type
	requests atomic.Int64
}

func newSampleCOS(t *testing.T) *sampleCOS {
	c := &sampleCOS{types: map[string]string{}}
	c.Server = httptest.NewServer(http.HandlerFunc(c.serve))
	t.Cleanup(c.Close)
	return c
}

func (c *sampleCOS) fail(w http.ResponseWriter, status int, code, msg string) {
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>REQ</RequestId></Error>`, code, msg)
}

func (c *sampleCOS) serve(w http.ResponseWriter, r *http.Request) {
	c.requests.Add(1)
	var key, ctype string
	var body []byte
	switch r.Method {
	case http.MethodPut:
		key, ctype = strings.TrimPrefix(r.URL.Path, "/"), r.Header.Get("Content-Type")
		if !c.checkPut(w, r, key) {
			return
		}
		body, _ = io.ReadAll(r.Body)
	case http.MethodPost:
		var ok bool
		if key, ctype, body, ok = c.checkPost(w, r); !ok {
			return
		}
	default:
		c.fail(w, 405, "MethodNotAllowed", "method")
		return
	}
	c.mu.Lock()
	c.types[key] = ctype
	c.mu.Unlock()
	w.Header().Set("ETag", `"e"`)
	w.Header().Set("x-cos-hash-crc64ecma", fmt.Sprint(crc64.Checksum(body, crc64.MakeTable(crc64.ECMA))))
	w.WriteHeader(http.StatusNoContent)
}

// checkPut verifies a PUT's signature and the token's placement.
func (c *sampleCOS) checkPut(w http.ResponseWriter, r *http.Request, key string) bool {
	a := url.Values{} // not url.ParseQuery: key times hold ";"
	for _, kv := range strings.Split(r.Header.Get("Authorization"), "&") {
		k, v, _ := strings.Cut(kv, "=")
		a.Set(k, v)
	}
	params := map[string]string{}
	for _, name := range strings.Split(a.Get("q-url-param-list"), ";") {
		if name != "" {
			params[name] = r.URL.Query().Get(name)
		}
	}
	tok := r.Header.Get("x-cos-security-token")
	if tok == "" {
		tok = r.URL.Query().Get("x-cos-security-token")
	}
	keyTime := a.Get("q-key-time")
	var names, pairs []string
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		pairs = append(pairs, k+"="+url.QueryEscape(params[k]))
	}
	format := strings.Join([]string{"put", "/" + key, strings.Join(pairs, "&"), "host=" + r.Host, ""}, "\n")
	sig := hmacHex(hmacHex(sampleSK, keyTime), strings.Join([]string{"sha1", keyTime, sha1Hex(format), ""}, "\n"))
	switch {
	case a.Get("q-signature") != sig:
		c.fail(w, 403, "SignatureDoesNotMatch", "signature")
	case tok != sampleToken:
		c.fail(w, 403, "InvalidAccessKeyId", "token")
	default:
		return true
	}
	return false
}

// checkPost verifies a POST form: the policy signature, then its
// conditions against the form fields (COS reads Content-Type from the
// form field, not from the file part).
func (c *sampleCOS) checkPost(w http.ResponseWriter, r *http.Request) (key, ctype string, body []byte, ok bool) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		c.fail(w, 400, "MalformedPOSTRequest", err.Error())
		return
	}
	v := func(k string) string { return r.MultipartForm.Value[k][0] }
	for _, k := range []string{"key", "policy", "q-ak", "q-key-time", "q-signature", "x-cos-security-token"} {
		if len(r.MultipartForm.Value[k]) != 1 {
			c.fail(w, 400, "InvalidArgument", "missing "+k)
			return
		}
	}
	raw, _ := base64.StdEncoding.DecodeString(v("policy"))
	if v("q-signature") != hmacHex(hmacHex(sampleSK, v("q-key-time")), sha1Hex(string(raw))) || v("x-cos-security-token") != sampleToken {
		c.fail(w, 403, "SignatureDoesNotMatch", "policy signature")
		return
	}
	files := r.MultipartForm.File["file"]
	if len(files) != 1 {
		c.fail(w, 400, "InvalidArgument", "no file")
		return
	}
	f, _ := files[0].Open()
	body, _ = io.ReadAll(f)
	f.Close()
	if vals := r.MultipartForm.Value["Content-Type"]; len(vals) == 1 {
		ctype = vals[0]
	}
	var doc struct{ Conditions []json.RawMessage }
	json.Unmarshal(raw, &doc)
	for _, cond := range doc.Conditions {
		var arr []any
		if json.Unmarshal(cond, &arr) != nil {
			continue
		}
		switch arr[0] {
		case "starts-with":
			if arr[1] == "$Content-Type" && !strings.HasPrefix(ctype, arr[2].(string)) {
				c.fail(w, 403, "AccessDenied", "Content-Type condition")
				return
			}
		case "content-length-range":
			if n := float64(len(body)); n < arr[1].(float64) || n > arr[2].(float64) {
				c.fail(w, 400, "EntityTooLarge", "size condition")
				return
			}
		}
	}
	return v("key"), ctype, body, true
}

// sampleSigner is the signing server. postOnly makes it answer like
// upload-sign without its put routes: the catch-all
// {"code":-1,"message":"404 Not Found"} with HTTP 200.
type sampleSigner struct {
	*httptest.Server
	cos      *sampleCOS
	postOnly bool
	encode   bool // send the authorization URL-encoded
	inQuery  bool // sign the token as a query parameter
	maxSize  int64
	calls    sync.Map // path -> *atomic.Int64
}

func newSampleSigner(t *testing.T, cos *sampleCOS) *sampleSigner {
	s := &sampleSigner{cos: cos, maxSize: 5 << 20}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *sampleSigner) count(path string) int64 {
	v, _ := s.calls.LoadOrStore(path, new(atomic.Int64))
	return v.(*atomic.Int64).Load()
}

func (s *sampleSigner) serve(w http.ResponseWriter, r *http.Request) {
	v, _ := s.calls.LoadOrStore(r.URL.Path, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
	host := strings.TrimPrefix(s.cos.URL, "http://")
	key := "file/20240101/20240101_123456." + r.URL.Query().Get("ext")
	enc := json.NewEncoder(w)
	switch {
	case strings.HasSuffix(r.URL.Path, "/put-sign") && !s.postOnly:
		params := map[string]string{}
		if s.inQuery {
			params["x-cos-security-token"] = sampleToken
		}
		a := samplePutAuth(host, key, params)
		if s.encode {
			a = url.QueryEscape(a)
		}
		enc.Encode(map[string]any{"code": 0, "data": map[string]any{"cosHost": host, "cosKey": key, "authorization": a, "securityToken": sampleToken}})
	case strings.HasSuffix(r.URL.Path, "/post-policy"):
		now := time.Now().Unix()
		keyTime := fmt.Sprintf("%d;%d", now, now+900)
		policy, _ := json.Marshal(map[string]any{
			"expiration": time.Unix(now+900, 0).UTC().Format(time.RFC3339),
			"conditions": []any{
				[]any{"starts-with", "$Content-Type", "image/"},
				[]any{"content-length-range", 1, s.maxSize},
				map[string]string{"q-sign-algorithm": "sha1"}, map[string]string{"q-ak": sampleAK},
				map[string]string{"q-sign-time": keyTime}, map[string]string{"key": key},
			},
		})
		enc.Encode(map[string]any{"cosHost": host, "cosKey": key, "policy": base64.StdEncoding.EncodeToString(policy),
			"qSignAlgorithm": "sha1", "qAk": sampleAK, "qKeyTime": keyTime,
			"qSignature": hmacHex(hmacHex(sampleSK, keyTime), sha1Hex(string(policy))), "securityToken": sampleToken})
	default:
		enc.Encode(map[string]any{"code": -1, "message": "404 Not Found"})
	}
}

// signAndSend uploads the file at path the way the engine's server-signed
// mode does (uploader/signed.go): Sign, then one request from NewRequest.
// It returns the key the server chose, or Sign's error, or COS's answer.
func signAndSend(s *SignServer, path string) (string, error) {
	ctx := context.Background()
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	up, err := s.Sign(ctx, path, st.Size())
	if err != nil {
		return "", err
	}
	req, err := up.NewRequest(ctx, f, st.Size())
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		return "", fmt.Errorf("COS answered %s: %s", resp.Status, b)
	}
	return up.Key, nil
}

func writeFile(t *testing.T, name string, size int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(strings.Repeat("x", size)), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSignedPutSampleContract: a direct-sign style server answers in a
// {code:0,data:{...}} envelope, URL-encodes the authorization and lists
// x-cos-security-token in q-url-param-list; the PUT COS receives carries a
// valid signature, the token where the signature says, and the file's
// Content-Type.
func TestSignedPutSampleContract(t *testing.T) {
	cos := newSampleCOS(t)
	for _, c := range []struct{ encode, inQuery bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		signer := newSampleSigner(t, cos)
		signer.encode, signer.inQuery = c.encode, c.inQuery
		s := NewSignServer(signer.URL, "", nil)
		key, err := signAndSend(s, writeFile(t, "photo.JPG", 100))
		if err != nil {
			t.Fatalf("encoded %v, token in query %v: %v", c.encode, c.inQuery, err)
		}
		cos.mu.Lock()
		got := cos.types[key]
		cos.mu.Unlock()
		if got != "image/jpeg" {
			t.Errorf("stored Content-Type %q, want image/jpeg", got)
		}
	}
}

// TestSignedPostOnlyServer (issue 11): a server that offers only
// post-policy, with Tencent's post-policy-limit conditions. CosDrop
// switches to POST after one put-sign refusal, sends the type as the form
// field COS checks, and refuses a file of the wrong type or size before
// sending a byte.
func TestSignedPostOnlyServer(t *testing.T) {
	cos := newSampleCOS(t)
	signer := newSampleSigner(t, cos)
	signer.postOnly, signer.maxSize = true, 1000
	s := NewSignServer(signer.URL, "", nil)
	for _, name := range []string{"a.png", "b.webp"} {
		key, err := signAndSend(s, writeFile(t, name, 500))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cos.mu.Lock()
		got := cos.types[key]
		cos.mu.Unlock()
		if !strings.HasPrefix(got, "image/") {
			t.Errorf("%s stored as %q", name, got)
		}
	}
	if n := signer.count("/put-sign"); n != 1 {
		t.Errorf("put-sign asked %d times, want once (then POST for the rest of the run)", n)
	}
	before := cos.requests.Load()
	_, err := signAndSend(s, writeFile(t, "notes.txt", 10))
	if se, ok := AsServerError(err); !ok || se.Kind != KindTypeRefused || se.Temporary {
		t.Errorf("text file under an image/ policy: %v", err)
	}
	_, err = signAndSend(s, writeFile(t, "big.png", 2000))
	if se, ok := AsServerError(err); !ok || se.Kind != KindTooBig || se.Temporary {
		t.Errorf("2000-byte file under a 1000-byte policy: %v", err)
	}
	if n := cos.requests.Load() - before; n != 0 {
		t.Errorf("COS received %d requests for files the policy refuses", n)
	}
}

// TestSignedDefinitiveRefusal: {code:-1,message} with HTTP 200 is a
// definitive refusal, asked once, never retried.
func TestSignedDefinitiveRefusal(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"code":"-1","message":"ext not allow"}`)
	}))
	defer srv.Close()
	_, err := NewSignServer(srv.URL, "", nil).Sign(context.Background(), "a.exe", 10)
	se, ok := AsServerError(err)
	if !ok || se.Kind != KindRefused || se.Temporary || !strings.Contains(se.Detail, "ext not allow") {
		t.Fatalf("refusal: %v", err)
	}
}

// TestSignServerConfiguredURLs: put-sign and post-policy URLs from the
// profile, and a forced POST method.
func TestSignServerConfiguredURLs(t *testing.T) {
	cos := newSampleCOS(t)
	signer := newSampleSigner(t, cos)
	cfg := SignConfig{Method: SignPost, PostPolicyURL: signer.URL + "/custom/post-policy?team=a"}
	s := NewSignServerConfig(cfg, "", nil)
	if _, err := signAndSend(s, writeFile(t, "c.gif", 10)); err != nil {
		t.Fatal(err)
	}
	if signer.count("/custom/post-policy") != 1 || signer.count("/put-sign") != 0 {
		t.Errorf("asked the wrong endpoints")
	}
}

// TestProbePostOnlySigner: a POST-only signing server passes the probe,
// with a note instead of a put-sign failure.
func TestProbePostOnlySigner(t *testing.T) {
	signer := newSampleSigner(t, newSampleCOS(t))
	signer.postOnly = true
	p := ProbeTarget{ServerSigned: true}
	rep := Probe(context.Background(), p, nil, NewSignServer(signer.URL, "", nil), nil)
	if !rep.OK() || len(rep.Results) != 1 || rep.Results[0].Action != "post-policy" || len(rep.Notes) != 1 || rep.Notes[0].Code != CodeProbeNotePostOnly {
		t.Fatalf("POST-only probe: %+v", rep)
	}
	both := newSampleSigner(t, newSampleCOS(t))
	rep = Probe(context.Background(), p, nil, NewSignServer(both.URL, "", nil), nil)
	if !rep.OK() || len(rep.Results) != 2 || len(rep.Notes) != 0 {
		t.Fatalf("PUT and POST probe: %+v", rep)
	}
}
