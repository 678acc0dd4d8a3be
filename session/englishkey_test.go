package session

import (
	"strings"
	"testing"
)

// The command line's own catalogue, like the window's: a plain message
// without an English line comes back as its text, placeholders filled
// (internal/i18ncheck requires only the Chinese line).
func TestEnglishKeyFilled(t *testing.T) {
	if l := userLocales(); !strings.HasPrefix(l[0], "en") {
		t.Skipf("the test process's locale is %s, not English", l[0])
	}
	if got := T("no catalogue has this line {{.Name}}", map[string]any{"Name": "Ann"}); got != "no catalogue has this line Ann" {
		t.Errorf("got %q", got)
	}
}
