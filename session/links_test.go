package session

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/profile"
	"cosdrop/uploader"
)

const linkID, linkKey = "AKIDlinktest00000001", "linkTestSecretKey0123456789abcdef"

// linkServer is a local COS with its credential server; actions is the
// STS grant (nil: the samples' upload-only grant).
func linkServer(t *testing.T, life time.Duration, actions []string) *localcos.Server {
	t.Helper()
	return localcostest.Start(t, localcos.Config{SecretID: linkID, SecretKey: linkKey, STSLifetime: life, STSActions: actions})
}

// openProfile saves p (with the permanent key in a memory store) and
// opens it.
func openProfile(t *testing.T, p profile.Profile) *Session {
	t.Helper()
	ps := profile.NewProfiles(filepath.Join(t.TempDir(), "config"))
	if err := ps.Put(p); err != nil {
		t.Fatal(err)
	}
	store := auth.NewSessionStore()
	if p.Mode == profile.ModePermanent {
		if err := store.Set(context.Background(), auth.SecretKeyAccount(p.Name), linkKey); err != nil {
			t.Fatal(err)
		}
	}
	o := &Opener{DataDir: t.TempDir(), Profiles: ps, Secrets: store}
	ctx, cancel := context.WithTimeout(context.Background(), waitBound)
	defer cancel()
	s, err := o.Open(ctx, p.Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// uploadNamed uploads a file called name with body and returns its task.
func uploadNamed(t *testing.T, s *Session, name, body string) uploader.Snapshot {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	sn := uploadOne(t, s, p)
	if sn.State != uploader.Done {
		t.Fatalf("%s: %s %+v", name, sn.State, sn.LastErr)
	}
	return sn
}

// getSigned GETs a plain link with an Authorization header (the bucket
// is private): what a browser does with the link once the bucket or a CDN
// allows the read. The URL is used exactly as rendered.
func getSigned(t *testing.T, link string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, link, nil)
	if err != nil {
		t.Fatalf("link %q does not parse: %v", link, err)
	}
	cos.AddAuthorizationHeader(linkID, linkKey, "", req, cos.NewAuthTime(time.Hour))
	return do(t, req)
}

func get(t *testing.T, link string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, link, nil)
	if err != nil {
		t.Fatalf("link %q does not parse: %v", link, err)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// tricky are file names whose keys a naive link breaks: Chinese, spaces,
// "+" (a space to form decoders), "%" (an escape), "?" and "#" (they end
// a URL's path).
var tricky = []string{"报告 2026.txt", "a+b c.txt", "100% sure.txt", "what?.txt", "issue #7.txt", "it's (1).txt"}

// The link template's encoding, over real HTTP: each rendered link names
// exactly its object, and {url}, {key}, {filename}, {bucket} and
// {region} render as documented.
func TestLinkTemplateEncodingOverHTTP(t *testing.T) {
	srv := linkServer(t, 0, nil)
	p := profile.Profile{Name: "office", Endpoint: srv.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModePermanent, SecretID: linkID, Prefix: "shared/{yyyy}/"}
	s := openProfile(t, p)
	for i, name := range tricky {
		if runtime.GOOS == "windows" && strings.ContainsAny(name, `<>:"/\|?*`) {
			continue // Windows forbids these characters in file names (learn.microsoft.com/en-us/windows/win32/fileio/naming-a-file)
		}
		body := strings.Repeat(name, i+1)
		sn := uploadNamed(t, s, name, body)
		link, err := s.Linker().Link(sn.Key)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(link, srv.URL()+"/shared/") {
			t.Errorf("%s: link %q", name, link)
		}
		for _, c := range []string{" ", "?", "#", "+", "报"} {
			if strings.Contains(link, c) {
				t.Errorf("%s: link %q has a literal %q", name, link, c)
			}
		}
		if code, got := getSigned(t, link); code != http.StatusOK || got != body {
			t.Errorf("%s: GET %s = %d %q, want the object", name, link, code, got)
		}
		// A custom domain template gives the same path.
		l := NewLinker(p, s.BucketURL, "http://"+strings.TrimPrefix(srv.URL(), "http://")+"/{key}")
		if got, _ := l.Link(sn.Key); got != link {
			t.Errorf("{key} template %q, {url} %q", got, link)
		}
	}
	md := NewLinker(p, s.BucketURL, "![{filename}]({url}) {bucket} {region}")
	got, err := md.Link("shared/2026/报告 2026.txt")
	want := "![报告 2026.txt](" + srv.URL() + "/shared/2026/%E6%8A%A5%E5%91%8A%202026.txt) " + localcos.DefaultBucket + " " + localcos.DefaultRegion
	if err != nil || got != want {
		t.Errorf("markdown: %q, %v\nwant %q", got, err, want)
	}
	if got := EncodeKey("a+b/100%/c?d#e f/it's(1)!*~.txt"); got != "a%2Bb/100%25/c%3Fd%23e%20f/it's(1)!*~.txt" {
		t.Errorf("EncodeKey = %q", got)
	}
	// The default COS address when no endpoint is set.
	def := profile.Profile{Bucket: "photos-1250000000", Region: "ap-shanghai"}
	if got, _ := ProfileLink(def, "a b.jpg"); got != "https://photos-1250000000.cos.ap-shanghai.myqcloud.com/a%20b.jpg" {
		t.Errorf("ProfileLink = %q", got)
	}
	if _, err := NewLinker(profile.Profile{Mode: profile.ModeServerSigned}, "", "").Link("k"); !errors.Is(err, ErrNoLinkAddress) {
		t.Errorf("no address: %v", err)
	}
	if got, _ := NewLinker(profile.Profile{Mode: profile.ModeServerSigned}, "", "https://cdn.example.com/{key}").Link("a b"); got != "https://cdn.example.com/a%20b" {
		t.Errorf("server-signed with a template: %q", got)
	}
}

// A share link signed with a permanent key opens the object until its
// expiry and not after; asking for more than 7 days gives 7 days.
func TestShareLinkPermanent(t *testing.T) {
	srv := linkServer(t, 0, nil)
	s := openProfile(t, profile.Profile{Name: "office", Endpoint: srv.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModePermanent, SecretID: linkID})
	sn := uploadNamed(t, s, "报告 a+b.txt", "hello share")
	sh := s.Sharer()
	ctx := context.Background()
	l, err := sh.Link(ctx, sn, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if l.CappedBy != CapNone || time.Until(l.ExpiresAt) > time.Hour || time.Until(l.ExpiresAt) < 59*time.Minute {
		t.Errorf("1 hour: %+v", l)
	}
	if strings.Contains(l.URL, linkKey) {
		t.Error("the link carries the SecretKey")
	}
	if code, body := get(t, l.URL); code != http.StatusOK || body != "hello share" {
		t.Fatalf("GET share link = %d %q", code, body)
	}
	srv.Faults().SetClockSkew(61 * time.Minute)
	if code, body := get(t, l.URL); code != http.StatusForbidden || !strings.Contains(body, "expired") {
		t.Errorf("after expiry: %d %q", code, body)
	}
	srv.Faults().SetClockSkew(0)
	l, err = sh.Link(ctx, sn, 30*24*time.Hour)
	if err != nil || l.CappedBy != CapPermanentMax || time.Until(l.ExpiresAt) > MaxShareLife {
		t.Fatalf("30 days: %+v %v", l, err)
	}
	srv.Faults().SetClockSkew(MaxShareLife - time.Minute)
	if code, _ := get(t, l.URL); code != http.StatusOK {
		t.Errorf("7-day link on day 7: %d", code)
	}
	if until, c, err := sh.Limit(ctx); err != nil || c != CapPermanentMax || time.Until(until) > MaxShareLife+time.Second {
		t.Errorf("Limit = %v %v %v", until, c, err)
	}
	if txt := ShareText(l); !strings.Contains(txt, "7 days") {
		t.Errorf("ShareText = %q", txt)
	}
}

// A link signed with temporary credentials dies with their token: asking
// for 24 hours gives the token's expiry, which is what the link shows,
// and the link stops opening the object at that moment. Before issue 13,
// STS profiles offered no share link at all (CanPresign permanent only).
func TestShareLinkSTSCappedAtToken(t *testing.T) {
	actions := append(append([]string(nil), localcos.BroadActions...), "name/cos:GetObject")
	srv := linkServer(t, 10*time.Minute, actions)
	s := openProfile(t, profile.Profile{Name: "sts", Endpoint: srv.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModeSTS, CredentialURL: srv.STSURL() + "/sts"})
	if !s.CanPresign {
		t.Fatal("an STS profile offers no share link")
	}
	sn := uploadNamed(t, s, "big report.txt", "sts share")
	ctx := context.Background()
	sh := s.Sharer()
	until, c, err := sh.Limit(ctx)
	if err != nil || c != CapToken || time.Until(until) > 10*time.Minute {
		t.Fatalf("Limit = %v %v %v", until, c, err)
	}
	l, err := sh.Link(ctx, sn, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if l.CappedBy != CapToken || time.Until(l.ExpiresAt) > 10*time.Minute || time.Until(l.ExpiresAt) < 8*time.Minute {
		t.Fatalf("24 hours with a 10-minute token: %+v", l)
	}
	if !strings.Contains(l.URL, "x-cos-security-token=") {
		t.Error("the link lacks its token")
	}
	// The token travels in the link (COS needs it); the key never does.
	if c, err := s.Config.Credentials.Credentials(ctx); err != nil || strings.Contains(l.URL, c.SecretKey) || strings.Contains(l.URL, url.QueryEscape(c.SecretKey)) {
		t.Errorf("the link carries the temporary SecretKey (%v)", err)
	}
	if code, body := get(t, l.URL); code != http.StatusOK || body != "sts share" {
		t.Fatalf("GET = %d %q", code, body)
	}
	srv.Faults().SetClockSkew(time.Until(l.ExpiresAt) + time.Second)
	if code, _ := get(t, l.URL); code != http.StatusForbidden {
		t.Errorf("after the token's expiry: %d", code)
	}
	if txt := ShareText(l); !strings.Contains(txt, "temporary key") {
		t.Errorf("ShareText = %q", txt)
	}
}

// Issue 20, finding 8: under Tencent's sample STS grant (no GetObject) a
// share link answered 403 at once while CosDrop said "Valid until …".
// Now no link is handed out: the refusal says why, in words that name the
// missing permission.
func TestShareLinkSampleGrantRefused(t *testing.T) {
	srv := linkServer(t, 10*time.Minute, nil)
	s := openProfile(t, profile.Profile{Name: "sts", Endpoint: srv.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModeSTS, CredentialURL: srv.STSURL() + "/sts"})
	sn := uploadNamed(t, s, "report.txt", "sample grant")
	l, err := s.Sharer().Link(context.Background(), sn, time.Hour)
	if !errors.Is(err, ErrShareNotReadable) || l.URL != "" {
		t.Fatalf("link %+v, err %v; want ErrShareNotReadable and no URL", l, err)
	}
	if txt := ShareErrText(err); !strings.Contains(txt, "GetObject") || !strings.Contains(txt, "administrator") {
		t.Errorf("words %q", txt)
	}
}

// A server-signed profile holds no key: without a get-sign endpoint on
// its server (localcos's signing server, like Tencent's upload-sign
// sample, has none) it says plainly that share links are not available.
func TestShareLinkServerSignedWithoutGetSign(t *testing.T) {
	srv := linkServer(t, 0, nil)
	s := openProfile(t, profile.Profile{Name: "signed", Endpoint: srv.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModeServerSigned, CredentialURL: srv.STSURL()})
	sn := uploadNamed(t, s, "photo.jpg", "signed upload")
	if !sn.Verified {
		t.Fatalf("not verified: %+v", sn)
	}
	sh := s.Sharer()
	if _, c, _ := sh.Limit(context.Background()); c != CapServer {
		t.Errorf("Limit cap %q", c)
	}
	_, err := sh.Link(context.Background(), sn, time.Hour)
	if !errors.Is(err, ErrShareUnavailable) || !errors.Is(err, auth.ErrNoGetSign) {
		t.Fatalf("err = %v", err)
	}
	if txt := ShareErrText(err); !strings.Contains(txt, "not available") || !strings.Contains(txt, "get-sign") {
		t.Errorf("ShareErrText = %q", txt)
	}
}

// A signing server with get-sign signs the link; its life is the
// server's, read from the signature, and the link opens the object.
func TestShareLinkServerSignedGetSign(t *testing.T) {
	srv := linkServer(t, 0, nil)
	s := openProfile(t, profile.Profile{Name: "office", Endpoint: srv.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModePermanent, SecretID: linkID})
	sn := uploadNamed(t, s, "季度 报告+1.txt", "server signed share")
	bu, _ := url.Parse(srv.URL())
	client := cos.NewClient(&cos.BaseURL{BucketURL: bu}, nil)
	var asked url.Values
	sign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/get-sign" {
			w.Write([]byte(`{"code":-1,"message":"404 Not Found"}`))
			return
		}
		asked = r.URL.Query()
		// The server's policy: 20 minutes at most, whatever was asked.
		u, err := client.Object.GetPresignedURL(r.Context(), http.MethodGet, asked.Get("cosKey"), linkID, linkKey, 20*time.Minute, nil)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		a, _ := url.QueryUnescape(u.RawQuery)
		var buf bytes.Buffer
		buf.WriteString(`{"code":0,"data":{"cosHost":"` + bu.Host + `","cosKey":"` + asked.Get("cosKey") + `","authorization":"` + a + `"}}`)
		w.Write(buf.Bytes())
	}))
	defer sign.Close()
	sh := Sharer{Signer: auth.NewSignServer(sign.URL, "", nil)}
	l, err := sh.Link(context.Background(), sn, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if asked.Get("cosKey") != sn.Key || asked.Get("httpMethod") != "GET" || asked.Get("expires") != "86400" {
		t.Errorf("asked %v", asked)
	}
	if l.CappedBy != CapServer || time.Until(l.ExpiresAt) > 20*time.Minute || time.Until(l.ExpiresAt) < 19*time.Minute {
		t.Errorf("link %+v", l)
	}
	if code, body := get(t, l.URL); code != http.StatusOK || body != "server signed share" {
		t.Fatalf("GET %s = %d %q", l.URL, code, body)
	}
}

// The Sandbox's links die with the app; the cap says so.
func TestShareLinkSandbox(t *testing.T) {
	o := &Opener{DataDir: t.TempDir()}
	s, err := o.OpenSandbox()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sn := uploadOne(t, s, writeFile(t, "sand.bin", 100))
	l, err := s.Sharer().Link(context.Background(), sn, time.Hour)
	if err != nil || l.CappedBy != CapSandbox {
		t.Fatalf("%+v %v", l, err)
	}
	if code, _ := get(t, l.URL); code != http.StatusOK {
		t.Errorf("GET = %d", code)
	}
	if !strings.Contains(ShareText(l), "while CosDrop is running") {
		t.Errorf("ShareText = %q", ShareText(l))
	}
}

// Only a verified object gets a link, plain or shared.
func TestLinkOnlyWhenVerified(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusPartialContent) }))
	defer srv.Close()
	sh := Sharer{BucketURL: srv.URL, Credentials: auth.NewStatic(auth.Credentials{SecretID: linkID, SecretKey: linkKey})}
	for _, c := range []struct {
		s  uploader.Snapshot
		ok bool
	}{
		{uploader.Snapshot{State: uploader.Done, Verified: true, Key: "k"}, true},
		{uploader.Snapshot{State: uploader.Skipped, Key: "k", Note: uploader.Note{Code: uploader.NoteSkippedIdentical}}, true},
		// Issue 21, finding 2: an excluded entry has no object (its link
		// was the bucket's root); finding 3: an object deleted by Undo is
		// gone (its share link answered 404).
		{uploader.Snapshot{State: uploader.Skipped, Note: uploader.Note{Code: uploader.NoteExcluded}}, false},
		{uploader.Snapshot{State: uploader.Skipped, Key: "k"}, false},
		{uploader.Snapshot{State: uploader.Done, Verified: true, Key: "k", Note: uploader.Note{Code: uploader.NoteDeleted}}, false},
		{uploader.Snapshot{State: uploader.Done, Key: "k", Note: uploader.Note{Code: uploader.NoteCompletedUnverified}}, false},
		{uploader.Snapshot{State: uploader.Skipped, Key: "k", Note: uploader.Note{Code: uploader.NoteSkippedUncompared}}, false},
		{uploader.Snapshot{State: uploader.Uploading, Key: "k"}, false},
		{uploader.Snapshot{State: uploader.Failed, Key: "k"}, false},
	} {
		ok, why := Linkable(c.s)
		if ok != c.ok || ok == (why != "") {
			t.Errorf("%s verified=%v: %v %q", c.s.State, c.s.Verified, ok, why)
		}
		_, err := sh.Link(context.Background(), c.s, time.Hour)
		if (err == nil) != c.ok {
			t.Errorf("%s verified=%v: share err %v", c.s.State, c.s.Verified, err)
		}
	}
}
