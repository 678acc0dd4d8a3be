package uploader

import "errors"

// Rules an object key breaks (the "reason" arg of a CodeInvalidKey error),
// from COS's naming rules (https://cloud.tencent.com/document/product/436/13324:
// at most 850 bytes, no leading "/" or "\", no CAN, EM, SUB or ESC) and
// CosDrop's own (no other control character, which no person can read
// back; no "." or ".." segment or trailing "/", which tools turn into
// another path or a folder). Stable once journaled: add, never rename.
const (
	KeyEmpty            = "empty"
	KeyNotUTF8          = "not_utf8"
	KeyTooLong          = "too_long"
	KeyLeadingSlash     = "leading_slash"
	KeyLeadingBackslash = "leading_backslash"
	KeyTrailingSlash    = "trailing_slash"
	KeyControl          = "control"
	KeyDotSegment       = "dot_segment"
)

// KeyRuleError is a key that breaks Rule; Error is English detail for
// the journal, the words are the session's.
type KeyRuleError struct {
	Rule string
	Msg  string
}

func (e *KeyRuleError) Error() string { return e.Msg }

// KeyRuleOf is the rule err (from checkKey) says the key breaks; "" for
// any other error.
func KeyRuleOf(err error) string {
	var ke *KeyRuleError
	if errors.As(err, &ke) {
		return ke.Rule
	}
	return ""
}
