package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var parseNow = time.Unix(1565166000, 0) // 2019-08-07, between the samples' start and expiry

func TestParseSTSAccepted(t *testing.T) {
	const exp = 1565168075
	cases := map[string]string{
		"node sample server": `{"credentials":{"tmpSecretId":"AKIDtmp","tmpSecretKey":"W/3Lkey+=","sessionToken":"c6xntok"},
			"expiration":"2019-08-07T08:54:35Z","startTime":1565166275,"expiredTime":1565168075,"requestId":"3f8f"}`,
		"go sts sdk": `{"Credentials":{"TmpSecretId":"AKIDtmp","TmpSecretKey":"W/3Lkey+=","Token":"c6xntok"},
			"ExpiredTime":1565168075,"Expiration":"2019-08-07T08:54:35Z","StartTime":1565166275,"RequestId":"r"}`,
		"flat":        `{"TmpSecretId":"AKIDtmp","TmpSecretKey":"W/3Lkey+=","SessionToken":"c6xntok","ExpiredTime":1565168075}`,
		"flat Token":  `{"TmpSecretId":"AKIDtmp","TmpSecretKey":"W/3Lkey+=","Token":"c6xntok","ExpiredTime":1565168075}`,
		"tmpSecretID": `{"credentials":{"tmpSecretID":"AKIDtmp","tmpSecretKey":"W/3Lkey+=","sessionToken":"c6xntok"},"expiredTime":1565168075}`,
		"raw sts api": `{"Response":{"Credentials":{"Token":"c6xntok","TmpSecretId":"AKIDtmp","TmpSecretKey":"W/3Lkey+="},
			"ExpiredTime":1565168075,"Expiration":"2019-08-07T08:54:35Z","RequestId":"r"}}`,
		"cvm metadata":           `{"TmpSecretId":"AKIDtmp","TmpSecretKey":"W/3Lkey+=","ExpiredTime":1565168075,"Expiration":"2019-08-07T08:54:35Z","Token":"c6xntok","Code":"Success"}`,
		"expiration only":        `{"credentials":{"tmpSecretId":"AKIDtmp","tmpSecretKey":"W/3Lkey+=","sessionToken":"c6xntok"},"expiration":"2019-08-07T08:54:35Z"}`,
		"expiredTime as string":  `{"credentials":{"tmpSecretId":"AKIDtmp","tmpSecretKey":"W/3Lkey+=","sessionToken":"c6xntok"},"expiredTime":"1565168075"}`,
		"expiredTime in ms":      `{"credentials":{"tmpSecretId":"AKIDtmp","tmpSecretKey":"W/3Lkey+=","sessionToken":"c6xntok"},"expiredTime":1565168075000}`,
		"expiredTime inside":     `{"credentials":{"tmpSecretId":"AKIDtmp","tmpSecretKey":"W/3Lkey+=","sessionToken":"c6xntok","expiredTime":1565168075}}`,
		"data envelope":          `{"code":0,"message":"ok","data":{"credentials":{"tmpSecretId":"AKIDtmp","tmpSecretKey":"W/3Lkey+=","sessionToken":"c6xntok"},"expiredTime":1565168075}}`,
		"snake case":             `{"tmp_secret_id":"AKIDtmp","tmp_secret_key":"W/3Lkey+=","session_token":"c6xntok","expired_time":1565168075}`,
		"securityToken (JS SDK)": `{"TmpSecretId":"AKIDtmp","TmpSecretKey":"W/3Lkey+=","SecurityToken":"c6xntok","ExpiredTime":1565168075}`,
		"XCosSecurityToken":      `{"TmpSecretId":"AKIDtmp","TmpSecretKey":"W/3Lkey+=","XCosSecurityToken":"c6xntok","ExpiredTime":1565168075}`,
	}
	for name, body := range cases {
		c, err := ParseSTS([]byte(body), parseNow)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want := Credentials{SecretID: "AKIDtmp", SecretKey: "W/3Lkey+=", SessionToken: "c6xntok", Expiration: time.Unix(exp, 0)}
		if c.SecretID != want.SecretID || c.SecretKey != want.SecretKey || c.SessionToken != want.SessionToken || !c.Expiration.Equal(want.Expiration) {
			t.Errorf("%s: got %+v, want %+v", name, c, want)
		}
	}
}

func TestParseSTSRejected(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"empty", ``, "empty"},
		{"html", `<html>502 Bad Gateway</html>`, "html"},
		{"array", `[1,2]`, "not a JSON object"},
		{"null", `null`, "not_json"},
		{"missing key", `{"credentials":{"tmpSecretId":"a","sessionToken":"t"},"expiredTime":1565168075}`, "missing tmpSecretKey"},
		{"missing all", `{"credentials":{},"requestId":"x"}`, "missing tmpSecretId, tmpSecretKey, sessionToken (or Token), expiredTime (or expiration)"},
		{"missing token", `{"TmpSecretId":"a","TmpSecretKey":"k","ExpiredTime":1565168075}`, "missing sessionToken"},
		{"missing expiry", `{"TmpSecretId":"a","TmpSecretKey":"k","Token":"t"}`, "missing expiredTime"},
		{"empty strings", `{"TmpSecretId":"","TmpSecretKey":"k","Token":"t","ExpiredTime":1565168075}`, "missing tmpSecretId"},
		{"expired", `{"TmpSecretId":"a","TmpSecretKey":"k","Token":"t","ExpiredTime":1565160000}`, "expired at 2019-08-07T06:40:00Z"},
		{"expires now", `{"TmpSecretId":"a","TmpSecretKey":"k","Token":"t","ExpiredTime":1565166000}`, "expired"},
		{"bad expiredTime", `{"TmpSecretId":"a","TmpSecretKey":"k","Token":"t","ExpiredTime":"soon"}`, "not a Unix time"},
		{"negative expiredTime", `{"TmpSecretId":"a","TmpSecretKey":"k","Token":"t","ExpiredTime":-5}`, "not a Unix time"},
		{"float expiredTime", `{"TmpSecretId":"a","TmpSecretKey":"k","Token":"t","ExpiredTime":1.5e9}`, "not a Unix time"},
		{"bool expiredTime", `{"TmpSecretId":"a","TmpSecretKey":"k","Token":"t","ExpiredTime":true}`, "not a number"},
		{"bad expiration", `{"TmpSecretId":"a","TmpSecretKey":"k","Token":"t","Expiration":"tomorrow"}`, "not an RFC 3339"},
		{"start after end", `{"TmpSecretId":"a","TmpSecretKey":"k","Token":"t","ExpiredTime":1565168075,"StartTime":1565169000}`, "not before expiredTime"},
		{"number id", `{"TmpSecretId":5,"TmpSecretKey":"k","Token":"t","ExpiredTime":1565168075}`, "not a string"},
		{"credentials string", `{"credentials":"nope"}`, "credentials is not an object"},
		{"spaces in key", `{"TmpSecretId":"a","TmpSecretKey":" k","Token":"t","ExpiredTime":1565168075}`, "contains spaces"},
		{"tencent error", `{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated."},"RequestId":"r"}}`,
			"AuthFailure.SignatureFailure: The provided credentials could not be validated."},
		{"cvm error", `{"Code":"Failure","Message":"role not bound"}`, "Failure: role not bound"},
		{"envelope error", `{"code":403,"message":"not allowed for this user"}`, "code 403: not allowed for this user"},
		{"error string", `{"error":"invalid_grant"}`, "invalid_grant"},
	}
	for _, c := range cases {
		_, err := ParseSTS([]byte(c.body), parseNow)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want error containing %q", c.name, err, c.want)
			continue
		}
		if !errors.Is(err, ErrBadSTSResponse) {
			t.Errorf("%s: %v does not match ErrBadSTSResponse", c.name, err)
		}
	}
}

// FuzzParseSTS: any body either parses into a complete, unexpired set or
// fails with ErrBadSTSResponse; never a panic, never a half set.
func FuzzParseSTS(f *testing.F) {
	f.Add([]byte(`{"credentials":{"tmpSecretId":"AKID","tmpSecretKey":"k","sessionToken":"t"},"startTime":1565166275,"expiredTime":1565168075}`))
	f.Add([]byte(`{"Response":{"Credentials":{"Token":"t","TmpSecretId":"a","TmpSecretKey":"k"},"ExpiredTime":1565168075}}`))
	f.Add([]byte(`{"Response":{"Error":{"Code":"c","Message":"m"}}}`))
	f.Add([]byte(`{"code":0,"data":{"TmpSecretId":"a","TmpSecretKey":"k","Token":"t","Expiration":"2019-08-07T08:54:35Z"}}`))
	f.Add([]byte(`{"TmpSecretId":"a","TmpSecretKey":"k","Token":"t","ExpiredTime":"1565168075000"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := ParseSTS(body, parseNow)
		if err != nil {
			if !errors.Is(err, ErrBadSTSResponse) {
				t.Fatalf("error %v does not match ErrBadSTSResponse", err)
			}
			return
		}
		if c.SecretID == "" || c.SecretKey == "" || c.SessionToken == "" || !c.Expiration.After(parseNow) {
			t.Fatalf("accepted incomplete set %+v from %q", c, body)
		}
	})
}

func TestServerMessage(t *testing.T) {
	for body, want := range map[string]string{
		`{"code":"Unauthorized","message":"A valid Authorization: Bearer token is required."}`: "A valid Authorization: Bearer token is required.",
		`{"Response":{"Error":{"Code":"AuthFailure","Message":"bad"}}}`:                        "AuthFailure: bad",
		`<Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>`:            "AccessDenied: Access Denied.",
		"  plain\n text  ": "", // never quoted: a body can hold a secret
		"":                 "",
	} {
		if got := serverMessage([]byte(body)); got != want {
			t.Errorf("serverMessage(%q) = %q, want %q", body, got, want)
		}
	}
	long := serverMessage([]byte(strings.Repeat("x", 1000)))
	if len(long) > 210 {
		t.Errorf("long body not shortened: %d bytes", len(long))
	}
}
