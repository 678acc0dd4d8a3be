package profile

import (
	"bytes"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"cosdrop/auth"
)

// FuzzParseProfileExport: any profile file an admin (or an attacker) hands
// out either fails in words or gives a profile that holds no secret, no
// plain-http credential URL to a host other than this computer, and
// exports and imports back unchanged.
func FuzzParseProfileExport(f *testing.F) {
	for _, s := range []string{
		`{"format":"cosdrop-profile","version":1,"profile":{"name":"Team","bucket":"photos-1250000000","region":"ap-guangzhou","mode":"sts","credential_url":"https://sts.example.com/sts"}}`,
		`{"format":"cosdrop-profile","version":1,"profile":{"name":"L","mode":"sts","endpoint":"http://127.0.0.1:9000","bucket":"b-1","region":"r","credential_url":"http://localhost:9001/sts"}}`,
		`{"format":"cosdrop-profile","version":1,"profile":{"name":"X","mode":"sts","bucket":"b-1","region":"r","credential_url":"http://evil.localhost/sts"}}`,
		`{"format":"cosdrop-profile","version":1,"profile":{"name":"X","mode":"permanent","bucket":"b-1","region":"r","secret_id":"AKID","secret_key":"k"}}`,
		`{"format":"cosdrop-profile","version":1,"profile":{"name":"X","mode":"sts","bucket":"b-1","region":"r","credential_url":"https://s.example.com/sts?sign=abc#token=x"}}`,
		`{"format":"cosdrop-profile","version":1,"profile":{"name":"X","mode":"server_signed","credential_url":"https://user:pw@s.example.com/"}}`,
		`{"format":"cosdrop-profile","version":1,"profile":{"name":"X","mode":"sts","bucket":"b-1","region":"r","credential_url":"https://s.example.com/","proxy":"http://u:p@proxy:3128"}}`,
		`{"format":"cosdrop-profile","version":1,"profile":{"nested":{"Token":"x"}}}`,
		`{"format":"cosdrop-profile","version":1,"profile":{"name":"\u001b]0;t\u0007","mode":"sts"}}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		"\xef\xbb\xbf{}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseProfileExport(b)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an import error without words")
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("imported a profile that does not validate: %v", err)
		}
		for _, raw := range []string{p.Endpoint, p.CredentialURL, p.PutSignURL, p.PostPolicyURL, p.Proxy} {
			if raw == "" || raw == "direct" {
				continue
			}
			u, err := url.Parse(raw)
			if err != nil {
				continue
			}
			if pw, set := u.User.Password(); set || pw != "" {
				t.Fatalf("imported a URL with a password: %q", raw)
			}
			if raw != p.Proxy && raw != p.Endpoint && u.Scheme == "http" && !auth.IsLoopback(u.Hostname()) {
				t.Fatalf("imported a plain-http credential URL to another host: %q", raw)
			}
			for name := range u.Query() {
				if looksSecretParam(name) {
					t.Fatalf("imported a URL with a secret-looking parameter %q: %q", name, raw)
				}
			}
			if frag, _ := url.ParseQuery(u.Fragment); frag != nil {
				for name := range frag {
					if looksSecretParam(name) {
						t.Fatalf("imported a URL with a secret-looking fragment %q: %q", name, raw)
					}
				}
			}
		}
		var out bytes.Buffer
		if err := ExportProfile(&out, p); err != nil {
			t.Fatalf("an imported profile does not export: %v", err)
		}
		if strings.Contains(strings.ToLower(out.String()), "secret_key") {
			t.Fatalf("export carries a secret field: %s", out.String())
		}
		back, err := ParseProfileExport(out.Bytes())
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Fatalf("export/import round trip: %+v -> %+v (%v)", p, back, err)
		}
	})
}
