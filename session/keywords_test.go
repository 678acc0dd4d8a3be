package session

import (
	"strings"
	"testing"

	"cosdrop/uploader"
)

// Issue 20, finding 11: a key COS forbids is worded by the rule it
// breaks, naming the key, in English and Chinese (every rule has words).
func TestKeyRuleWords(t *testing.T) {
	reloadForTest()
	e := uploader.TaskError{Code: uploader.CodeInvalidKey, Party: uploader.PartyUser,
		Args: map[string]string{"key": `\lead.txt`, "reason": uploader.KeyLeadingBackslash}}
	if got := Explain(e); !strings.Contains(got, `\lead.txt`) || !strings.Contains(got, `start with "\"`) {
		t.Errorf("Explain = %q", got)
	}
	for _, r := range []string{uploader.KeyEmpty, uploader.KeyNotUTF8, uploader.KeyTooLong, uploader.KeyLeadingSlash,
		uploader.KeyLeadingBackslash, uploader.KeyTrailingSlash, uploader.KeyControl, uploader.KeyDotSegment} {
		if _, ok := keyRuleWords[r]; !ok {
			t.Errorf("rule %s has no words", r)
		}
	}
}
