package localcos

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// A CAM policy as STS's GetFederationToken takes it (doc
// 436/31923 "COS API 授权策略使用指引"): version "2.0", statements with effect
// allow/deny, "name/cos:<API>" actions, qcs::cos resources and conditions.
// Temporary credentials carry their policy in the session token and every
// request made with them is checked against it.

// SampleActions is exactly what Tencent's sample STS servers grant for
// uploads: nodejs/demo/sts-server.js of
// https://github.com/tencentyun/qcloud-cos-sts-sdk and server/sts.js of
// https://github.com/tencentyun/cos-js-sdk-v5 (allowActions: PutObject, the multipart set; PostObject in
// the current revisions). No HeadObject, no
// AbortMultipartUpload, no GetObject: CosDrop must work under it.
var SampleActions = []string{
	"name/cos:PutObject", "name/cos:PostObject", "name/cos:InitiateMultipartUpload",
	"name/cos:ListMultipartUploads", "name/cos:ListParts", "name/cos:UploadPart",
	"name/cos:CompleteMultipartUpload",
}

// BroadActions is SampleActions plus HeadObject and AbortMultipartUpload,
// the grant of an organisation that lets its staff check for an existing
// file and cancel cleanly. Tests that need those ask for it explicitly.
var BroadActions = append(append([]string(nil), SampleActions...),
	"name/cos:HeadObject", "name/cos:AbortMultipartUpload")

// Policy is a CAM policy document.
type Policy struct {
	Version   string      `json:"version"`
	Statement []Statement `json:"statement"`
}

// Statement is one element of a policy's statement list. Condition maps an
// operator (string_equal, string_like, numeric_less_than_equal, ... with an
// optional _if_exist suffix) to condition keys and their values.
// Field names match in any letter case (doc examples write both
// "statement" and "Statement"), and action and resource may be a string or
// a list, as in CAM.
type Statement struct {
	Effect    string                                `json:"effect"`
	Action    StringList                            `json:"action"`
	Resource  StringList                            `json:"resource"`
	Condition map[string]map[string]json.RawMessage `json:"condition,omitempty"`
}

// StringList is a JSON string or list of strings.
type StringList []string

// UnmarshalJSON accepts "a" as well as ["a", "b"].
func (l *StringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = StringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// UploadPolicy is the policy the sample servers build: actions (nil means
// SampleActions) allowed on every key under prefix of bucket, written in
// the "qcs::cos:<region>:uid/<appid>:<bucket>/<prefix>*" form of
// cos-demo server/upload-sign/nodejs/app.js.
func UploadPolicy(region, bucket, prefix string, actions []string) Policy {
	if actions == nil {
		actions = SampleActions
	}
	return Policy{Version: "2.0", Statement: []Statement{{
		Effect: "allow", Action: actions,
		Resource: []string{"qcs::cos:" + region + ":uid/" + appID(bucket) + ":" + bucket + "/" + prefix + "*"},
	}}}
}

// JSON is the policy as the `policy` parameter of GET /sts takes it.
func (p Policy) JSON() string {
	b, _ := json.Marshal(p)
	return string(b)
}

// condition operators and keys localcos evaluates; anything else is refused
// when the policy is submitted, so a test cannot believe a condition holds
// that is silently ignored.
var (
	stringOps  = map[string]bool{"string_equal": true, "string_not_equal": true, "string_like": true, "string_not_like": true}
	numericOps = map[string]bool{"numeric_equal": true, "numeric_not_equal": true, "numeric_less_than": true,
		"numeric_less_than_equal": true, "numeric_greater_than": true, "numeric_greater_than_equal": true}
)

// parsePolicy reads and checks a policy document.
func parsePolicy(raw string) (*Policy, error) {
	var p Policy
	dec := json.NewDecoder(strings.NewReader(raw))
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("policy is not valid JSON: %v", err)
	}
	if p.Version != "2.0" {
		return nil, errors.New(`policy version must be "2.0"`)
	}
	if len(p.Statement) == 0 {
		return nil, errors.New("policy has no statement")
	}
	for i, st := range p.Statement {
		if e := strings.ToLower(st.Effect); e != "allow" && e != "deny" {
			return nil, fmt.Errorf("statement %d: effect must be allow or deny", i)
		}
		if len(st.Action) == 0 || len(st.Resource) == 0 {
			return nil, fmt.Errorf("statement %d: action and resource are required", i)
		}
		for _, a := range st.Action {
			if a != "*" && !strings.HasPrefix(a, "name/cos:") {
				return nil, fmt.Errorf("statement %d: action %q is not name/cos:<API>", i, a)
			}
		}
		for _, r := range st.Resource {
			if r != "*" && parseResource(r) == nil {
				return nil, fmt.Errorf("statement %d: resource %q is not qcs::cos:<region>:uid/<appid>:<bucket>/<key>", i, r)
			}
		}
		for op, kv := range st.Condition {
			base := strings.TrimSuffix(op, "_if_exist")
			if !stringOps[base] && !numericOps[base] {
				return nil, fmt.Errorf("statement %d: condition operator %q is not supported by localcos", i, op)
			}
			for k := range kv {
				if _, ok := conditionApplies[k]; !ok && k != anyContentType {
					return nil, fmt.Errorf("statement %d: condition key %q is not supported by localcos", i, k)
				}
			}
		}
	}
	return &p, nil
}

// resource is a parsed qcs::cos resource.
type resource struct{ region, appid, bucket, key string }

// parseResource accepts the two forms of doc 436/31923:
// qcs::cos:<region>:uid/<appid>:<bucket-appid>/<key pattern> and
// qcs::cos:<region>:uid/<appid>:prefix//<appid>/<short bucket>/<key pattern>.
func parseResource(r string) *resource {
	rest, ok := strings.CutPrefix(r, "qcs::cos:")
	if !ok {
		return nil
	}
	region, rest, ok := strings.Cut(rest, ":")
	if !ok {
		return nil
	}
	uid, rest, ok := strings.Cut(rest, ":")
	appid, okUID := strings.CutPrefix(uid, "uid/")
	if !ok || !okUID {
		return nil
	}
	if p, ok := strings.CutPrefix(rest, "prefix//"); ok {
		a, p, ok1 := strings.Cut(p, "/")
		short, key, ok2 := strings.Cut(p, "/")
		if !ok1 || !ok2 {
			return nil
		}
		return &resource{region: region, appid: appid, bucket: short + "-" + a, key: key}
	}
	bucket, key, ok := strings.Cut(rest, "/")
	if !ok {
		return nil
	}
	return &resource{region: region, appid: appid, bucket: bucket, key: key}
}

// matches reports whether the resource pattern covers key of bucket in
// region. '*' matches any run of characters, also across '/'.
func (r *resource) matches(region, bucket, key string) bool {
	if r.region != "*" && r.region != region || r.appid != appID(bucket) || r.bucket != bucket && r.bucket != "*" {
		return false
	}
	return globMatch(r.key, key)
}

func globMatch(pattern, s string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == s
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return true
}

// requestContext is what a policy is evaluated against.
type requestContext struct {
	api, region, bucket, target string
	values                      map[string]string // condition key -> value, absent when the request has none
}

// conditionApplies lists, for each condition key, the requests that carry
// it (doc 436/46205 as quoted by the condition-key guide
// 条件键说明及使用示例): cos:content-length restricts "PutObject and
// PostObject upload requests" (the .NET sample of cos-demo: the size limit
// "只对简单上传生效", only for simple uploads); x-cos-storage-class and
// x-cos-acl restrict uploads; x-cos-forbid-overwrite also Complete
// (apache/opendal#8043 quoting the CAM key list); cos:prefix the listings.
// cos:content-type is in anyContentType instead: it is read from any
// request. On a request that does not carry a listed key, a condition on
// it is not evaluated. UNVERIFIED: that POST's value is the Content-Type
// form field.
var conditionApplies = map[string][]string{
	"cos:content-length":         {"PutObject", "PostObject"},
	"cos:x-cos-storage-class":    {"PutObject", "PostObject", "InitiateMultipartUpload"},
	"cos:x-cos-acl":              {"PutObject", "PostObject", "InitiateMultipartUpload"},
	"cos:x-cos-forbid-overwrite": {"PutObject", "PostObject", "InitiateMultipartUpload", "CompleteMultipartUpload"},
	"cos:prefix":                 {"GetBucket", "ListMultipartUploads"},
}

// anyContentType: COS's condition-key document
// (https://cloud.tencent.com/document/product/436/71306; intl
// https://www.tencentcloud.com/document/product/436/46206) gives
// cos:content-type no list of requests ("applies widely": the Content-Type
// request header), and says an operator without _if_exist is false when
// the request lacks the header, so an allow statement does not grant it.
// Under `string_like cos:content-type image/*` next to the multipart
// actions, UploadPart and ListParts (no header) and Complete
// (application/xml) are therefore refused; Tencent's samples write
// string_like_if_exist and list application/xml for that reason
// (tencentyun/cos-demo .NET upload-sign sample).
const anyContentType = "cos:content-type"

func applies(key, api string) bool {
	return key == anyContentType || slices.Contains(conditionApplies[key], api)
}

// conditionValues collects the condition keys of one request that applies
// to them. A key that applies but that the request lacks is absent: an
// operator without _if_exist then fails, as the guide says for a PutObject
// without Content-Type under string_equal.
func conditionValues(api string, h http.Header, form postForm, contentLength int64, prefix string) map[string]string {
	v := map[string]string{}
	get := func(name string) (string, bool) {
		if form != nil {
			s, ok := form[strings.ToLower(name)]
			return s, ok
		}
		vs, ok := h[http.CanonicalHeaderKey(name)]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[0], true
	}
	keys := []string{anyContentType}
	for key := range conditionApplies {
		keys = append(keys, key)
	}
	for _, key := range keys {
		if !applies(key, api) {
			continue
		}
		switch key {
		case "cos:content-length":
			if contentLength >= 0 {
				v[key] = strconv.FormatInt(contentLength, 10)
			}
		case "cos:prefix":
			if prefix != "" {
				v[key] = prefix
			}
		default:
			if s, ok := get(strings.TrimPrefix(key, "cos:")); ok {
				v[key] = s
			}
		}
	}
	return v
}

// allows evaluates the policy: the request is allowed when an allow
// statement matches and no deny statement does (CAM's explicit deny wins,
// doc 436/18023).
func (p *Policy) allows(rc requestContext) bool {
	allowed := false
	for _, st := range p.Statement {
		if !st.matchesAction(rc.api) || !st.matchesResource(rc) || !st.conditionsHold(rc.api, rc.values) {
			continue
		}
		if strings.EqualFold(st.Effect, "deny") {
			return false
		}
		allowed = true
	}
	return allowed
}

func (st Statement) matchesAction(api string) bool {
	for _, a := range st.Action {
		if a == "*" || a == "name/cos:*" || a == "name/cos:"+api {
			return true
		}
	}
	return false
}

func (st Statement) matchesResource(rc requestContext) bool {
	for _, r := range st.Resource {
		if r == "*" {
			return true
		}
		if res := parseResource(r); res != nil && res.matches(rc.region, rc.bucket, rc.target) {
			return true
		}
	}
	return false
}

func (st Statement) conditionsHold(api string, values map[string]string) bool {
	for op, kv := range st.Condition {
		ifExist := strings.HasSuffix(op, "_if_exist")
		base := strings.TrimSuffix(op, "_if_exist")
		for key, raw := range kv {
			if !applies(key, api) {
				continue // the request does not carry this key
			}
			got, present := values[key]
			if !present {
				if ifExist {
					continue
				}
				return false
			}
			if !conditionHolds(base, got, wantValues(raw)) {
				return false
			}
		}
	}
	return true
}

// wantValues reads a condition value: a string, a number or a list of them
// (any one may match, as in CAM).
func wantValues(raw json.RawMessage) []string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	out := make([]string, 0, len(list))
	for _, r := range list {
		var s string
		if json.Unmarshal(r, &s) == nil {
			out = append(out, s)
			continue
		}
		out = append(out, strings.TrimSpace(string(r)))
	}
	return out
}

func conditionHolds(op, got string, want []string) bool {
	negated := op == "string_not_equal" || op == "string_not_like" || op == "numeric_not_equal"
	any := false
	for _, w := range want {
		if compare(op, got, w) {
			any = true
			break
		}
	}
	if negated {
		return !any
	}
	return any
}

func compare(op, got, want string) bool {
	switch op {
	case "string_equal", "string_not_equal":
		return got == want
	case "string_like", "string_not_like":
		return globMatch(want, got)
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	switch op {
	case "numeric_equal", "numeric_not_equal":
		return g == w
	case "numeric_less_than":
		return g < w
	case "numeric_less_than_equal":
		return g <= w
	case "numeric_greater_than":
		return g > w
	case "numeric_greater_than_equal":
		return g >= w
	}
	return false
}
