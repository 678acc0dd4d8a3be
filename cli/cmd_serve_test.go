package cli

import (
	"slices"
	"testing"

	"cosdrop/localcos"
)

// serve-local --sts-allow adds to the sample servers' grant, never
// replaces it: the journey test widens the grant for Delete from COS and
// uploads must still work.
func TestServeLocalSTSAllow(t *testing.T) {
	if got := stsActions(""); got != nil {
		t.Fatalf("no --sts-allow: %v, want nil (localcos's sample grant)", got)
	}
	got := stsActions(" HeadObject, name/cos:DeleteObject,,")
	want := append(append([]string(nil), localcos.SampleActions...), "name/cos:HeadObject", "name/cos:DeleteObject")
	if !slices.Equal(got, want) {
		t.Fatalf("stsActions = %v, want %v", got, want)
	}
}
