package localcos

import (
	"net/http"
	"net/url"
	"testing"
)

// The PUT and GET examples of COS's signature document
// (https://cloud.tencent.com/document/product/436/7778), checked against
// this package's own verifier functions.
func TestSignatureVectors(t *testing.T) {
	const host = "examplebucket-1250000000.cos.ap-beijing.myqcloud.com"
	cases := []struct {
		name, secret, keyTime, method, rawURL string
		headers                               map[string]string
		headerList, paramList                 string
		signKey, httpString, sha1, signature  string
	}{
		{
			name: "A doc PUT", secret: "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz", keyTime: "1557989151;1557996351",
			method: "PUT", rawURL: "/exampleobject(%E8%85%BE%E8%AE%AF%E4%BA%91)",
			headers: map[string]string{"Date": "Thu, 16 May 2019 06:45:51 GMT", "Content-Type": "text/plain", "Content-Length": "13",
				"Content-MD5": "mQ/fVh815F3k6TAUm8m0eg==", "x-cos-acl": "private", "x-cos-grant-read": `uin="100000000011"`},
			headerList: "content-length;content-md5;content-type;date;host;x-cos-acl;x-cos-grant-read",
			signKey:    "eb2519b498b02ac213cb1f3d1a3d27a3b3c9bc5f",
			httpString: "put\n/exampleobject(腾讯云)\n\ncontent-length=13&content-md5=mQ%2FfVh815F3k6TAUm8m0eg%3D%3D&content-type=text%2Fplain&date=Thu%2C%2016%20May%202019%2006%3A45%3A51%20GMT&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com&x-cos-acl=private&x-cos-grant-read=uin%3D%22100000000011%22\n",
			sha1:       "8b2751e77f43a0995d6e9eb9477f4b685cca4172",
			signature:  "3b8851a11a569213c17ba8fa7dcf2abec6935172",
		},
		{
			name: "B doc GET", secret: "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz", keyTime: "1557989753;1557996953",
			method: "GET", rawURL: "/exampleobject(%E8%85%BE%E8%AE%AF%E4%BA%91)?response-content-type=application%2Foctet-stream&response-cache-control=max-age%3D600",
			headers:    map[string]string{"Date": "Thu, 16 May 2019 06:55:53 GMT"},
			headerList: "date;host", paramList: "response-cache-control;response-content-type",
			signKey:    "937914bf490e9e8c189836aad2052e4feeb35eaf",
			httpString: "get\n/exampleobject(腾讯云)\nresponse-cache-control=max-age%3D600&response-content-type=application%2Foctet-stream\ndate=Thu%2C%2016%20May%202019%2006%3A55%3A53%20GMT&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com\n",
			sha1:       "54ecfe22f59d3514fdc764b87a32d8133ea611e6",
			signature:  "01681b8c9d798a678e43b685a9f1bba0f6c0e012",
		},
		{
			name: "D1 UploadPart with token", secret: "SECRETKEYEXAMPLE", keyTime: "1480932292;1481012292",
			method: "PUT", rawURL: "/dir%2Fa%20b%2B%E4%B8%AD.bin?partNumber=1&uploadId=1585130821cbb7df1d11846c073ad648e8f33b087cec2381df437acdc833cf654b9ecc6361",
			headers:    map[string]string{"Content-Length": "1048576", "x-cos-security-token": "TOKEN_abc/+=", "User-Agent": "not signed"},
			headerList: "content-length;host;x-cos-security-token", paramList: "partnumber;uploadid",
			signKey:    "d039e84fcab4536a461f22303584602b2fc4107e",
			httpString: "put\n/dir/a b+中.bin\npartnumber=1&uploadid=1585130821cbb7df1d11846c073ad648e8f33b087cec2381df437acdc833cf654b9ecc6361\ncontent-length=1048576&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com&x-cos-security-token=TOKEN_abc%2F%2B%3D\n",
			sha1:       "2e787bb9c44eea10e97d7cc43c05a89358835f71",
			signature:  "38ab8c18c572eefcc25381c8e41e4a732c863dae",
		},
		{
			name: "D2 initiate", secret: "SECRETKEYEXAMPLE", keyTime: "1480932292;1481012292",
			method: "POST", rawURL: "/exampleobject?uploads",
			headers:    map[string]string{"Content-Length": "0", "Content-Type": "application/octet-stream"},
			headerList: "content-length;content-type;host", paramList: "uploads",
			signKey:    "d039e84fcab4536a461f22303584602b2fc4107e",
			httpString: "post\n/exampleobject\nuploads=\ncontent-length=0&content-type=application%2Foctet-stream&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com\n",
			sha1:       "037a3b73d9c8fab4c57945f008b5104e3d81b29d",
			signature:  "45a22f98beb5b11570f01ee7b67774bbde3c09cf",
		},
		{
			name: "D3 list uploads", secret: "SECRETKEYEXAMPLE", keyTime: "1480932292;1481012292",
			method: "GET", rawURL: "/?uploads&encoding-type=url&prefix=dir%2Fa+b",
			headerList: "host", paramList: "encoding-type;prefix;uploads",
			signKey:    "d039e84fcab4536a461f22303584602b2fc4107e",
			httpString: "get\n/\nencoding-type=url&prefix=dir%2Fa%20b&uploads=\nhost=examplebucket-1250000000.cos.ap-beijing.myqcloud.com\n",
			sha1:       "20d9913b079b7dc17a6419c93d16dd88593b23fb",
			signature:  "3175dbbbfaf1c5839af1f75608dcd31c4e887631",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u, err := url.Parse("http://" + host + tc.rawURL)
			if err != nil {
				t.Fatal(err)
			}
			r := &http.Request{Method: tc.method, URL: u, Host: host, Header: http.Header{}}
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			a := authFields{HeaderList: splitList(tc.headerList), ParamList: splitList(tc.paramList)}
			hs := httpString(r.Method, r.URL.Path, a, parseQuery(r.URL.RawQuery), signedHeaders(r))
			if hs != tc.httpString {
				t.Fatalf("HttpString\n got %q\nwant %q", hs, tc.httpString)
			}
			if got := signKey(tc.secret, tc.keyTime); got != tc.signKey {
				t.Fatalf("SignKey %s", got)
			}
			if got := sha1Hex(hs); got != tc.sha1 {
				t.Fatalf("SHA1 %s", got)
			}
			if got := signature(tc.secret, tc.keyTime, tc.keyTime, hs); got != tc.signature {
				t.Fatalf("Signature %s, want %s", got, tc.signature)
			}
		})
	}
}

// The vector of the Go SDK's own unit test (TestNewAuthorization in
// https://github.com/tencentyun/cos-go-sdk-v5/blob/master/auth_test.go).
func TestSignatureVectorC(t *testing.T) {
	hs := "put\n/testfile2\n\nhost=testbucket-125000000.cos.ap-guangzhou.myqcloud.com&x-cos-content-sha1=db8ac1c259eb89d4a131b253bacfca5f319d54f2&x-cos-stroage-class=nearline\n"
	r := &http.Request{Method: "PUT", URL: &url.URL{Path: "/testfile2"}, Host: "testbucket-125000000.cos.ap-guangzhou.myqcloud.com",
		Header: http.Header{"X-Cos-Content-Sha1": {"db8ac1c259eb89d4a131b253bacfca5f319d54f2"}, "X-Cos-Stroage-Class": {"nearline"}}}
	a := authFields{HeaderList: []string{"host", "x-cos-content-sha1", "x-cos-stroage-class"}}
	if got := httpString(r.Method, r.URL.Path, a, nil, signedHeaders(r)); got != hs {
		t.Fatalf("HttpString %q", got)
	}
	if got := signKey("AKIDZfbOA78asKUYBcXFrJD0a1ICvR98JM", "1480932292;1481012292"); got != "95d110a8ead64cac52083100db75b7e3f369e72f" {
		t.Fatalf("SignKey %s", got)
	}
	if got := sha1Hex(hs); got != "113b22e92b74237531fafbfc8bb9e67be55645c7" {
		t.Fatalf("SHA1 %s", got)
	}
	if got := signature("AKIDZfbOA78asKUYBcXFrJD0a1ICvR98JM", "1480932292;1481012292", "1480932292;1481012292", hs); got != "ce4ac0ecbcdb30538b3fee0a97cc6389694ce53a" {
		t.Fatalf("Signature %s", got)
	}
}

// The example of the POST Object document (https://cloud.tencent.com/document/product/436/14690).
func TestPostSignatureVector(t *testing.T) {
	const secret, keyTime = "BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz", "1567150692;1567157892"
	sk := signKey(secret, keyTime)
	if sk != "39acc8c9f34ba5b19bce4e965b370cd3f62d2fba" {
		t.Fatalf("SignKey %s", sk)
	}
	if got := hmacSHA1Hex(sk, "d5d903b8360468bc81c1311f134989bc8c8b5b89"); got != "7758dc9a832e9d301dca704cacbf9d9f8172fdef" {
		t.Fatalf("Signature %s", got)
	}
}

// Duplicate and upper-case list entries, as the Go SDK and doc 7740 send.
func TestSignatureListQuirks(t *testing.T) {
	r := &http.Request{Method: "DELETE", URL: &url.URL{Path: "/k", RawQuery: "uploadId=abc"}, Host: "h:1",
		Header: http.Header{"X-Cos-Meta-A": {"2", "1"}}}
	a := authFields{HeaderList: []string{"host", "x-cos-meta-a", "x-cos-meta-a"}, ParamList: []string{"uploadId"}}
	got := httpString(r.Method, r.URL.Path, a, parseQuery(r.URL.RawQuery), signedHeaders(r))
	want := "delete\n/k\nuploadid=abc\nhost=h%3A1&x-cos-meta-a=1&x-cos-meta-a=2\n"
	if got != want {
		t.Fatalf("got %q want %q", got, want)
	}
}
