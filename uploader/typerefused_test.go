package uploader

import (
	"testing"

	"cosdrop/auth"
)

// TestServerFailureCarriesPolicyCondition (issue 20 finding 10): a file
// refused by the POST policy's Content-Type condition keeps the condition
// in the task error's Args, so the words name it after the journal
// round-trip instead of a generic refusal.
func TestServerFailureCarriesPolicyCondition(t *testing.T) {
	f := serverFailure(&auth.ServerError{Server: auth.ServerSign, Kind: auth.KindTypeRefused,
		PolicyType: "image/*", PolicyPrefix: true, FileType: "text/plain"})
	if f.args["policy_type"] != "image/*" || f.args["policy_prefix"] != "true" || f.args["file_type"] != "text/plain" {
		t.Fatalf("args %v", f.args)
	}
}
