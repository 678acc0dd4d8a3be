package ui

import (
	"strings"
	"testing"

	"cosdrop/uploader"
)

func TestExplain(t *testing.T) {
	for _, c := range []struct {
		e    uploader.TaskError
		want string
	}{
		{uploader.TaskError{Code: "SignatureDoesNotMatch", HTTPStatus: 403}, "SecretKey does not belong to this SecretId"},
		{uploader.TaskError{Code: "AccessDenied", Message: "Request has expired", HTTPStatus: 403}, "signature expired"},
		{uploader.TaskError{Code: "AccessDenied", Message: "Access Denied.", HTTPStatus: 403}, "not allowed to write here"},
		{uploader.TaskError{Op: "upload part 2", Message: "upload part 2: refresh credentials: credential server answered 401 Unauthorized"},
			"could not be renewed: credential server answered 401 Unauthorized"},
		{uploader.TaskError{Code: uploader.CodeFileChanged}, "changed while it was being uploaded"},
		{uploader.TaskError{Code: "WeirdNew", HTTPStatus: 502}, "HTTP 502"},
		{uploader.TaskError{Op: "read file", Message: "disk on fire"}, "disk on fire"},
	} {
		if got := Explain(c.e); !strings.Contains(got, c.want) {
			t.Errorf("Explain(%+v) = %q, want it to contain %q", c.e, got, c.want)
		}
	}
}
