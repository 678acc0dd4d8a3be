package auth_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/profile"
)

const (
	lcID  = "AKIDLOCALTEST000001"
	lcKey = "LocalTestSecretKey0123456789abcd"
)

func startLocal(t *testing.T, cfg localcos.Config) *localcos.Server {
	t.Helper()
	cfg.SecretID, cfg.SecretKey = lcID, lcKey
	return localcostest.Start(t, cfg)
}

func cosClient(t *testing.T, s *localcos.Server, p auth.Provider) (*cos.Client, *auth.Transport) {
	u, _ := url.Parse(s.URL())
	tr := auth.NewTransport(p, nil)
	c := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: tr})
	c.DisableURLCheck()
	return c, tr
}

func permanent() auth.Provider {
	return auth.NewStatic(auth.Credentials{SecretID: lcID, SecretKey: lcKey})
}

// TestLocalcosSTSRefreshDuringUpload: 2-second credentials while a
// bandwidth-capped multipart upload runs for several lifetimes. The
// provider refreshes in the background, the upload completes, and no part
// is refused.
func TestLocalcosSTSRefreshDuringUpload(t *testing.T) {
	s := startLocal(t, localcos.Config{STSLifetime: 2 * time.Second})
	s.Faults().SetBandwidth(1 << 20)
	p := auth.NewSTS(s.STSURL()+"/sts", "", nil)
	defer p.Close()
	c, _ := cosClient(t, s, p)

	data := make([]byte, 5<<20)
	rand.Read(data)
	path := filepath.Join(t.TempDir(), "big.bin")
	os.WriteFile(path, data, 0o600)
	_, _, err := c.Object.Upload(context.Background(), "sts/big.bin", path, &cos.MultiUploadOptions{PartSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if n := p.Refreshes(); n < 3 {
		t.Errorf("%d credential fetches during a ~5 s upload with 2 s credentials, want >= 3", n)
	}
	st := s.Stats()
	if n := st.Requests["UploadPart"][http.StatusForbidden]; n != 0 {
		t.Errorf("%d parts refused with 403", n)
	}
	// The STS policy grants upload actions only; read back with the key.
	s.Faults().SetBandwidth(0)
	pc, _ := cosClient(t, s, permanent())
	resp, err := pc.Object.Get(context.Background(), "sts/big.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, data) {
		t.Fatal("object differs from the file")
	}
	t.Logf("fetches: %d, UploadPart statuses: %v", p.Refreshes(), st.Requests["UploadPart"])
}

func TestLocalcosWrongLoginToken(t *testing.T) {
	s := startLocal(t, localcos.Config{STSAuthToken: "right-login-token-1"})
	p := auth.NewSTS(s.STSURL()+"/sts", "wrong-login-token-2", nil)
	defer p.Close()
	_, err := p.Credentials(context.Background())
	if !errors.Is(err, auth.ErrUnauthorized) || !strings.Contains(err.Error(), "A valid Authorization: Bearer token is required.") {
		t.Fatalf("wrong token: %v; want the server's 401 message", err)
	}
	sign := auth.NewSignServer(s.STSURL(), "wrong-login-token-2", nil)
	if _, err := sign.PutSign(context.Background(), "jpg"); !errors.Is(err, auth.ErrUnauthorized) || !strings.Contains(err.Error(), "401") {
		t.Fatalf("put-sign with wrong token: %v", err)
	}
	good := auth.NewSTS(s.STSURL()+"/sts", "right-login-token-1", nil)
	defer good.Close()
	if _, err := good.Credentials(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestLocalcosServerSigned signs an upload of a file with a non-ASCII name
// as a PUT and as a POST form, sends the request NewRequest builds (as the
// engine's uploader/signed.go does), then reads both objects back with the
// permanent key.
func TestLocalcosServerSigned(t *testing.T) {
	s := startLocal(t, localcos.Config{})
	c, _ := cosClient(t, s, permanent())
	content := bytes.Repeat([]byte("文件内容 CosDrop\n"), 50000)
	path := filepath.Join(t.TempDir(), "报告 (1) #2 📄.txt")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, m := range []auth.SignMethod{auth.SignPut, auth.SignPost} {
		sign := auth.NewSignServerConfig(auth.SignConfig{Base: s.STSURL(), Method: m}, "", nil)
		up, err := sign.Sign(ctx, path, int64(len(content)))
		if err != nil {
			t.Fatalf("%s: sign: %v", m, err)
		}
		req, err := up.NewRequest(ctx, bytes.NewReader(content), int64(len(content)))
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode/100 != 2 {
			t.Fatalf("%s: upload: %v %v", m, resp, err)
		}
		resp.Body.Close()
		if !strings.HasSuffix(up.Key, ".txt") {
			t.Errorf("%s: key %q", m, up.Key)
		}
		obj, err := c.Object.Get(ctx, up.Key, nil)
		if err != nil {
			t.Fatalf("%s: get %s: %v", m, up.Key, err)
		}
		got, _ := io.ReadAll(obj.Body)
		obj.Body.Close()
		if !bytes.Equal(got, content) {
			t.Errorf("%s: stored object differs", m)
		}
	}
}

func TestLocalcosProbe(t *testing.T) {
	s := startLocal(t, localcos.Config{})
	prof := profile.Profile{Name: "local", Bucket: s.Bucket(), Region: s.Region(), Endpoint: s.URL(),
		Mode: profile.ModePermanent, SecretID: lcID, Prefix: "team/{yyyy}/"}
	rep := auth.Probe(context.Background(), prof.ProbeTarget(), permanent(), nil, nil)
	if !rep.OK() || len(rep.Results) != 9 || len(rep.Notes) != 0 || len(rep.LostFeatures()) != 0 {
		t.Fatalf("permanent key probe: %+v", rep)
	}
	c, _ := cosClient(t, s, permanent())
	list, _, err := c.Bucket.Get(context.Background(), &cos.BucketGetOptions{Prefix: "team/"})
	if err != nil || len(list.Contents) != 0 {
		t.Fatalf("probe left objects behind: %+v, %v", list, err)
	}
	ups, _, err := c.Bucket.ListMultipartUploads(context.Background(), &cos.ListMultipartUploadsOptions{Prefix: "team/"})
	if err != nil || len(ups.Uploads) != 0 {
		t.Fatalf("probe left multipart uploads behind: %+v, %v", ups, err)
	}

	// STS credentials limited to another prefix: uploads are denied, and
	// the report says so in words.
	sts := auth.NewSTS(s.STSURL()+"/sts?prefix=other/", "", nil)
	defer sts.Close()
	prof.Mode, prof.SecretID, prof.CredentialURL = profile.ModeSTS, "", s.STSURL()+"/sts?prefix=other/"
	rep = auth.Probe(context.Background(), prof.ProbeTarget(), sts, nil, nil)
	if rep.OK() || !contains(rep.Missing(), "PutObject") {
		t.Fatalf("prefix-limited probe: %+v", rep)
	}
	for _, r := range rep.Results {
		if r.Action == "PutObject" && !strings.Contains(r.Plain, "cannot upload files") {
			t.Errorf("PutObject plain words: %q", r.Plain)
		}
	}

	// Server-signed: the probe asks for signatures only.
	signed := profile.Profile{Name: "signed", Mode: profile.ModeServerSigned, CredentialURL: s.STSURL()}
	rep = auth.Probe(context.Background(), signed.ProbeTarget(), nil, auth.NewSignServer(s.STSURL(), "", nil), nil)
	if !rep.OK() || len(rep.Results) != 2 {
		t.Fatalf("server-signed probe: %+v", rep)
	}
}

// TestLocalcosClockSkew: the server's clock is an hour behind, so the
// first request meets RequestTimeTooSkewed; the transport corrects its
// clock and replays the request (it has no body), and later requests are
// signed with server time.
func TestLocalcosClockSkew(t *testing.T) {
	s := startLocal(t, localcos.Config{})
	s.Faults().SetClockSkew(-time.Hour)
	c, tr := cosClient(t, s, permanent())
	if _, err := c.Object.Head(context.Background(), "missing.txt", nil); !cos.IsNotFoundError(err) {
		t.Fatalf("HEAD after skew correction: %v, want 404", err)
	}
	if _, err := c.Object.Put(context.Background(), "skew.txt", strings.NewReader("x"), nil); err != nil {
		t.Fatal(err)
	}
	if off := tr.Clock.Offset(); off > -59*time.Minute || off < -61*time.Minute {
		t.Fatalf("clock offset %s, want about -1h", off)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Under Tencent's sample STS grant (localcos's default for /sts), the
// probe names each feature that will not work, as stable codes with the
// missing actions, and leaves nothing behind: no object and no open
// multipart upload, though the grant can delete neither (issue 21,
// finding 4). Running it twice changes nothing either.
func TestLocalcosProbeSampleGrant(t *testing.T) {
	s := startLocal(t, localcos.Config{})
	sts := auth.NewSTS(s.STSURL()+"/sts", "", nil)
	defer sts.Close()
	prof := profile.Profile{Name: "sample", Mode: profile.ModeSTS, Bucket: s.Bucket(), Region: s.Region(), Endpoint: s.URL(),
		CredentialURL: s.STSURL() + "/sts", Prefix: "team/"}
	var rep auth.ProbeReport
	for range 2 {
		rep = auth.Probe(context.Background(), prof.ProbeTarget(), sts, nil, nil)
	}
	if got, want := rep.Missing(), []string{"HeadObject", "GetObject", "AbortMultipartUpload"}; !slices.Equal(got, want) {
		t.Fatalf("missing %v, want %v; results %+v", got, want, rep.Results)
	}
	if len(rep.Results) != 9 || len(rep.Notes) != 0 {
		t.Errorf("%d actions probed (want 9), notes %+v", len(rep.Results), rep.Notes)
	}
	if rep.Public == nil || *rep.Public {
		t.Errorf("a private bucket probed as public: %v", rep.Public)
	}
	var ids []string
	for _, f := range rep.LostFeatures() {
		ids = append(ids, f.Feature)
		if f.Message.Code != auth.FeatureCode(f.Feature) || !strings.Contains(f.Message.String(), f.Missing[0]) {
			t.Errorf("%s: message %+v does not name %s", f.Feature, f.Message, f.Missing[0])
		}
	}
	if want := []string{"skip-identical", "lost-complete", "cancel-cleanup", "share-links"}; !slices.Equal(ids, want) {
		t.Errorf("lost features %v, want %v", ids, want)
	}
	assertProbeLeftNothing(t, s)
}

// Issue 21, finding 2: Test connection learns whether plain links open (an
// unsigned GET), and says so when the profile claims otherwise.
func TestLocalcosProbePublicRead(t *testing.T) {
	s := startLocal(t, localcos.Config{PublicRead: true})
	prof := profile.Profile{Name: "pub", Bucket: s.Bucket(), Region: s.Region(), Endpoint: s.URL(), Mode: profile.ModePermanent, SecretID: lcID}
	rep := auth.Probe(context.Background(), prof.ProbeTarget(), permanent(), nil, nil)
	if rep.Public == nil || !*rep.Public || len(rep.Notes) != 1 || rep.Notes[0].Code != auth.CodeProbeNotePublicUnset {
		t.Fatalf("public bucket, profile not public: public %v, notes %+v", rep.Public, rep.Notes)
	}
	prof.PublicRead = true
	if rep = auth.Probe(context.Background(), prof.ProbeTarget(), permanent(), nil, nil); len(rep.Notes) != 0 {
		t.Errorf("public bucket, public profile: notes %+v", rep.Notes)
	}
	c, _ := cosClient(t, s, permanent())
	if _, err := c.Object.Put(context.Background(), "a b.txt", strings.NewReader("hello"), nil); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(s.URL() + "/a%20b.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("unsigned GET of a public-read bucket's object: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodPut, s.URL()+"/x.txt", strings.NewReader("x"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned PUT to a public-read bucket: %v %v", resp, err)
	}
}

// TestLocalcosProbeVersioning (issue 20 finding 9): Test connection learns
// whether the bucket keeps versions, where the credentials allow, and says
// what that means for conflict safety: COS ignores x-cos-forbid-overwrite
// on a versioned bucket (PUT Object,
// https://cloud.tencent.com/document/product/436/7749).
func TestLocalcosProbeVersioning(t *testing.T) {
	for _, versioned := range []bool{false, true} {
		s := startLocal(t, localcos.Config{Versioning: versioned})
		prof := profile.Profile{Name: "v", Bucket: s.Bucket(), Region: s.Region(), Endpoint: s.URL(), Mode: profile.ModePermanent, SecretID: lcID}
		rep := auth.Probe(context.Background(), prof.ProbeTarget(), permanent(), nil, nil)
		if rep.Versioned == nil || *rep.Versioned != versioned {
			t.Fatalf("versioned=%v: probe says %v", versioned, rep.Versioned)
		}
		noted := slices.ContainsFunc(rep.Notes, func(m auth.Message) bool { return m.Code == auth.CodeProbeNoteVersioned })
		if noted != versioned {
			t.Fatalf("versioned=%v: notes %+v", versioned, rep.Notes)
		}
		if versioned && !strings.Contains(rep.Notes[len(rep.Notes)-1].String(), "x-cos-forbid-overwrite") {
			t.Errorf("note does not name the header: %q", rep.Notes[len(rep.Notes)-1].String())
		}
	}
}

// TestLocalcosProbeReceipts: with receipts_prefix set, Test connection
// checks a PUT there too. Under Tencent's sample grant for team/*, a
// prefix inside it is allowed and one outside is denied, in words naming
// the receipts prefix; either way nothing is left behind.
func TestLocalcosProbeReceipts(t *testing.T) {
	s := startLocal(t, localcos.Config{})
	sts := auth.NewSTS(s.STSURL()+"/sts?prefix=team/", "", nil)
	defer sts.Close()
	for prefix, want := range map[string]auth.ProbeStatus{"team/.cosdrop/receipts/": auth.Allowed, ".cosdrop/receipts/": auth.Denied} {
		prof := profile.Profile{Name: "sample", Mode: profile.ModeSTS, Bucket: s.Bucket(), Region: s.Region(), Endpoint: s.URL(),
			CredentialURL: s.STSURL() + "/sts", Prefix: "team/", ReceiptsPrefix: strings.TrimSuffix(prefix, "/")}
		rep := auth.Probe(context.Background(), prof.ProbeTarget(), sts, nil, nil)
		var got *auth.ProbeResult
		for i, r := range rep.Results {
			if r.Action == auth.ReceiptsAction {
				got = &rep.Results[i]
			}
		}
		if got == nil || got.Status != want || !strings.Contains(got.Plain, "receipts prefix") {
			t.Errorf("%s: receipts result %+v, want status %v", prefix, got, want)
		}
		if want == auth.Denied && (rep.OK() || !rep.UploadsWork()) {
			t.Errorf("%s: OK %v, uploads work %v", prefix, rep.OK(), rep.UploadsWork())
		}
	}
	assertProbeLeftNothing(t, s)
}

// assertProbeLeftNothing fails unless s holds no object and no open
// multipart upload: the probe creates nothing.
func assertProbeLeftNothing(t *testing.T, s *localcos.Server) {
	t.Helper()
	c, _ := cosClient(t, s, permanent())
	list, _, err := c.Bucket.Get(context.Background(), &cos.BucketGetOptions{})
	if err != nil || len(list.Contents) != 0 {
		t.Fatalf("probe left objects behind: %+v, %v", list, err)
	}
	ups, _, err := c.Bucket.ListMultipartUploads(context.Background(), nil)
	if err != nil || len(ups.Uploads) != 0 {
		t.Fatalf("probe left multipart uploads behind: %+v, %v", ups, err)
	}
}
