package localcos

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// POST Object: a browser form upload signed by a policy
// (https://cloud.tencent.com/document/product/436/14690).

const (
	maxFormField  = 64 << 10 // bytes of one non-file field
	maxFormFields = 200
)

// postForm is the fields before the file, keyed by lower-cased name.
type postForm map[string]string

func (s *Server) postObject(q *request, body *bodyReader) error {
	q.r.Body = io.NopCloser(body)
	mr, err := q.r.MultipartReader()
	if err != nil {
		return errorf(http.StatusBadRequest, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.")
	}
	form := postForm{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			// doc 436/7730: "IncorrectNumberOfFilesInPostRequest Post 请求每次只允许上传一个文件".
			return errorf(http.StatusBadRequest, "IncorrectNumberOfFilesInPostRequest", "POST requires exactly one file upload per request.")
		}
		if err != nil {
			if q.reset {
				return err
			}
			return errorf(http.StatusBadRequest, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.")
		}
		name := strings.ToLower(part.FormName())
		if name != "file" {
			if len(form) >= maxFormFields {
				return errInvalidArgument("Too many form fields.")
			}
			v, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
			if err != nil || len(v) > maxFormField {
				return errInvalidArgument("Form field " + name + " is too large or unreadable.")
			}
			form[name] = string(v)
			continue
		}
		// The file comes last: everything needed to authorise is known.
		return s.postFile(q, body, form, part.FileName(), part)
	}
}

func (s *Server) postFile(q *request, body *bodyReader, form postForm, filename string, file io.Reader) error {
	key, ok := form["key"]
	if !ok || key == "" {
		return errInvalidArgument("Bucket POST must contain a field named 'key'.")
	}
	key = strings.ReplaceAll(key, "${filename}", filename)
	if len(key) > maxKeyLen {
		return errKeyTooLong
	}
	if err := checkKeyRules(key); err != nil {
		return err
	}
	q.key = key
	_, minLen, maxLen, err := s.authenticatePost(q, form)
	if err != nil {
		return err
	}
	limit, aerr := trafficLimit(form["x-cos-traffic-limit"])
	if aerr != nil {
		return aerr
	}
	body.limit(limit)
	h := http.Header{}
	for k, v := range form {
		h.Set(k, v)
	}
	// The object's type is the Content-Type form field; the file part's own
	// Content-Type is ignored (doc 436/14690; tencentyun/cos-js-sdk-v5#40),
	// and without the field the type is inferred from the key, as for PUT.
	m, aerr := objectHeaders(h, key)
	if aerr != nil {
		return aerr
	}
	rc, err := s.store.receive(io.LimitReader(file, maxPutSize+1))
	if err != nil {
		if q.reset {
			return err
		}
		return bodyError(err)
	}
	if rc.size > maxPutSize {
		rc.discard()
		return errEntityTooLarge
	}
	if rc.size < minLen || maxLen >= 0 && rc.size > maxLen {
		rc.discard()
		if rc.size < minLen {
			return errEntityTooSmall
		}
		return errEntityTooLarge
	}
	m.Key, m.Size, m.ETag, m.CRC64, m.LastModified = key, rc.size, rc.etag(), rc.crc, q.now.UTC()
	// x-cos-forbid-overwrite on POST, as a form field (the POST form carries
	// what PUT sends as headers, doc 436/14690) or a header
	// (tencentyun/cos-wx-sdk-v5#84).
	noOverwrite := s.forbids(form["x-cos-forbid-overwrite"]) || s.forbids(q.r.Header.Get("x-cos-forbid-overwrite"))
	if err := s.store.commitObject(rc, m, noOverwrite); err != nil {
		return err
	}
	postAnswer(q, form, key, m.ETag, m.CRC64)
	return nil
}

// postAnswer answers a stored POST upload as the form asks: a redirect
// (success_action_redirect), 200, 201 with a PostResponse, or 204.
func postAnswer(q *request, form postForm, key, etag string, crc uint64) {
	location := q.scheme() + "://" + q.r.Host + "/" + escapePath(key)
	hdr := q.w.Header()
	hdr.Set("ETag", etag)
	hdr.Set("Location", location)
	hdr.Set("x-cos-hash-crc64ecma", strconv.FormatUint(crc, 10))
	if redirect := form["success_action_redirect"]; redirect != "" {
		if u, err := url.Parse(redirect); err == nil {
			v := u.Query()
			v.Set("bucket", q.bucket)
			v.Set("key", key)
			v.Set("etag", etag)
			u.RawQuery = v.Encode()
			hdr.Set("Location", u.String())
			q.w.WriteHeader(http.StatusSeeOther)
			return
		}
	}
	switch form["success_action_status"] {
	case "200":
		q.w.WriteHeader(http.StatusOK)
	case "201":
		out, _ := xml.Marshal(struct {
			XMLName  xml.Name `xml:"PostResponse"`
			Location string   `xml:"Location"`
			Bucket   string   `xml:"Bucket"`
			Key      string   `xml:"Key"`
			ETag     string   `xml:"ETag"`
		}{Location: location, Bucket: q.bucket, Key: key, ETag: etag})
		hdr.Set("Content-Type", "application/xml")
		q.w.WriteHeader(http.StatusCreated)
		q.w.Write(append([]byte(xml.Header), quoteEntities(out)...))
	default:
		q.w.WriteHeader(http.StatusNoContent)
	}
}

func escapePath(key string) string { return strings.ReplaceAll(safeURLEncode(key), "%2F", "/") }

// postPolicy is the decoded policy document.
type postPolicy struct {
	Expiration string            `json:"expiration"`
	Conditions []json.RawMessage `json:"conditions"`
}

var errPolicy = errorf(http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Policy Condition failed.")

// authenticatePost checks the form's signature over the policy, the
// policy's expiry and conditions, and a temporary credential's policy. It
// returns the content-length-range (maxLen -1 = none).
func (s *Server) authenticatePost(q *request, form postForm) (p postPolicy, minLen, maxLen int64, err error) {
	maxLen = -1
	ak, keyTime, sig, b64 := form["q-ak"], form["q-key-time"], form["q-signature"], form["policy"]
	if ak == "" || keyTime == "" || sig == "" || b64 == "" {
		return p, 0, 0, errorf(http.StatusForbidden, "AccessDenied", "Form must contain policy, q-ak, q-key-time and q-signature.")
	}
	if alg := form["q-sign-algorithm"]; alg != "" && !strings.EqualFold(alg, "sha1") {
		return p, 0, 0, errInvalidArgument("Unsupported q-sign-algorithm.")
	}
	start, end, ok := parseKeyTime(keyTime)
	if !ok {
		return p, 0, 0, errorf(http.StatusForbidden, "AccessDenied", "q-key-time is malformed.")
	}
	secret, cred, err := s.lookupKey(ak, form["x-cos-security-token"])
	if err != nil {
		return p, 0, 0, err
	}
	raw, derr := base64.StdEncoding.DecodeString(b64)
	if derr != nil {
		return p, 0, 0, errInvalidArgument("Invalid Policy: the policy is not valid base64.")
	}
	want := hmacSHA1Hex(signKey(secret, keyTime), sha1Hex(string(raw)))
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(sig))) != 1 {
		return p, 0, 0, errSignatureMismatch
	}
	if q.now.Unix() > end {
		return p, 0, 0, errRequestExpired
	}
	if time.Unix(start, 0).Sub(q.now) > maxSkew {
		return p, 0, 0, errTimeTooSkewed
	}
	if cred != nil {
		if s.tokenExpired(cred, q.now) {
			return p, 0, 0, errExpiredToken
		}
		q.cred = cred
		if err := s.authorize(q, form); err != nil {
			return p, 0, 0, err
		}
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, 0, 0, errInvalidArgument("Invalid Policy: the policy is not valid JSON.")
	}
	exp, terr := time.Parse(time.RFC3339, p.Expiration)
	if terr != nil {
		return p, 0, 0, errInvalidArgument("Invalid Policy: Invalid 'expiration' value.")
	}
	if q.now.After(exp) {
		return p, 0, 0, errorf(http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Policy expired.")
	}
	minLen, maxLen, err = checkConditions(q, form, p.Conditions)
	return p, minLen, maxLen, err
}

// checkConditions applies the policy's conditions to the form. Like the
// COS docs, every field the policy names (except bucket) must be in the
// form; UNVERIFIED whether COS also rejects form fields the policy does not
// mention (S3 does); we accept them.
func checkConditions(q *request, form postForm, conds []json.RawMessage) (minLen, maxLen int64, err error) {
	maxLen = -1
	value := func(field string) (string, bool) {
		field = strings.ToLower(strings.TrimPrefix(field, "$"))
		switch field {
		case "bucket":
			return q.bucket, true
		case "q-sign-time":
			if v, ok := form["q-sign-time"]; ok {
				return v, true
			}
			v, ok := form["q-key-time"]
			return v, ok
		}
		v, ok := form[field]
		return v, ok
	}
	required := map[string]bool{"q-sign-algorithm": false, "q-ak": false, "q-sign-time": false}
	check := func(op, field, want string) error {
		field = strings.ToLower(strings.TrimPrefix(field, "$"))
		if _, ok := required[field]; ok {
			required[field] = true
		}
		got, ok := value(field)
		if !ok {
			return errPolicy
		}
		switch op {
		case "eq":
			if got != want {
				return errPolicy
			}
		case "starts-with":
			if !strings.HasPrefix(got, want) {
				return errPolicy
			}
		default:
			return errInvalidArgument("Invalid Policy: unknown condition " + op + ".")
		}
		return nil
	}
	for _, c := range conds {
		var obj map[string]string
		if json.Unmarshal(c, &obj) == nil {
			for k, v := range obj {
				if err := check("eq", k, v); err != nil {
					return 0, 0, err
				}
			}
			continue
		}
		var arr []any
		if json.Unmarshal(c, &arr) != nil || len(arr) != 3 {
			return 0, 0, errInvalidArgument("Invalid Policy: malformed condition.")
		}
		op, _ := arr[0].(string)
		if strings.EqualFold(op, "content-length-range") {
			lo, ok1 := arr[1].(float64)
			hi, ok2 := arr[2].(float64)
			if !ok1 || !ok2 {
				return 0, 0, errInvalidArgument("Invalid Policy: malformed content-length-range.")
			}
			minLen, maxLen = int64(lo), int64(hi)
			continue
		}
		field, _ := arr[1].(string)
		want, _ := arr[2].(string)
		if err := check(strings.ToLower(op), field, want); err != nil {
			return 0, 0, err
		}
	}
	for k, seen := range required {
		if !seen {
			return 0, 0, errorf(http.StatusForbidden, "AccessDenied", fmt.Sprintf("Invalid Policy: the policy must contain %s.", k))
		}
	}
	return minLen, maxLen, nil
}
