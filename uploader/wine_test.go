package uploader

import (
	"os"
	"testing"
)

// skipUnderWine skips a test of behaviour Wine does not reproduce, saying
// what (the Windows lane runs the test binaries under Wine with WINEPREFIX
// set: .ci/wine-test.sh). Real Windows runs them (.github/workflows/ci.yml).
func skipUnderWine(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("WINEPREFIX") != "" {
		t.Skip("under Wine: " + why)
	}
}
