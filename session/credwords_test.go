package session

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/profile"
	"cosdrop/uploader"
)

// An unreachable credential server was once worded as "The network
// connection to COS failed". A real engine against a real local COS, with
// the credential URL pointing at a closed port (the engine's retries take
// about 20 s: make test runs it, go test -short does not).
func TestUnreachableCredentialServerWording(t *testing.T) {
	if testing.Short() {
		t.Skip("retries an unreachable credential server for about 20 s")
	}
	srv := localcostest.Start(t, localcos.Config{SecretID: "AKIDx0000000001", SecretKey: "k0123456789abcdef0123456789abcde"})
	ps := profile.NewProfiles(filepath.Join(t.TempDir(), "config"))
	p := profile.Profile{Name: "sts", Endpoint: srv.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModeSTS, CredentialURL: "http://127.0.0.1:1/sts"}
	if err := ps.Put(p); err != nil {
		t.Fatal(err)
	}
	o := &Opener{DataDir: t.TempDir(), Profiles: ps, Secrets: auth.NewSessionStore()}
	s, err := o.Open(context.Background(), p.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sn := uploadOne(t, s, writeFile(t, "a.txt", 10))
	if sn.State != uploader.Failed || sn.LastErr == nil {
		t.Fatalf("state %s, error %+v", sn.State, sn.LastErr)
	}
	text := Explain(*sn.LastErr)
	t.Logf("error %+v\nworded: %s", *sn.LastErr, text)
	if !strings.Contains(text, "credential server") || strings.Contains(text, "network connection to COS") {
		t.Errorf("worded as %q", text)
	}
	if i := strings.Index(text, "dial tcp"); i >= 0 && i < strings.Index(text, "credential server") {
		t.Errorf("raw Go error before the plain words: %q", text)
	}
}

// Test connection with an unreachable credential server names that
// server in plain words first; Go's "dial tcp" comes only as detail.
func TestConnectionUnreachableCredentialServer(t *testing.T) {
	p := profile.Profile{Name: "sts", Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModeSTS, CredentialURL: "http://127.0.0.1:1/sts"}
	ctx, cancel := context.WithTimeout(context.Background(), waitBound)
	defer cancel()
	ok, text := CheckConnection(ctx, p, auth.NewSessionStore())
	t.Log(text)
	if ok {
		t.Fatal("an unreachable credential server passed the test")
	}
	first := strings.SplitN(text, "\n", 2)[0]
	if !strings.Contains(first, "credential server") || strings.Contains(first, "dial tcp") {
		t.Errorf("headline %q", first)
	}
	if strings.Contains(text, "COS could not be reached") || strings.Contains(text, "network connection to COS") {
		t.Errorf("blamed on COS: %q", text)
	}
	if i := strings.Index(text, "dial tcp"); i >= 0 && i < strings.Index(text, "Details:") {
		t.Errorf("raw Go error before the plain words: %q", text)
	}
}

// Every kind of credential server failure has its own plain words, and
// none blames COS.
func TestServerErrorWords(t *testing.T) {
	kinds := []auth.ServerErrorKind{auth.KindUnreachable, auth.KindTimeout, auth.KindHTTPStatus, auth.KindUnauthorized,
		auth.KindHTML, auth.KindNotJSON, auth.KindEmpty, auth.KindTooLarge, auth.KindExpired, auth.KindIncomplete,
		auth.KindRefused, auth.KindTooBig, auth.KindTypeRefused}
	seen := map[string]bool{}
	for _, k := range kinds {
		got := ErrText(fmt.Errorf("upload: %w", &auth.ServerError{Server: "sts", Kind: k, Status: 502, Detail: "d"}))
		if !strings.Contains(got, "credential server") || strings.Contains(got, "network connection to COS") {
			t.Errorf("%s: %q", k, got)
		}
		if seen[got] {
			t.Errorf("%s: same words as another kind: %q", k, got)
		}
		seen[got] = true
	}
	if got := ServerErrorText(&auth.ServerError{Server: "sign", Kind: auth.KindHTML}); !strings.Contains(got, "signing server") {
		t.Errorf("sign server: %q", got)
	}
}

// Notes are codes in the journal and words at the edge.
func TestNoteText(t *testing.T) {
	got := NoteText(uploader.Note{Code: uploader.NoteRenamed, Args: map[string]string{"from": "a.txt", "to": "a (2).txt"}})
	if !strings.Contains(got, "a (2).txt") {
		t.Errorf("renamed: %q", got)
	}
	if NoteText(uploader.Note{Code: uploader.NoteSkippedIdentical}) == "" || NoteText(uploader.Note{}) != "" {
		t.Error("NoteText does not word a typed note")
	}
	if NoteText(uploader.Note{}) != "" {
		t.Error("an empty note has words")
	}
	if got := NoteText(uploader.Note{Code: "future_code", Args: map[string]string{"x": "1"}}); !strings.Contains(got, "future_code") {
		t.Errorf("unknown code: %q", got)
	}
	for code := range noteWords {
		if NoteText(uploader.Note{Code: code}) == "" {
			t.Errorf("%s has no words", code)
		}
	}
}

// lockedStore is a keyring that is locked, as a desktop keyring is
// before login.
type lockedStore struct{}

func (lockedStore) Get(context.Context, string) (string, error) {
	return "", &auth.KeyringError{Op: "read", Cause: errors.New("failed to unlock correct collection")}
}
func (lockedStore) Set(context.Context, string, string) error { return errors.New("locked") }
func (lockedStore) Delete(context.Context, string) error      { return errors.New("locked") }

// Issue 12, finding 4: an STS profile with a locked keyring failed with raw
// keyring text. It now opens without a login token; a permanent-key
// profile (whose SecretKey is in the keyring) fails in plain words.
func TestLockedKeyring(t *testing.T) {
	sts := profile.Profile{Name: "sts", Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModeSTS, CredentialURL: "http://127.0.0.1:1/sts"}
	spec, err := ProfileEngine(context.Background(), sts, lockedStore{}, t.TempDir(), Overrides{})
	if err != nil {
		t.Fatalf("STS profile with a locked keyring: %v", err)
	}
	closeAll(spec.Closers)
	perm := profile.Profile{Name: "perm", Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModePermanent, SecretID: "AKIDpermanent0001"}
	_, err = ProfileEngine(context.Background(), perm, lockedStore{}, t.TempDir(), Overrides{})
	text := ErrText(err)
	if !strings.HasPrefix(text, "The system keyring is locked") || strings.Contains(text, "session only") {
		t.Errorf("worded %q", text)
	}
}

// TestTypeRefusedNamesCondition (issue 20 finding 10): a file refused by
// the POST policy's Content-Type condition is worded as that condition
// (the accepted type and the file's type), never as a missing permission;
// a literal "*" is explained.
func TestTypeRefusedNamesCondition(t *testing.T) {
	se := &auth.ServerError{Server: "sign", Kind: auth.KindTypeRefused, PolicyType: "image/*", PolicyPrefix: true, FileType: "text/plain"}
	got := ErrText(fmt.Errorf("upload: %w", se))
	for _, want := range []string{"signing server's policy", `"image/*"`, "text/plain", `"image/"`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q: %q", want, got)
		}
	}
	if strings.Contains(strings.ToLower(got), "permission") {
		t.Errorf("blames a permission: %q", got)
	}
}

// TestMultipartStepRefusedNamesContentTypeCondition (issue 20 finding
// 13): a 403 on a part, the listing or Complete, after Initiate was
// allowed, is worded as the credential policy's content-type condition
// blocking multipart uploads, with the administrator's fix.
func TestMultipartStepRefusedNamesContentTypeCondition(t *testing.T) {
	for _, op := range []string{"upload part 2", "list parts", "complete"} {
		got := Explain(uploader.TaskError{Op: op, Code: "AccessDenied", HTTPStatus: 403})
		for _, want := range []string{op, "cos:content-type", "string_like_if_exist", "multipart"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: missing %q: %q", op, want, got)
			}
		}
	}
	if got := Explain(uploader.TaskError{Op: "put", Code: "AccessDenied", HTTPStatus: 403}); strings.Contains(got, "cos:content-type") {
		t.Errorf("a simple upload's refusal: %q", got)
	}
}

// TestExplainTypeRefusedFromArgs: the engine's typed form of the same
// refusal (Args from uploader's serverFailure) gets the same words.
func TestExplainTypeRefusedFromArgs(t *testing.T) {
	got := Explain(uploader.TaskError{Code: uploader.CodeCredentialServer, Args: map[string]string{
		"server": "sign", "kind": string(auth.KindTypeRefused), "policy_type": "image/*", "policy_prefix": "true", "file_type": "text/plain"}})
	if !strings.Contains(got, `"image/*"`) || !strings.Contains(got, "text/plain") {
		t.Errorf("%q", got)
	}
}
