package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"cosdrop/auth"
)

func permProfile() Profile {
	return Profile{Name: "office", Bucket: "examplebucket-1250000000", Region: "ap-guangzhou",
		Mode: ModePermanent, SecretID: "AKIDEXAMPLE123456", Prefix: "uploads/{yyyy}/{mm}/", OnConflict: "rename"}
}

func stsProfile() Profile {
	return Profile{Name: "staff", Bucket: "examplebucket-1250000000", Region: "ap-guangzhou",
		Mode: ModeSTS, CredentialURL: "https://sts.example.com/sts"}
}

func TestProfileValidate(t *testing.T) {
	mod := func(p Profile, f func(*Profile)) Profile { f(&p); return p }
	ok := []Profile{
		permProfile(),
		stsProfile(),
		mod(stsProfile(), func(p *Profile) { p.CredentialURL = "http://127.0.0.1:9001/sts" }),
		mod(stsProfile(), func(p *Profile) { p.CredentialURL = "http://localhost:9001/sts" }),
		mod(stsProfile(), func(p *Profile) { p.CredentialURL = "http://[::1]:9001/sts" }),
		{Name: "signed", Mode: ModeServerSigned, CredentialURL: "https://sign.example.com"},
		mod(permProfile(), func(p *Profile) { p.Endpoint = "http://127.0.0.1:9000"; p.Region = "" }),
		mod(permProfile(), func(p *Profile) { p.Endpoint = "https://files.example.com/" }),
		mod(permProfile(), func(p *Profile) { p.Name = "办公室 上传" }),
	}
	for _, p := range ok {
		if err := p.Validate(); err != nil {
			t.Errorf("%+v: unexpected error %v", p, err)
		}
	}
	bad := []struct {
		p    Profile
		want string
	}{
		{mod(permProfile(), func(p *Profile) { p.Name = "" }), "name is missing"},
		{mod(permProfile(), func(p *Profile) { p.Name = "a/b" }), "contains /"},
		{mod(permProfile(), func(p *Profile) { p.Name = " x" }), "space"},
		{mod(permProfile(), func(p *Profile) { p.Mode = "" }), "mode is missing"},
		{mod(permProfile(), func(p *Profile) { p.Mode = "magic" }), "unknown"},
		{mod(permProfile(), func(p *Profile) { p.Bucket = "examplebucket" }), "name-APPID"},
		{mod(permProfile(), func(p *Profile) { p.Region = "" }), "region"},
		{mod(permProfile(), func(p *Profile) { p.Region = "AP GZ" }), "region"},
		{mod(permProfile(), func(p *Profile) { p.SecretID = "" }), "The SecretId is missing"},
		{mod(permProfile(), func(p *Profile) { p.SecretID = "has space 123" }), "does not look like"},
		{mod(permProfile(), func(p *Profile) { p.CredentialURL = "https://x" }), "only used by sts"},
		{mod(permProfile(), func(p *Profile) { p.Prefix = "/abs" }), "must not start"},
		{mod(permProfile(), func(p *Profile) { p.Prefix = "{user}/" }), "placeholder {user}"},
		{mod(permProfile(), func(p *Profile) { p.OnConflict = "merge" }), "on-conflict"},
		{mod(permProfile(), func(p *Profile) { p.Endpoint = "ftp://x" }), "not an http(s) URL"},
		{mod(permProfile(), func(p *Profile) { p.Endpoint = "http://cos.example.com" }), "plain http"},
		{mod(stsProfile(), func(p *Profile) { p.CredentialURL = "" }), "The credential server address is missing"},
		{mod(stsProfile(), func(p *Profile) { p.CredentialURL = "http://sts.example.com/sts" }), "plain http"},
		{mod(stsProfile(), func(p *Profile) { p.CredentialURL = "http://10.0.0.1/sts" }), "plain http"},
		{mod(stsProfile(), func(p *Profile) { p.CredentialURL = "https://u:pw@sts.example.com/" }), "user name or password"},
		{mod(stsProfile(), func(p *Profile) { p.CredentialURL = "https://sts.example.com/?token=abc" }), "secret in its query"},
		{mod(stsProfile(), func(p *Profile) { p.SecretID = "AKIDEXAMPLE123456" }), "only used by permanent"},
	}
	for _, c := range bad {
		err := c.p.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want error containing %q", c.p, err, c.want)
		}
	}
}

func TestBucketURL(t *testing.T) {
	u, err := permProfile().BucketURL()
	if err != nil || u != "https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com" {
		t.Fatalf("BucketURL = %q, %v", u, err)
	}
	p := permProfile()
	p.Endpoint = "http://127.0.0.1:9000/"
	if u, err := p.BucketURL(); err != nil || u != "http://127.0.0.1:9000" {
		t.Fatalf("BucketURL with endpoint = %q, %v", u, err)
	}
	p.Endpoint = "http://evil.example.com"
	if _, err := p.BucketURL(); err == nil {
		t.Fatal("plain-http endpoint on a remote host accepted")
	}
	if _, err := (Profile{Bucket: "x"}).BucketURL(); err == nil {
		t.Fatal("bad bucket accepted")
	}
}

func TestStaticPrefix(t *testing.T) {
	for tmpl, want := range map[string]string{"": "", "a/b/": "a/b/", "up/{yyyy}/{mm}/": "up/", "{date}/x": ""} {
		if got := (Profile{Prefix: tmpl}).StaticPrefix(); got != want {
			t.Errorf("StaticPrefix(%q) = %q, want %q", tmpl, got, want)
		}
	}
}

func TestConfigDirEnv(t *testing.T) {
	t.Setenv(ConfigDirEnv, "/some/dir")
	if got := ConfigDir(); got != "/some/dir" {
		t.Fatalf("ConfigDir = %q", got)
	}
	t.Setenv(ConfigDirEnv, "")
	if got := ConfigDir(); !strings.HasSuffix(got, "cosdrop") {
		t.Fatalf("ConfigDir = %q, want .../cosdrop", got)
	}
}

func TestProfilesStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg")
	ps := NewProfiles(dir)
	if list, err := ps.List(); err != nil || len(list) != 0 {
		t.Fatalf("empty dir: %v, %v", list, err)
	}
	if err := ps.Put(stsProfile()); err != nil {
		t.Fatal(err)
	}
	if err := ps.Put(permProfile()); err != nil {
		t.Fatal(err)
	}
	bad := permProfile()
	bad.Bucket = "nope"
	if err := ps.Put(bad); err == nil {
		t.Fatal("invalid profile saved")
	}
	list, err := ps.List()
	if err != nil || len(list) != 2 || list[0].Name != "office" || list[1].Name != "staff" {
		t.Fatalf("List = %+v, %v", list, err)
	}
	changed := permProfile()
	changed.Region = "ap-beijing"
	if err := ps.Put(changed); err != nil {
		t.Fatal(err)
	}
	if got, err := ps.Get("office"); err != nil || !reflect.DeepEqual(got, changed) {
		t.Fatalf("Get after replace = %+v, %v", got, err)
	}
	if _, err := ps.Get("missing"); !errors.Is(err, ErrNoProfile) {
		t.Fatalf("Get missing: %v", err)
	}
	if err := ps.Remove("staff"); err != nil {
		t.Fatal(err)
	}
	if err := ps.Remove("staff"); !errors.Is(err, ErrNoProfile) {
		t.Fatalf("Remove twice: %v", err)
	}

	// The file is private, and the rename left no temporary files behind.
	fi, err := os.Stat(filepath.Join(dir, profilesFile))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("profiles.json mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("config dir holds %d entries, want only profiles.json", len(entries))
	}
	// A second instance reads the same list.
	if list, err := NewProfiles(dir).List(); err != nil || len(list) != 1 {
		t.Fatalf("reload: %+v, %v", list, err)
	}
}

func TestProfilesConcurrentPut(t *testing.T) {
	ps := NewProfiles(t.TempDir())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := permProfile()
			p.Name = "p" + string(rune('a'+i))
			if err := ps.Put(p); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if list, err := ps.List(); err != nil || len(list) != 8 {
		t.Fatalf("after 8 concurrent puts: %d profiles, %v", len(list), err)
	}
}

func TestProfilesCorruptFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, profilesFile), []byte("{not json"), 0o600)
	_, err := NewProfiles(dir).List()
	if err == nil || !strings.Contains(err.Error(), "fix or remove") {
		t.Fatalf("corrupt file: %v", err)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	for _, p := range []Profile{permProfile(), stsProfile()} {
		var buf bytes.Buffer
		if err := ExportProfile(&buf, p); err != nil {
			t.Fatal(err)
		}
		for _, word := range []string{"secret_key", "token", "password"} {
			if strings.Contains(strings.ToLower(buf.String()), word) {
				t.Errorf("export contains %q:\n%s", word, buf.String())
			}
		}
		got, err := ParseProfileExport(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Errorf("round trip: got %+v, want %+v", got, p)
		}
	}
}

func TestImportRefuses(t *testing.T) {
	wrap := func(profile map[string]any, extra map[string]any) []byte {
		doc := map[string]any{"format": exportFormat, "version": 1, "profile": profile}
		for k, v := range extra {
			doc[k] = v
		}
		b, _ := json.Marshal(doc)
		return b
	}
	base := func() map[string]any {
		return map[string]any{"name": "x", "bucket": "examplebucket-1250000000", "region": "ap-guangzhou",
			"mode": "sts", "credential_url": "https://sts.example.com/sts"}
	}
	with := func(k string, v any) map[string]any { m := base(); m[k] = v; return m }
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"secret key in profile", wrap(with("secret_key", "abc"), nil), "contains a secret (profile.secret_key)"},
		{"SecretKey camel", wrap(with("SecretKey", "abc"), nil), "contains a secret"},
		{"token at top", wrap(base(), map[string]any{"loginToken": "t"}), "contains a secret (loginToken)"},
		{"nested credentials", wrap(with("extra", map[string]any{"credentials": map[string]any{"tmpSecretKey": "k"}}), nil), "contains a secret"},
		{"session token", wrap(with("sessionToken", "t"), nil), "contains a secret"},
		{"http credential url", wrap(with("credential_url", "http://sts.example.com/sts"), nil), "plain http"},
		{"http credential url on LAN", wrap(with("credential_url", "http://192.168.1.5/sts"), nil), "plain http"},
		{"password in url", wrap(with("credential_url", "https://a:b@sts.example.com/"), nil), "user name or password"},
		{"unknown field", wrap(with("colour", "red"), nil), "unknown field"},
		{"wrong format", []byte(`{"format":"other","version":1,"profile":{}}`), "not a CosDrop profile"},
		{"future version", wrap(base(), map[string]any{"version": 2}), "newer"},
		{"not json", []byte("name = x"), "not valid JSON"},
		{"too big", bytes.Repeat([]byte(" "), maxImportSize+1), "larger than"},
	}
	for _, c := range cases {
		_, err := ParseProfileExport(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want error containing %q", c.name, err, c.want)
		}
	}
	if _, err := ParseProfileExport(wrap(with("credential_url", "http://127.0.0.1:9001/sts"), nil)); err != nil {
		t.Errorf("loopback http credential url refused: %v", err)
	}
}

// TestProfileRefusesSecretURLs (issue 14, finding 2): an endpoint or a
// credential URL that carries a signature or token in its query or
// fragment is refused by Validate, import and export alike, and a name
// under .localhost is not loopback.
func TestProfileRefusesSecretURLs(t *testing.T) {
	mod := func(p Profile, f func(*Profile)) Profile { f(&p); return p }
	const leaked = "Zq8secretLEAKEDvalue0123456789abcdef"
	bad := []Profile{
		mod(permProfile(), func(p *Profile) { p.Endpoint = "https://cos.example.com/?q-signature=abc&token=" + leaked }),
		mod(permProfile(), func(p *Profile) { p.Endpoint = "https://cos.example.com/?x-cos-security-token=" + leaked }),
		mod(permProfile(), func(p *Profile) { p.Endpoint = "https://cos.example.com/?a=b" }),
		mod(permProfile(), func(p *Profile) { p.Endpoint = "https://cos.example.com/#token=" + leaked }),
		mod(stsProfile(), func(p *Profile) { p.CredentialURL = "https://sts.example.com/sts#token=" + leaked }),
		mod(stsProfile(), func(p *Profile) { p.CredentialURL = "https://sts.example.com/sts?sign=" + leaked }),
		mod(stsProfile(), func(p *Profile) { p.CredentialURL = "https://sts.example.com/sts?q-sign-algorithm=sha1&q-ak=AKID" }),
		mod(stsProfile(), func(p *Profile) { p.CredentialURL = "https://sts.example.com/sts?id=" + leaked }),
		mod(stsProfile(), func(p *Profile) { p.CredentialURL = "https://sts.example.com/sts?X-Cos-Security-Token=" + leaked }),
		mod(stsProfile(), func(p *Profile) { p.CredentialURL = "http://evil.localhost/sts" }),
		{Name: "s", Mode: ModeServerSigned, CredentialURL: "https://sign.example.com", PostPolicyURL: "https://sign.example.com/p?signature=" + leaked},
		{Name: "s", Mode: ModeServerSigned, PutSignURL: "https://sign.example.com/p#access_token=" + leaked},
	}
	for _, p := range bad {
		err := p.Validate()
		if err == nil {
			t.Errorf("%s %s %s %s: accepted", p.Endpoint, p.CredentialURL, p.PutSignURL, p.PostPolicyURL)
			continue
		}
		if strings.Contains(err.Error(), leaked) {
			t.Errorf("the refusal quotes the secret: %v", err)
		}
		var sb strings.Builder
		if ExportProfile(&sb, p) == nil || sb.Len() != 0 {
			t.Errorf("export of %+v succeeded", p)
		}
		doc, _ := json.Marshal(exportDoc{Format: exportFormat, Version: 1, Profile: p})
		if _, err := ParseProfileExport(doc); err == nil {
			t.Errorf("import of %s accepted", doc)
		}
	}
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.8.9.10": true, "::1": true,
		"evil.localhost": false, "localhost.evil.com": false, "10.0.0.1": false, "::ffff:8.8.8.8": false, "": false,
	} {
		if auth.IsLoopback(host) != want {
			t.Errorf("IsLoopback(%q) = %v", host, !want)
		}
	}
	// Legitimate queries on a credential URL stay allowed.
	ok := mod(stsProfile(), func(p *Profile) { p.CredentialURL = "https://sts.example.com/sts?bucket=a-1250000000&prefix=team/" })
	if err := ok.Validate(); err != nil {
		t.Errorf("plain query refused: %v", err)
	}
}

// TestExportImportSigningAndProxy: the new settings travel in a profile
// file, and the file holds no secret.
func TestExportImportSigningAndProxy(t *testing.T) {
	p := Profile{Name: "signed", Mode: ModeServerSigned, CredentialURL: "https://sign.example.com/api",
		PostPolicyURL: "https://sign.example.com/api/post-policy-limit", SignMethod: auth.SignPost, Proxy: "socks5://alice@10.0.0.1:1080"}
	var b bytes.Buffer
	if err := ExportProfile(&b, p); err != nil {
		t.Fatal(err)
	}
	got, err := ParseProfileExport(b.Bytes())
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	for _, bad := range []Profile{
		{Name: "x", Mode: ModeSTS, CredentialURL: "https://sts.example.com", Bucket: "b-1250000000", Region: "ap-guangzhou", SignMethod: auth.SignPut},
		{Name: "x", Mode: ModeServerSigned, CredentialURL: "https://s.example.com", SignMethod: "form"},
		{Name: "x", Mode: ModeServerSigned, SignMethod: auth.SignPost, PutSignURL: "https://s.example.com/put-sign"},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// exportImport is p exported as an admin would hand it out and imported
// back.
func exportImport(t *testing.T, p Profile) Profile {
	t.Helper()
	var buf bytes.Buffer
	if err := ExportProfile(&buf, p); err != nil {
		t.Fatal(err)
	}
	got, err := ParseProfileExport(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return got
}
