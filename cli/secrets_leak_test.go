package cli

// The secrets-leak acceptance test: run STS uploads through the CLI while
// a fault plan makes requests fail, retry and need fresh credentials, then
// search everything CosDrop and localcos wrote or printed for any secret
// that was on the wire.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/uploader"
)

// tapProxy is a transparent TCP proxy in front of the COS listener that
// records every byte the client sends, so the test knows each
// Authorization header, q-signature and security token that was used.
// Connection resets from the fault plan are passed on as resets.
type tapProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	sent   bytes.Buffer
	conns  map[net.Conn]bool // open connections, both sides, closed at cleanup
	wg     sync.WaitGroup
}

// track registers c for closing at cleanup; false when cleanup has begun.
func (p *tapProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns == nil {
		return false
	}
	p.conns[c] = true
	return true
}

func startTap(t testing.TB, target string) *tapProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tapProxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() { defer p.wg.Done(); p.relay(c) }()
		}
	}()
	// Idle keep-alive connections would otherwise hold the relays open
	// until the server's idle timeout.
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for c := range p.conns {
			c.Close()
		}
		p.conns = nil
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *tapProxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *tapProxy) relay(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil || !p.track(c) || !p.track(s) {
		c.Close()
		if s != nil {
			s.Close()
		}
		return
	}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				p.mu.Lock()
				p.sent.Write(buf[:n])
				p.mu.Unlock()
				if _, werr := s.Write(buf[:n]); werr != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		s.(*net.TCPConn).CloseWrite()
	}()
	if _, err := io.Copy(c, s); err != nil {
		// The server reset the connection (a fault): reset the client's too.
		c.(*net.TCPConn).SetLinger(0)
	}
	c.Close()
	s.Close()
}

// headerValues returns every value of the named request header the client sent.
func (p *tapProxy) headerValues(name string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	re := regexp.MustCompile(`(?im)^` + regexp.QuoteMeta(name) + `:[ \t]*([^\r\n]+)`)
	var out []string
	for _, m := range re.FindAllSubmatch(p.sent.Bytes(), -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// stsTap is a credential server in front of localcos's that remembers every
// temporary SecretKey and session token it hands out.
type stsTap struct {
	srv     *httptest.Server
	mu      sync.Mutex
	secrets []string
}

func startSTSTap(t testing.TB, upstream string) *stsTap {
	t.Helper()
	tap := &stsTap{}
	tap.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, upstream+r.URL.RequestURI(), nil)
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var v struct {
			Credentials struct{ TmpSecretKey, SessionToken string }
		}
		if json.Unmarshal(body, &v) == nil && v.Credentials.TmpSecretKey != "" {
			tap.mu.Lock()
			tap.secrets = append(tap.secrets, v.Credentials.TmpSecretKey, v.Credentials.SessionToken)
			tap.mu.Unlock()
		}
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		w.Write(body)
	}))
	t.Cleanup(tap.srv.Close)
	return tap
}

func (s *stsTap) issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.secrets...)
}

// artifact is one thing a user, a log collector or a support ticket could see.
type artifact struct {
	name string
	data string
}

// dirArtifacts reads every regular file under dir (the journal's raw bbolt
// pages included).
func dirArtifacts(t testing.TB, dir string) []artifact {
	t.Helper()
	var out []artifact
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, artifact{p, string(b)})
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
	return out
}

// qSignature matches a signature value however it got somewhere.
var qSignature = regexp.MustCompile(`q-signature=[0-9a-fA-F]{40}`)

// findSecrets lists, in plain words, every secret (or q-signature value)
// found in any artifact, without quoting the secret itself.
func findSecrets(secrets []string, arts []artifact) []string {
	var found []string
	for _, a := range arts {
		for _, s := range secrets {
			if i := strings.Index(a.data, s); i >= 0 {
				found = append(found, fmt.Sprintf("%s contains a secret (%d bytes) at offset %d, after %q",
					a.name, len(s), i, auth.Redact(a.data[max(0, i-60):i])))
			}
		}
		if qSignature.MatchString(a.data) {
			found = append(found, a.name+" contains a q-signature value")
		}
	}
	return found
}

// assertNoSecrets fails for every secret found in any artifact. It first
// checks that the search itself works on an artifact that does hold them.
func assertNoSecrets(t testing.TB, secrets []string, arts []artifact) {
	t.Helper()
	scanned := 0
	for _, a := range arts {
		scanned += len(a.data)
	}
	for _, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("secret %q too short to search for", s)
		}
		if len(findSecrets([]string{s}, []artifact{{"control", "x " + s + " y"}})) == 0 {
			t.Fatal("the search does not find a planted secret")
		}
	}
	for _, f := range findSecrets(secrets, arts) {
		t.Error(f)
	}
	t.Logf("searched %d artifacts (%d bytes) for %d secret values", len(arts), scanned, len(secrets))
}

// TestSecretsLeakSTSWithFaults uploads with temporary credentials through
// the CLI, in --json and in plain text mode, while localcos resets
// connections, answers 503 and 500, drops a Complete response and expires
// every token a second after issue (so requests meet ExpiredToken and force
// refreshes). No SecretKey, session token, login token, Authorization
// header or q-signature that was used may appear in the CLI's output, in
// `status`, in the exported history (CSV and JSON), in any file of the
// state or config directory, in the receipts written to the bucket, or in
// localcos's request log.
func TestSecretsLeakSTSWithFaults(t *testing.T) {
	skipIfShort(t)
	configDir := isolate(t)
	const loginToken = "leak-test-login-token-0123456789"
	faults, err := localcos.ParseFaults("seed=11;reset:api=UploadPart,share=0.15,after=64KiB;503:share=0.08;" +
		"500:api=PutObject,share=0.2;complete-drop:times=1")
	if err != nil {
		t.Fatal(err)
	}
	s, cosLog := startCOS(t, localcos.Config{STSAuthToken: loginToken, Faults: faults})
	s.Faults().SetTokenLifetime(time.Second)
	s.Faults().SetBandwidth(4 << 20) // each run lasts over a token's 1 s life
	tap := startTap(t, strings.TrimPrefix(s.URL(), "http://"))
	sts := startSTSTap(t, s.STSURL())
	t.Setenv("COSDROP_LOGIN_TOKEN", loginToken)

	stateDir := filepath.Join(t.TempDir(), "state")
	src := t.TempDir()
	var arts []artifact
	upload := func(mode string, files ...string) cliResult {
		args := []string{"upload", "--endpoint", tap.URL(), "--sts-url", sts.srv.URL + "/sts",
			"--part-size", "1MiB", "--concurrency", "4", "--state-dir", stateDir, "--receipts-prefix", ".cosdrop/receipts/", "--who", "Leak Tester"}
		if mode == "json" {
			args = append(args, "--json")
		}
		r := runCLI(t, append(args, files...)...)
		arts = append(arts, artifact{"upload " + mode + " stdout", r.stdout}, artifact{"upload " + mode + " stderr", r.stderr})
		return r
	}
	var jsonFiles, textFiles []string
	for i, size := range []int{5 << 20, 3<<20 + 777, 200 << 10, 10} {
		p, _ := writeTestFile(t, src, "json/文件"+string(rune('a'+i))+".bin", patterned(size, byte(i)))
		jsonFiles = append(jsonFiles, p)
		p, _ = writeTestFile(t, src, "text/文件"+string(rune('a'+i))+".bin", patterned(size, byte(i+10)))
		textFiles = append(textFiles, p)
	}
	rj := upload("json", jsonFiles...)
	rt := upload("text", textFiles...)
	// A failing run too: a missing file gives an error line and summary.
	upload("text", filepath.Join(src, "missing.bin"))

	for _, args := range [][]string{{"status", "--state-dir", stateDir, "--json"}, {"status", "--state-dir", stateDir}} {
		r := runCLI(t, args...)
		if r.code != 0 {
			t.Errorf("%v: exit %d", args, r.code)
		}
		arts = append(arts, artifact{strings.Join(args[:len(args)-1], " ") + " stdout", r.stdout}, artifact{"status stderr", r.stderr})
	}

	// The journal's exported history, through an engine on the same state
	// dir (the CLI has exited and released it).
	e, err := uploader.New(uploader.Config{StateDir: stateDir, BucketURL: tap.URL(),
		Credentials: auth.NewStatic(auth.Credentials{SecretID: "AKIDexportonly", SecretKey: "export-only-not-a-real-key"})})
	if err != nil {
		t.Fatal(err)
	}
	var errsSeen int
	for _, h := range e.History() {
		if h.Error != "" {
			errsSeen++
		}
	}
	for _, format := range []string{"csv", "json"} {
		var b bytes.Buffer
		if err := e.ExportHistory(&b, format); err != nil {
			t.Fatal(err)
		}
		arts = append(arts, artifact{"history." + format, b.String()})
	}
	all, _ := e.Changes(0)
	var snapErrs int
	for _, sn := range all {
		snapErrs += len(sn.Errors)
		for _, te := range sn.Errors {
			arts = append(arts, artifact{"task error " + te.Op, te.Message})
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	arts = append(arts, dirArtifacts(t, stateDir)...)
	arts = append(arts, dirArtifacts(t, configDir)...)
	arts = append(arts, artifact{"localcos log", cosLog.String()})
	// Each run's receipt in the bucket, the failing run's included.
	rcpts := receiptsAt(t, s, ".cosdrop/receipts/")
	for _, r := range rcpts {
		b, _ := json.Marshal(r)
		arts = append(arts, artifact{"receipt " + r.ID, string(b)})
	}
	if len(rcpts) != 3 {
		t.Errorf("%d receipts in the bucket, want one per run (3)", len(rcpts))
	}

	// The run must really have gone through failures, retries and
	// refreshes, or finding nothing proves little.
	st := s.Stats()
	t.Logf("faults fired %v; UploadPart %v; PutObject %v; Complete %v; sts %v; task errors recorded %d",
		st.Faults, st.Requests["UploadPart"], st.Requests["PutObject"], st.Requests["CompleteMultipartUpload"], st.Requests["sts:/sts"], snapErrs)
	if st.Faults[localcos.Reset] == 0 || st.Faults[localcos.CompleteDrop] == 0 {
		t.Errorf("the fault plan did not fire resets and a dropped Complete: %v", st.Faults)
	}
	expired := int64(0)
	for _, api := range []string{"UploadPart", "PutObject", "InitiateMultipartUpload", "CompleteMultipartUpload", "HeadObject"} {
		expired += st.CountStatus(api, http.StatusForbidden)
	}
	if expired == 0 {
		t.Error("no request met an expired token: the refresh-after-403 path was not exercised")
	}
	if snapErrs == 0 {
		t.Error("no task recorded an error: nothing was retried")
	}
	if rj.code != 0 || rt.code != 0 {
		t.Errorf("uploads under faults: exit codes %d (json) and %d (text), want 0: the engine should ride out these faults", rj.code, rt.code)
	}

	secrets := append(sts.issued(), loginToken, cliKey)
	auths := tap.headerValues("Authorization")
	secrets = append(secrets, auths...)
	for _, a := range auths {
		if m := regexp.MustCompile(`q-signature=([0-9a-f]+)`).FindStringSubmatch(a); m != nil {
			secrets = append(secrets, m[1])
		}
	}
	secrets = append(secrets, tap.headerValues("x-cos-security-token")...)
	if len(sts.issued()) < 4 || len(auths) < 20 {
		t.Fatalf("only %d credential sets and %d signed requests seen: the taps are not in the path", len(sts.issued())/2, len(auths))
	}
	assertNoSecrets(t, dedupe(secrets), arts)
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
