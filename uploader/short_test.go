package uploader

import "testing"

// skipIfShort skips a test that drives the real wire for seconds (large
// trees, bandwidth caps, a far line) under go test -short (make check);
// make test runs it.
func skipIfShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("drives the wire for seconds; make test runs it")
	}
}
