package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// PolicyLimits are the limits a POST policy puts on the file, as far as
// CosDrop can read them (COS's POST Object policy document: conditions
// {"Content-Type":"v"}, ["eq","$Content-Type","v"],
// ["starts-with","$Content-Type","prefix"] and
// ["content-length-range",min,max]; Tencent's cos-demo post-policy-limit
// sample uses the last two).
type PolicyLimits struct {
	MinSize, MaxSize int64    // MaxSize 0: no limit read
	TypeEquals       []string // the Content-Type must equal each
	TypePrefixes     []string // the Content-Type must start with each
}

// Limits decodes the policy of pp. ok is false when the policy cannot be
// read (not base64 JSON); then nothing can be checked before sending.
func (pp SignedPost) Limits() (lim PolicyLimits, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(pp.Policy)
	if err != nil {
		return lim, false
	}
	var doc struct {
		Conditions []json.RawMessage `json:"conditions"`
	}
	if json.Unmarshal(raw, &doc) != nil {
		return lim, false
	}
	for _, c := range doc.Conditions {
		var obj map[string]any
		if json.Unmarshal(c, &obj) == nil {
			for k, v := range obj {
				if s, isStr := v.(string); isStr && strings.EqualFold(k, "content-type") {
					lim.TypeEquals = append(lim.TypeEquals, s)
				}
			}
			continue
		}
		var arr []any
		if json.Unmarshal(c, &arr) != nil || len(arr) != 3 {
			continue
		}
		op, _ := arr[0].(string)
		switch strings.ToLower(op) {
		case "content-length-range":
			lo, okLo := arr[1].(float64)
			hi, okHi := arr[2].(float64)
			if okLo && okHi {
				lim.MinSize, lim.MaxSize = int64(lo), int64(hi)
			}
		case "eq", "starts-with":
			name, _ := arr[1].(string)
			val, _ := arr[2].(string)
			if !strings.EqualFold(strings.TrimPrefix(name, "$"), "content-type") {
				continue
			}
			if op == "eq" {
				lim.TypeEquals = append(lim.TypeEquals, val)
			} else {
				// Kept literally, "*" included: COS's POST Object document
				// (https://cloud.tencent.com/document/product/436/14690)
				// defines starts-with as a plain prefix and names no
				// wildcard, so Tencent's cos-demo post-policy-limit
				// condition "image/*" admits only types that really begin
				// with "image/*". Reading it as "image/" would send files
				// COS refuses (and localcos refuses them the same way).
				lim.TypePrefixes = append(lim.TypePrefixes, val)
			}
		}
	}
	return lim, true
}

// Check reports, before any byte is sent, a file the policy would refuse:
// KindTooBig for its size, KindTypeRefused for its Content-Type. Both are
// definitive ServerErrors of the signing server.
func (l PolicyLimits) Check(size int64, contentType string) error {
	if l.MaxSize > 0 && (size > l.MaxSize || size < l.MinSize) {
		return &ServerError{Server: ServerSign, Kind: KindTooBig,
			Detail: fmt.Sprintf("the policy allows %d to %d bytes; the file has %d", l.MinSize, l.MaxSize, size)}
	}
	for _, t := range l.TypeEquals {
		if contentType != t {
			return &ServerError{Server: ServerSign, Kind: KindTypeRefused,
				Detail:     fmt.Sprintf("the policy allows only %s; the file is %s", t, contentType),
				PolicyType: t, FileType: contentType}
		}
	}
	for _, p := range l.TypePrefixes {
		if !strings.HasPrefix(contentType, p) {
			return &ServerError{Server: ServerSign, Kind: KindTypeRefused,
				Detail:     fmt.Sprintf("the policy allows only types starting with %q; the file is %s", p, contentType),
				PolicyType: p, PolicyPrefix: true, FileType: contentType}
		}
	}
	return nil
}
