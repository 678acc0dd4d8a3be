package localcos

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file checks request signatures as COS's signature document
// describes them (https://cloud.tencent.com/document/product/436/7778),
// written from that document and not from the SDK, so that a bug shared by
// the SDK and this server cannot make a test pass.

// authFields are the q-* fields of an Authorization header or presigned URL.
type authFields struct {
	Algorithm  string
	AK         string
	SignTime   string
	KeyTime    string
	HeaderList []string
	ParamList  []string
	Signature  string
	// start and end of q-sign-time, Unix seconds.
	start, end int64
}

// parseAuthorization splits "q-sign-algorithm=sha1&q-ak=...&..." into fields.
// Values are taken as-is: they are not URL-encoded in a header.
func parseAuthorization(s string) (authFields, bool) {
	var a authFields
	seen := 0
	for _, kv := range strings.Split(s, "&") {
		k, v, _ := strings.Cut(kv, "=")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "q-sign-algorithm":
			a.Algorithm, seen = v, seen|1
		case "q-ak":
			a.AK, seen = v, seen|2
		case "q-sign-time":
			a.SignTime, seen = v, seen|4
		case "q-key-time":
			a.KeyTime, seen = v, seen|8
		case "q-header-list":
			a.HeaderList, seen = splitList(v), seen|16
		case "q-url-param-list":
			a.ParamList, seen = splitList(v), seen|32
		case "q-signature":
			a.Signature, seen = v, seen|64
		}
	}
	if seen != 127 || !strings.EqualFold(a.Algorithm, "sha1") {
		return a, false
	}
	var ok bool
	if a.start, a.end, ok = parseKeyTime(a.SignTime); !ok {
		return a, false
	}
	if _, _, ok = parseKeyTime(a.KeyTime); !ok {
		return a, false
	}
	return a, true
}

func splitList(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ";")
}

func parseKeyTime(s string) (start, end int64, ok bool) {
	a, b, found := strings.Cut(s, ";")
	if !found {
		return 0, 0, false
	}
	start, err1 := strconv.ParseInt(a, 10, 64)
	end, err2 := strconv.ParseInt(b, 10, 64)
	return start, end, err1 == nil && err2 == nil && start <= end
}

// safeURLEncode keeps only the RFC 3986 unreserved characters and writes
// every other byte of the UTF-8 string as %XX with upper-case hex (§1.1 step 6).
func safeURLEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func hmacSHA1Hex(key, msg string) string {
	h := hmac.New(sha1.New, []byte(key))
	h.Write([]byte(msg))
	return hex.EncodeToString(h.Sum(nil))
}

func sha1Hex(msg string) string {
	sum := sha1.Sum([]byte(msg))
	return hex.EncodeToString(sum[:])
}

// signKey is hex(HMAC-SHA1(SecretKey, KeyTime)); it is used as a hex string.
func signKey(secretKey, keyTime string) string { return hmacSHA1Hex(secretKey, keyTime) }

// signature computes q-signature from the HttpString (§1.1).
func signature(secretKey, keyTime, signTime, httpString string) string {
	stringToSign := "sha1\n" + signTime + "\n" + sha1Hex(httpString) + "\n"
	return hmacSHA1Hex(signKey(secretKey, keyTime), stringToSign)
}

// formatPairs builds HttpParameters or HttpHeaders: for each listed key
// (lower-cased, de-duplicated, sorted) every received value, sorted, as
// key=enc(value). Keys are matched on their lower-cased encoded form, which
// is how the client lists them.
func formatPairs(list []string, received map[string][]string) string {
	byKey := make(map[string][]string, len(received))
	for k, vs := range received {
		lk := strings.ToLower(safeURLEncode(k))
		byKey[lk] = append(byKey[lk], vs...)
	}
	keys := make([]string, 0, len(list))
	seen := make(map[string]bool, len(list))
	for _, k := range list {
		k = strings.ToLower(k)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		vs := append([]string(nil), byKey[k]...)
		if len(vs) == 0 {
			// A listed key that was not sent signs as an empty value, which
			// is what a client that lists it would have computed.
			vs = []string{""}
		}
		sort.Strings(vs)
		for _, v := range vs {
			pairs = append(pairs, k+"="+safeURLEncode(v))
		}
	}
	return strings.Join(pairs, "&")
}

// httpString is lower(method)\n decodedPath\n params\n headers\n.
func httpString(method, path string, a authFields, query, headers map[string][]string) string {
	return strings.ToLower(method) + "\n" + path + "\n" +
		formatPairs(a.ParamList, query) + "\n" +
		formatPairs(a.HeaderList, headers) + "\n"
}

// parseQuery decodes a raw query like the client's url.Query() would, except
// that it never drops a pair for containing ';' (url.ParseQuery does).
func parseQuery(raw string) map[string][]string {
	m := map[string][]string{}
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			dk, dv = k, v
		}
		m[dk] = append(m[dk], dv)
	}
	return m
}

// requestAuth finds the signature of r: the Authorization header, else the
// q-* query parameters of a presigned URL, else a merged "sign" parameter.
// present is false for an anonymous request. A presigned URL's q-* fields
// need no exclusion from HttpParameters: only the keys the client listed in
// q-url-param-list are signed (§1.4 step 1).
func requestAuth(r *http.Request, query map[string][]string) (a authFields, present, ok bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		a, ok = parseAuthorization(h)
		return a, true, ok
	}
	if vs := query["q-signature"]; len(vs) > 0 {
		var parts []string
		for _, k := range []string{"q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature"} {
			parts = append(parts, k+"="+first(query[k]))
		}
		a, ok = parseAuthorization(strings.Join(parts, "&"))
		return a, true, ok
	}
	if vs := query["sign"]; len(vs) > 0 {
		a, ok = parseAuthorization(vs[0])
		return a, true, ok
	}
	return a, false, false
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// signedHeaders returns the request headers as the client saw them: Go's
// server moves Host and Transfer-Encoding out of r.Header, so they are put
// back.
func signedHeaders(r *http.Request) map[string][]string {
	h := make(map[string][]string, len(r.Header)+2)
	for k, vs := range r.Header {
		h[k] = vs
	}
	h["Host"] = []string{r.Host}
	if len(r.TransferEncoding) > 0 {
		h["Transfer-Encoding"] = []string{strings.Join(r.TransferEncoding, ", ")}
	}
	if _, ok := h["Content-Length"]; !ok && r.ContentLength > 0 {
		h["Content-Length"] = []string{strconv.FormatInt(r.ContentLength, 10)}
	}
	return h
}

// maxSkew is the clock difference COS tolerates: 15 minutes, as on S3
// (RequestTimeTooSkewed is in COS's error codes,
// https://cloud.tencent.com/document/product/436/7730; the figure is
// UNVERIFIED, see checkTime).
const maxSkew = 15 * time.Minute

// checkTime applies the validity rules to a verified signature at server
// time now. UNVERIFIED: no COS document states the exact skew rule; we
// answer RequestTimeTooSkewed when the signature starts more than 15 minutes
// in the server's future or a Date/x-cos-date header is more than 15 minutes
// off, like S3, and never for a start in the past (the JS SDK legitimately
// signs from the credential's StartTime).
func checkTime(r *http.Request, a authFields, now time.Time) *apiError {
	if now.Unix() > a.end {
		return errRequestExpired
	}
	if time.Unix(a.start, 0).Sub(now) > maxSkew {
		return errTimeTooSkewed
	}
	for _, h := range []string{"X-Cos-Date", "Date"} {
		if v := r.Header.Get(h); v != "" {
			if t, err := http.ParseTime(v); err == nil {
				d := t.Sub(now)
				if d > maxSkew || d < -maxSkew {
					return errTimeTooSkewed
				}
			}
			break
		}
	}
	return nil
}
