package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrBadSTSResponse is matched (errors.Is) by every error ParseSTS returns
// for a body it cannot use; each is a definitive *ServerError.
var ErrBadSTSResponse = errors.New("unusable credential server response")

// badSTS is a credential server answer CosDrop cannot use: a definitive
// *ServerError of the given kind with a plain-words detail (which never
// quotes the body).
func badSTS(kind ServerErrorKind, format string, args ...any) error {
	return &ServerError{Server: ServerSTS, Kind: kind, Detail: redactDetail(fmt.Sprintf(format, args...))}
}

// ParseSTS reads temporary credentials from a credential server's JSON
// body. It accepts every shape Tencent's samples and SDKs produce:
//
//   - Node/Python sample servers: {"credentials":{"tmpSecretId","tmpSecretKey","sessionToken"},"startTime","expiredTime","expiration"}
//   - Go STS SDK / flat: {"TmpSecretId","TmpSecretKey","SessionToken"|"Token","ExpiredTime"} (also nested under "Credentials")
//   - the raw STS API: {"Response":{"Credentials":{"Token","TmpSecretId","TmpSecretKey"},"ExpiredTime","Expiration"}}
//   - CVM metadata: {"TmpSecretId","TmpSecretKey","Token","ExpiredTime","Code":"Success"}
//   - any of these inside {"code":0,"data":{...}}
//
// Field names match case-insensitively and ignoring "_" (so tmpSecretID and
// tmp_secret_id are accepted). The expiry comes from expiredTime (Unix
// seconds, or milliseconds, as a number or a string) or else expiration
// (RFC 3339). now is the time to judge the expiry against; a set already
// expired is refused.
func ParseSTS(body []byte, now time.Time) (Credentials, error) {
	m, credObj, err := stsObjects(body)
	if err != nil {
		return Credentials{}, err
	}
	c, missing, err := stsKeys(credObj)
	if err != nil {
		return Credentials{}, err
	}
	exp, haveExp, err := expiry(m, credObj)
	if err != nil {
		return Credentials{}, err
	}
	if !haveExp {
		missing = append(missing, "expiredTime (or expiration)")
	}
	if len(missing) > 0 {
		return Credentials{}, badSTS(KindIncomplete, "missing %s", strings.Join(missing, ", "))
	}
	for name, v := range map[string]string{"tmpSecretId": c.SecretID, "tmpSecretKey": c.SecretKey, "sessionToken": c.SessionToken} {
		if strings.TrimSpace(v) != v || strings.ContainsAny(v, "\r\n") || !utf8.ValidString(v) {
			return Credentials{}, badSTS(KindIncomplete, "%s contains spaces, line breaks or invalid UTF-8", name)
		}
	}
	if start, ok, err := unixField(m, credObj, "starttime"); err != nil {
		return Credentials{}, err
	} else if ok && !start.Before(exp) {
		return Credentials{}, badSTS(KindIncomplete, "startTime %s is not before expiredTime %s", start.UTC().Format(time.RFC3339), exp.UTC().Format(time.RFC3339))
	}
	if !exp.After(now) {
		return Credentials{}, badSTS(KindExpired, "expired at %s, %s ago", exp.UTC().Format(time.RFC3339), now.Sub(exp).Round(time.Second))
	}
	c.Expiration = exp
	return c, nil
}

// stsObjects decodes body and unwraps its envelopes, checking each level
// for an error report: m is the innermost object, credObj the one that
// holds the keys (m itself, or its "Credentials").
func stsObjects(body []byte) (m, credObj map[string]any, err error) {
	if kind := bodyKind(body, ""); kind != "" {
		return nil, nil, badSTS(kind, "")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, badSTS(KindNotJSON, "")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, nil, badSTS(KindNotJSON, "not a JSON object")
	}
	for range 3 {
		if err := envelopeError(m); err != nil {
			return nil, nil, err
		}
		if field(m, "credentials") != nil || field(m, "tmpsecretid") != nil {
			break
		}
		if inner, ok := field(m, "response").(map[string]any); ok {
			m = inner
			continue
		}
		if inner, ok := field(m, "data").(map[string]any); ok {
			m = inner
			continue
		}
		break
	}
	credObj = m
	if c, ok := field(m, "credentials").(map[string]any); ok {
		credObj = c
	} else if field(m, "credentials") != nil {
		return nil, nil, badSTS(KindIncomplete, "credentials is not an object")
	}
	return m, credObj, nil
}

// stsKeys reads the temporary key and token from credObj, registering each
// secret for redaction as soon as it is known (so no later error can show
// it), and names the ones missing.
func stsKeys(credObj map[string]any) (c Credentials, missing []string, err error) {
	if c.SecretID, err = str(credObj, "tmpsecretid"); err != nil {
		return Credentials{}, nil, err
	}
	if c.SecretKey, err = str(credObj, "tmpsecretkey"); err != nil {
		return Credentials{}, nil, err
	}
	AddSecret(c.SecretKey)
	for _, name := range []string{"sessiontoken", "token", "securitytoken", "xcossecuritytoken"} {
		if c.SessionToken, err = str(credObj, name); err != nil {
			return Credentials{}, nil, err
		}
		if c.SessionToken != "" {
			AddSecret(c.SessionToken)
			break
		}
	}
	if c.SecretID == "" {
		missing = append(missing, "tmpSecretId")
	}
	if c.SecretKey == "" {
		missing = append(missing, "tmpSecretKey")
	}
	if c.SessionToken == "" {
		missing = append(missing, "sessionToken (or Token)")
	}
	return c, missing, nil
}

// envelopeError reports an error the server put in a JSON envelope:
// Tencent's {"Error":{"Code","Message"}}, CVM's "Code" other than
// "Success", or {"code":N,"message"} with N != 0.
func envelopeError(m map[string]any) error {
	if e := field(m, "error"); e != nil {
		switch t := e.(type) {
		case map[string]any:
			code, _ := t[findKey(t, "code")].(string)
			msg, _ := t[findKey(t, "message")].(string)
			return badSTS(KindRefused, "the server reported an error: %s", joinNonEmpty(": ", code, msg))
		case string:
			if t != "" {
				return badSTS(KindRefused, "the server reported an error: %s", t)
			}
		case bool, nil:
		default:
			return badSTS(KindRefused, "the server reported an error: %v", t)
		}
	}
	msg := firstString(m, "message", "msg")
	switch code := field(m, "code").(type) {
	case string:
		if code != "" && !strings.EqualFold(code, "success") && code != "0" {
			return badSTS(KindRefused, "the server reported an error: %s", joinNonEmpty(": ", code, msg))
		}
	case json.Number:
		if code.String() != "0" {
			return badSTS(KindRefused, "the server reported an error: %s", joinNonEmpty(": ", "code "+code.String(), msg))
		}
	}
	return nil
}

// expiry finds the expiry in the credentials object or its parent.
func expiry(parent, cred map[string]any) (time.Time, bool, error) {
	if t, ok, err := unixField(parent, cred, "expiredtime"); err != nil || ok {
		return t, ok, err
	}
	for _, m := range []map[string]any{cred, parent} {
		switch s := field(m, "expiration").(type) {
		case nil:
		case string:
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return time.Time{}, false, badSTS(KindIncomplete, "expiration %q is not an RFC 3339 time", s)
			}
			return t, true, nil
		default:
			return time.Time{}, false, badSTS(KindIncomplete, "expiration is not a string")
		}
	}
	return time.Time{}, false, nil
}

// unixField reads a Unix time (seconds; milliseconds when 13 digits) from
// cred or parent, as a JSON number or a numeric string.
func unixField(parent, cred map[string]any, name string) (time.Time, bool, error) {
	for _, m := range []map[string]any{cred, parent} {
		var s string
		switch v := field(m, name).(type) {
		case nil:
			continue
		case json.Number:
			s = v.String()
		case string:
			s = strings.TrimSpace(v)
		default:
			return time.Time{}, false, badSTS(KindIncomplete, "%s is not a number", name)
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return time.Time{}, false, badSTS(KindIncomplete, "%s %q is not a Unix time in seconds", name, s)
		}
		switch {
		case n < 1e11:
			return time.Unix(n, 0), true, nil
		case n < 1e14:
			return time.UnixMilli(n), true, nil
		}
		return time.Time{}, false, badSTS(KindIncomplete, "%s %q is not a Unix time in seconds", name, s)
	}
	return time.Time{}, false, nil
}

// normKey folds a JSON field name for tolerant matching.
func normKey(k string) string { return strings.ToLower(strings.ReplaceAll(k, "_", "")) }

func findKey(m map[string]any, norm string) string {
	if _, ok := m[norm]; ok {
		return norm
	}
	for k := range m {
		if normKey(k) == norm {
			return k
		}
	}
	return ""
}

func field(m map[string]any, norm string) any {
	k := findKey(m, norm)
	if k == "" {
		return nil
	}
	return m[k]
}

func str(m map[string]any, norm string) (string, error) {
	switch v := field(m, norm).(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	default:
		return "", badSTS(KindIncomplete, "%s is not a string", norm)
	}
}

func firstString(m map[string]any, names ...string) string {
	for _, n := range names {
		if s, ok := field(m, n).(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return "(no details)"
	}
	return strings.Join(out, sep)
}

// serverMessage extracts the human-readable message from an error body
// (JSON with message/error/Response.Error, or COS XML), redacted and then
// shortened. Anything else gives "": a body is never quoted, because it
// can hold a secret in a shape no redactor knows.
func serverMessage(b []byte) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if dec.Decode(&v) == nil {
		if m, ok := v.(map[string]any); ok {
			if r, ok := field(m, "response").(map[string]any); ok {
				m = r
			}
			if e, ok := field(m, "error").(map[string]any); ok {
				return redactDetail(joinNonEmpty(": ", firstString(e, "code"), firstString(e, "message")))
			}
			if s := firstString(m, "message", "msg", "error", "errordescription", "detail"); s != "" {
				return redactDetail(s)
			}
		}
	}
	if code, msg := xmlTag(b, "Code"), xmlTag(b, "Message"); code != "" || msg != "" {
		return redactDetail(joinNonEmpty(": ", code, msg))
	}
	return ""
}

// xmlTag returns the text of the first <tag>…</tag> in b (COS error bodies
// are flat, so no XML decoder is needed).
func xmlTag(b []byte, tag string) string {
	s := string(b)
	i := strings.Index(s, "<"+tag+">")
	if i < 0 {
		return ""
	}
	s = s[i+len(tag)+2:]
	j := strings.Index(s, "</"+tag+">")
	if j < 0 {
		return ""
	}
	return strings.TrimSpace(s[:j])
}
