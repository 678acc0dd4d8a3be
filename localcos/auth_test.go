package localcos

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

func TestAuthErrors(t *testing.T) {
	s := startServer(t, nil)
	put := func(c *cos.Client) error {
		_, err := c.Object.Put(bg, "k", strings.NewReader("x"), nil)
		return err
	}
	cosErr(t, put(client(t, s, testID, "wrong", "")), 403, "SignatureDoesNotMatch")
	cosErr(t, put(client(t, s, "AKIDunknown", testSecret, "")), 403, "InvalidAccessKeyId")

	// Anonymous requests are refused.
	resp, err := http.Get(s.URL() + "/k")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("x-cos-request-id") == "" {
		t.Fatalf("anonymous GET: %d", resp.StatusCode)
	}

	// The SDK signs [now, now+1h]: a server 2h ahead sees it expired.
	s.Faults().SetClockSkew(2 * time.Hour)
	er := cosErr(t, put(permClient(t, s)), 403, "AccessDenied")
	if er.Message != "Request has expired" {
		t.Fatalf("message %q", er.Message)
	}
	// A server 20 minutes behind sees a signature from the future.
	s.Faults().SetClockSkew(-20 * time.Minute)
	er = cosErr(t, put(permClient(t, s)), 403, "RequestTimeTooSkewed")
	date, err := http.ParseTime(er.Response.Header.Get("Date"))
	if err != nil || time.Until(date) > -19*time.Minute {
		t.Fatalf("Date header must show the server's clock: %v %v", date, err)
	}
	s.Faults().SetClockSkew(0)
	if err := put(permClient(t, s)); err != nil {
		t.Fatal(err)
	}
}

func TestPresignedURLs(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	key := "presigned/目录 文件+(1)~😀.txt"
	u, err := c.Object.GetPresignedURL(bg, http.MethodPut, key, testID, testSecret, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, u.String(), strings.NewReader("hello presigned"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("x-cos-hash-crc64ecma") == "" {
		t.Fatalf("presigned PUT: %d", resp.StatusCode)
	}
	u, err = c.Object.GetPresignedURL(bg, http.MethodGet, key, testID, testSecret, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "hello presigned" {
		t.Fatalf("presigned GET: %d %q", resp.StatusCode, b)
	}
	// Tampering with the key breaks the signature.
	bad := strings.Replace(u.String(), "presigned/", "presigneD/", 1)
	resp, err = http.Get(bad)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("tampered GET: %d", resp.StatusCode)
	}
	// A presigned URL whose window has passed.
	past := time.Now().Add(-2 * time.Hour)
	u, _ = c.Object.GetPresignedURL(bg, http.MethodGet, key, testID, testSecret, time.Hour,
		&cos.PresignedURLOptions{AuthTime: &cos.AuthTime{SignStartTime: past, SignEndTime: past.Add(time.Hour), KeyStartTime: past, KeyEndTime: past.Add(time.Hour)}})
	resp, err = http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.Contains(string(body), "Request has expired") {
		t.Fatalf("expired presigned GET: %d %s", resp.StatusCode, body)
	}
	// Presigned with a session token inside the URL (GetPresignedURL2).
	cred := fetchSTS(t, s, "", "")
	tc := client(t, s, cred.Credentials.TmpSecretID, cred.Credentials.TmpSecretKey, cred.Credentials.SessionToken)
	u, err = tc.Object.GetPresignedURL2(bg, http.MethodPut, "sts/presigned.txt", time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequest(http.MethodPut, u.String(), strings.NewReader("with token"))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("presigned PUT with token: %d", resp.StatusCode)
	}
}

// fetchSTS gets temporary credentials from the credential server.
func fetchSTS(t *testing.T, s *Server, query, bearer string) stsResponse {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.STSURL()+"/sts"+query, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/sts: %d", resp.StatusCode)
	}
	var out stsResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTemporaryCredentials(t *testing.T) {
	s := startServer(t, nil)
	cred := fetchSTS(t, s, "?prefix=uploads/", "")
	if cred.ExpiredTime-cred.StartTime != 1800 || len(cred.Credentials.SessionToken) == 0 || cred.Expiration == "" {
		t.Fatalf("sts response: %+v", cred)
	}
	c := client(t, s, cred.Credentials.TmpSecretID, cred.Credentials.TmpSecretKey, cred.Credentials.SessionToken)
	if _, err := c.Object.Put(bg, "uploads/a.txt", strings.NewReader("ok"), nil); err != nil {
		t.Fatal(err)
	}
	// Multipart through Upload, including the resume listing, is allowed.
	data := patterned(2<<20 + 3)
	if _, _, err := c.Object.Upload(bg, "uploads/big.bin", writeFile(t, data), &cos.MultiUploadOptions{PartSize: 1, CheckPoint: true}); err != nil {
		t.Fatal(err)
	}
	// The default grant is the sample servers' list: no HeadObject.
	_, err := c.Object.Head(bg, "uploads/big.bin", nil)
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("HEAD under the sample grant: %v", err)
	}
	if _, err := permClient(t, s).Object.Head(bg, "uploads/big.bin", nil); err != nil {
		t.Fatal(err)
	}
	_, err = c.Object.Put(bg, "elsewhere/a.txt", strings.NewReader("no"), nil)
	cosErr(t, err, 403, "AccessDenied")
	_, err = c.Object.Get(bg, "uploads/a.txt", nil)
	cosErr(t, err, 403, "AccessDenied") // GetObject is not in the upload policy
	_, _, err = c.Bucket.Get(bg, nil)
	cosErr(t, err, 403, "AccessDenied")

	noToken := client(t, s, cred.Credentials.TmpSecretID, cred.Credentials.TmpSecretKey, "")
	_, err = noToken.Object.Put(bg, "uploads/b.txt", strings.NewReader("x"), nil)
	cosErr(t, err, 403, "InvalidAccessKeyId")
	badToken := client(t, s, cred.Credentials.TmpSecretID, cred.Credentials.TmpSecretKey, cred.Credentials.SessionToken+"x")
	_, err = badToken.Object.Put(bg, "uploads/b.txt", strings.NewReader("x"), nil)
	// A forged token is refused like a bad signature: 403 (COS has no
	// InvalidToken code).
	cosErr(t, err, 403, "AccessDenied")

	s.Faults().ExpireTokens()
	_, err = c.Object.Put(bg, "uploads/c.txt", strings.NewReader("x"), nil)
	cosErr(t, err, 403, "ExpiredToken")
	// Credentials issued after that work again.
	fresh := fetchSTS(t, s, "", "")
	c2 := client(t, s, fresh.Credentials.TmpSecretID, fresh.Credentials.TmpSecretKey, fresh.Credentials.SessionToken)
	if _, err := c2.Object.Put(bg, "anywhere.txt", strings.NewReader("x"), nil); err != nil {
		t.Fatal(err)
	}
	s.Faults().SetTokenLifetime(time.Nanosecond)
	_, err = c2.Object.Put(bg, "anywhere.txt", strings.NewReader("x"), nil)
	cosErr(t, err, 403, "ExpiredToken")
}

func TestTokenExpiresByTime(t *testing.T) {
	s := startServer(t, nil)
	cred := fetchSTS(t, s, "?duration=60", "")
	if cred.ExpiredTime-cred.StartTime != 60 {
		t.Fatalf("duration: %+v", cred)
	}
	c := client(t, s, cred.Credentials.TmpSecretID, cred.Credentials.TmpSecretKey, cred.Credentials.SessionToken)
	s.Faults().SetClockSkew(61 * time.Second)
	_, err := c.Object.Put(bg, "k", strings.NewReader("x"), nil)
	cosErr(t, err, 403, "ExpiredToken")
}

func TestSTSBearerToken(t *testing.T) {
	s := startServer(t, func(c *Config) { c.STSAuthToken = "letmein" })
	for _, path := range []string{"/sts", "/put-sign?ext=jpg", "/post-policy?ext=jpg"} {
		resp, err := http.Get(s.STSURL() + path)
		if err != nil {
			t.Fatal(err)
		}
		var e map[string]string
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 401 || e["code"] != "Unauthorized" || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%s without token: %d %v", path, resp.StatusCode, e)
		}
	}
	fetchSTS(t, s, "", "letmein")
	if got := s.Stats().CountStatus("sts:/sts", 401); got != 1 {
		t.Fatalf("401 count %d", got)
	}
}

func TestPutSign(t *testing.T) {
	s := startServer(t, nil)
	resp, err := http.Get(s.STSURL() + "/put-sign?ext=jpg")
	if err != nil {
		t.Fatal(err)
	}
	var ps PutSignResponse
	json.NewDecoder(resp.Body).Decode(&ps)
	resp.Body.Close()
	if !strings.HasSuffix(ps.CosKey, ".jpg") || ps.Authorization == "" || ps.SecurityToken == "" {
		t.Fatalf("put-sign: %+v", ps)
	}
	do := func(key string) *http.Response {
		req, _ := http.NewRequest(http.MethodPut, "http://"+ps.CosHost+"/"+key, strings.NewReader("jpeg bytes"))
		req.Header.Set("Authorization", ps.Authorization)
		req.Header.Set("x-cos-security-token", ps.SecurityToken)
		req.Header.Set("Content-Type", "image/jpeg")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := do(ps.CosKey); r.StatusCode != 200 || r.Header.Get("ETag") == "" {
		t.Fatalf("signed PUT: %d", r.StatusCode)
	}
	if r := do("other.jpg"); r.StatusCode != 403 {
		t.Fatalf("signed PUT to another key: %d", r.StatusCode)
	}
	if _, err := permClient(t, s).Object.Head(bg, ps.CosKey, nil); err != nil {
		t.Fatal(err)
	}
	resp, _ = http.Get(s.STSURL() + "/put-sign?ext=../x")
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("bad ext: %d", resp.StatusCode)
	}
}

func TestVirtualHostAndPathStyle(t *testing.T) {
	s := startServer(t, nil)
	addr := strings.TrimPrefix(s.URL(), "http://")
	_, port, _ := net.SplitHostPort(addr)
	dial := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	vhost := func(bucket, region string) *cos.Client {
		u, _ := url.Parse("http://" + bucket + ".cos." + region + ".localcos.test:" + port)
		return cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testSecret, Transport: dial}})
	}
	c := vhost(DefaultBucket, DefaultRegion)
	if _, err := c.Object.Put(bg, "vh/key", strings.NewReader("virtual"), nil); err != nil {
		t.Fatal(err)
	}
	_, err := vhost("otherbucket-1250000000", DefaultRegion).Object.Head(bg, "vh/key", nil)
	if err == nil || !cos.IsNotFoundError(err) {
		t.Fatalf("other bucket: %v", err)
	}
	_, err = vhost(DefaultBucket, "ap-beijing").Object.Put(bg, "x", strings.NewReader("x"), nil)
	cosErr(t, err, 404, "NoSuchBucket")
	// Path style on the IP endpoint reaches the same object.
	hc := &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testSecret}}
	resp, err := hc.Get(s.URL() + "/" + DefaultBucket + "/vh/key")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "virtual" {
		t.Fatalf("path style: %d %q", resp.StatusCode, b)
	}
}

func TestPutEdgeCases(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	hc := &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testSecret}}

	// Chunked body: an io.Reader of unknown length.
	req, _ := http.NewRequest(http.MethodPut, s.URL()+"/chunked.bin", io.MultiReader(strings.NewReader("chunk one, "), strings.NewReader("chunk two")))
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("x-cos-hash-crc64ecma") == "" {
		t.Fatalf("chunked PUT: %d", resp.StatusCode)
	}
	got, err := c.Object.Get(bg, "chunked.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(b) != "chunk one, chunk two" {
		t.Fatalf("chunked body %q", b)
	}

	// Content-MD5.
	_, err = c.Object.Put(bg, "md5", strings.NewReader("abc"), &cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentMD5: "kAFQmDzST7DWlj99KOF/cg=="}})
	if err != nil {
		t.Fatalf("good Content-MD5: %v", err)
	}
	_, err = c.Object.Put(bg, "md5", strings.NewReader("abd"), &cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentMD5: "kAFQmDzST7DWlj99KOF/cg=="}})
	cosErr(t, err, 400, "BadDigest")
	_, err = c.Object.Put(bg, "md5", strings.NewReader("abd"), &cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentMD5: "nope"}})
	cosErr(t, err, 400, "InvalidDigest")

	// x-cos-traffic-limit range.
	for _, lim := range []int{819199, 838860801} {
		_, err = c.Object.Put(bg, "tl", strings.NewReader("x"), &cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{XCosTrafficLimit: lim}})
		cosErr(t, err, 400, "InvalidArgument")
	}
	if _, err = c.Object.Put(bg, "tl", strings.NewReader("x"), &cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{XCosTrafficLimit: 819200}}); err != nil {
		t.Fatal(err)
	}

	// Keys: 850 bytes is the limit.
	_, err = c.Object.Put(bg, strings.Repeat("é", 425)+"x", strings.NewReader("x"), nil)
	cosErr(t, err, 400, "KeyTooLong")

	// Metadata over 2 KB.
	_, err = c.Object.Put(bg, "meta", strings.NewReader("x"), &cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{
		XCosMetaXXX: &http.Header{"X-Cos-Meta-Big": {strings.Repeat("m", 2100)}}}})
	cosErr(t, err, 400, "InvalidArgument")

	// A signed PUT with neither Content-Length nor chunking: 411.
	req, _ = http.NewRequest(http.MethodPut, s.URL()+"/nolen", nil)
	cos.AddAuthorizationHeader(testID, testSecret, "", req, cos.NewAuthTime(time.Hour))
	raw, err := net.Dial("tcp", req.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	fmt.Fprintf(raw, "PUT /nolen HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n\r\n", req.Host, req.Header.Get("Authorization"))
	buf := make([]byte, 64)
	n, _ := raw.Read(buf)
	if !bytes.HasPrefix(buf[:n], []byte("HTTP/1.1 411")) {
		t.Fatalf("PUT without length: %q", buf[:n])
	}
}

func TestRangeAndConditionalGet(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	data := []byte("0123456789")
	put, err := c.Object.Put(bg, "r", bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{"bytes=2-5": "2345", "bytes=7-": "789", "bytes=-3": "789", "bytes=8-100": "89"}
	for rg, want := range cases {
		resp, err := c.Object.Get(bg, "r", &cos.ObjectGetOptions{Range: rg})
		if err != nil {
			t.Fatalf("%s: %v", rg, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 206 || string(b) != want || resp.Header.Get("x-cos-hash-crc64ecma") != put.Header.Get("x-cos-hash-crc64ecma") {
			t.Fatalf("%s: %d %q", rg, resp.StatusCode, b)
		}
	}
	_, err = c.Object.Get(bg, "r", &cos.ObjectGetOptions{Range: "bytes=10-"})
	cosErr(t, err, 416, "InvalidRange")
	resp, err := c.Object.Get(bg, "r", &cos.ObjectGetOptions{XOptionHeader: &http.Header{"If-None-Match": {put.Header.Get("ETag")}}})
	if err == nil || resp.StatusCode != 304 {
		t.Fatalf("If-None-Match: %v", err)
	}
	_, err = c.Object.Get(bg, "r", &cos.ObjectGetOptions{XOptionHeader: &http.Header{"If-Match": {`"nope"`}}})
	cosErr(t, err, 412, "PreconditionFailed")
	resp, err = c.Object.Get(bg, "r", &cos.ObjectGetOptions{ResponseContentType: "text/x-test"})
	if err != nil || resp.Header.Get("Content-Type") != "text/x-test" {
		t.Fatalf("response-content-type: %v", err)
	}
	resp.Body.Close()
}
