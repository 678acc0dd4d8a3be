package uploader

import (
	"encoding/xml"
	"errors"
	"net/url"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
)

// credErr is a credential server failure as auth.Transport surfaces it
// inside the SDK's request error.
func credErr(temporary bool) error {
	se := &auth.ServerError{Server: "sts", Kind: auth.KindHTML, Status: 200, Temporary: temporary}
	if temporary {
		se.Kind, se.Status = auth.KindHTTPStatus, 502
	}
	return &url.Error{Op: "Put", URL: "https://b.cos/x", Err: se}
}

// TestClassifyOnce (finding 14): one function decides definitive vs
// transient and whose fault, and names COS's garbage and the credential
// server's failures instead of calling them network errors.
func TestClassifyOnce(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		verdict verdict
		code    string
		party   Party
	}{
		{"credential server HTML", credErr(false), fatal, CodeCredentialServer, PartyCredentials},
		{"credential server HTML via SDK retry", &cos.RetryError{Errs: []error{errors.New("x"), credErr(false)}}, fatal, CodeCredentialServer, PartyCredentials},
		{"credential server 502", credErr(true), retry, CodeCredentialServer, PartyCredentials},
		{"login token refused", &url.Error{Op: "Put", URL: "u", Err: &auth.ServerError{Server: "sts", Kind: auth.KindUnauthorized, Status: 401}}, fatal, CodeUnauthorized, PartyCredentials},
		{"malformed XML from COS", &xml.SyntaxError{Msg: "unexpected EOF", Line: 1}, fatal, CodeBadResponse, PartyCOS},
		{"connection reset", errConnReset, retry, CodeNetwork, PartyNetwork},
		{"COS 503", cosErrorResp(503, "ServiceUnavailable"), retry, "ServiceUnavailable", PartyCOS},
		{"COS AccessDenied", cosErrorResp(403, "AccessDenied"), fatal, "AccessDenied", PartyCOS},
		{"wrong secret", cosErrorResp(403, "SignatureDoesNotMatch"), fatal, "SignatureDoesNotMatch", PartyCredentials},
		{"file changed", fileChanged(), fatal, CodeFileChanged, PartyFile},
	}
	for _, c := range cases {
		f := classifyErr(c.err)
		if f.verdict != c.verdict || f.code != c.code || f.party != c.party {
			t.Errorf("%s: verdict %d code %q party %q; want %d %q %q", c.name, f.verdict, f.code, f.party, c.verdict, c.code, c.party)
		}
	}
	te := toTaskError("upload", credErr(false), nowForTest)
	if te.Args["kind"] != "html" || te.Args["status"] != "200" || te.Party != PartyCredentials {
		t.Errorf("task error of a credential server failure: %+v", te)
	}
}

// TestLegacyNoteRead: journals written before typed notes held English
// sentences; they read back as codes (or nothing), never as prose.
func TestLegacyNoteRead(t *testing.T) {
	var r record
	old := `{"id":3,"path":"/a","key":"a","state":"paused","note":"Paused. A file this small is sent in one request, so resuming sends it again from the start."}`
	if err := decodeRecord([]byte(old), &r); err != nil || r.Note.Code != NoteSimpleRestart {
		t.Errorf("legacy JSON note: %v %+v", err, r.Note)
	}
	if err := decodeRecord([]byte(`{"id":4,"state":"done","note":"Something we never wrote"}`), &r); err != nil || !r.Note.IsZero() {
		t.Errorf("unknown legacy note: %v %+v", err, r.Note)
	}
	// A version-1 binary record: the note is a plain string.
	b, _ := encodeRecord(&record{ID: 5, Path: "/x/a", Key: "a", State: Canceled})
	v1 := append([]byte{recordV1}, b[1:]...)
	i := noteOffset(t, b)
	msg := "Canceled; the parts already sent were deleted from COS."
	v1 = append(append(append(append([]byte{}, v1[:i]...), byte(len(msg))), msg...), v1[i+2:]...)
	if err := decodeRecord(v1, &r); err != nil || r.Note.Code != NoteCanceledAborted || r.State != Canceled {
		t.Errorf("version-1 record: %v %+v", err, r)
	}
}

// noteOffset finds where an empty note (code "", no args: bytes 0, 0)
// starts in b, by encoding the same record with a marker note.
func noteOffset(t *testing.T, b []byte) int {
	t.Helper()
	m, _ := encodeRecord(&record{ID: 5, Path: "/x/a", Key: "a", State: Canceled, Note: Note{Code: "\x7f"}})
	for i := range b {
		if b[i] != m[i] {
			return i // the code's length byte
		}
	}
	t.Fatal("note not found")
	return 0
}
