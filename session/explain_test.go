package session

import (
	"strings"
	"testing"

	"cosdrop/uploader"
)

// Each explanation names the party at fault; the credential server's
// failures are never worded as COS's or the network's.
func TestExplainNamesTheParty(t *testing.T) {
	for _, c := range []struct {
		e       uploader.TaskError
		want    string
		notWant string
	}{
		{uploader.TaskError{Code: "SignatureDoesNotMatch", HTTPStatus: 403}, "SecretKey does not belong to this SecretId", ""},
		{uploader.TaskError{Code: "AccessDenied", Message: "Request has expired", HTTPStatus: 403}, "signature expired", ""},
		{uploader.TaskError{Op: "upload part 2", Message: "upload part 2: refresh credentials: credential server answered 401 Unauthorized"},
			"could not be renewed: credential server answered 401 Unauthorized", ""},
		{uploader.TaskError{Code: uploader.CodeNetwork, Message: `upload: gave up after 8 attempts: Put "http://127.0.0.1:9/a": cannot reach sts.example.com: dial tcp: connection refused`},
			"could not reach the credential server", "network connection to COS"},
		{uploader.TaskError{Code: uploader.CodeNetwork, Message: "upload: sts server: timeout: no answer in 20s"}, "did not answer in time", "network connection to COS"},
		{uploader.TaskError{Code: uploader.CodeNetwork, Message: "upload: signing server's put-sign answer is missing url"}, "signing server did not provide", "network connection to COS"},
		{uploader.TaskError{Code: uploader.CodeNetwork, Message: `Put "http://cos/a": dial tcp 10.0.0.1:443: connection refused`}, "network connection to COS", ""},
		{uploader.TaskError{Code: uploader.CodeFileChanged}, "changed while it was being uploaded", ""},
		{uploader.TaskError{Code: uploader.CodeFileInUse}, "open in another program", "moved, deleted"},
		{uploader.TaskError{Code: uploader.CodeAlternateStream}, "alternate data stream", ""},
		{uploader.TaskError{Code: "WeirdNew", HTTPStatus: 502}, "HTTP 502", ""},
		{uploader.TaskError{Code: "WeirdNew", HTTPStatus: 409}, "COS reported a problem", ""},
		{uploader.TaskError{Op: "read file", Message: "disk on fire"}, "disk on fire", ""},
	} {
		got := Explain(c.e)
		if !strings.Contains(got, c.want) || (c.notWant != "" && strings.Contains(got, c.notWant)) {
			t.Errorf("Explain(%+v) = %q, want %q", c.e, got, c.want)
		}
	}
}
