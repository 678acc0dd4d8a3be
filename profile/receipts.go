package profile

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"cosdrop/auth"
	"cosdrop/receipt"
)

// ReceiptsPathSpec is everything CosDrop knows of one receipts_paths
// value: how much of a dropped file's local path a receipt carries.
type ReceiptsPathSpec struct {
	// Name is the value in the profile file (receipt.Paths).
	Name receipt.Paths
	// Label is the choice's words in the editor (a translation key).
	Label string
}

// ReceiptsPaths is the one table of receipts_paths values: Validate, the
// editor's choices and `profile add --receipts-paths` read it. The first
// is the default of a profile that names none.
var ReceiptsPaths = []ReceiptsPathSpec{
	{Name: receipt.PathsNames, Label: "File names only"},
	{Name: receipt.PathsFull, Label: "Full local paths"},
	{Name: receipt.PathsNone, Label: "No local paths (object keys only)"},
}

// ReceiptsPathNames are the receipts_paths values, for messages and flag
// help.
func ReceiptsPathNames() []string {
	out := make([]string, len(ReceiptsPaths))
	for i, s := range ReceiptsPaths {
		out[i] = string(s.Name)
	}
	return out
}

// maxReceiptsPrefix and maxReceiptsWho bound the two free-text fields: a
// receipt's key must stay far below COS's 850 bytes, and a label is a
// person's or a team's name.
const (
	maxReceiptsPrefix = 256
	maxReceiptsWho    = 64
)

// NormalReceiptsPrefix is a checked receipts prefix as the engine uses
// it: without leading or trailing spaces, ending in "/".
func NormalReceiptsPrefix(p string) string {
	p = strings.TrimSpace(p)
	if p == "" || strings.HasSuffix(p, "/") {
		return p
	}
	return p + "/"
}

// CheckReceipts checks p's receipts_prefix, receipts_who and
// receipts_paths (all may be empty: no receipts, no label, file names).
func (p Profile) CheckReceipts() error {
	if err := checkReceiptsPrefix(p.ReceiptsPrefix); err != nil {
		return err
	}
	w := p.ReceiptsWho
	switch {
	case utf8.RuneCountInString(w) > maxReceiptsWho:
		return profileErr("receipts-who", CodeReceiptsWhoTooLong, "Max", maxReceiptsWho)
	case !utf8.ValidString(w) || strings.ContainsFunc(w, unprintable):
		return profileErr("receipts-who", CodeReceiptsWhoChars, "Value", quote(w))
	}
	if p.ReceiptsPaths == "" {
		return nil
	}
	for _, s := range ReceiptsPaths {
		if s.Name == p.ReceiptsPaths {
			return nil
		}
	}
	return profileErr("receipts-paths", CodeReceiptsPathsUnknown, "Value", quote(string(p.ReceiptsPaths)), "Choices", strings.Join(ReceiptsPathNames(), ", "))
}

// checkReceiptsPrefix checks a receipts folder: a plain key prefix, no
// template (receipts are filed by date themselves), nothing that would
// name another folder ("..", "."), start at the root, or read differently
// from what it is (controls, bidi marks).
func checkReceiptsPrefix(t string) error {
	if t == "" {
		return nil
	}
	n := NormalReceiptsPrefix(t)
	switch {
	case len(n) > maxReceiptsPrefix:
		return profileErr("receipts-prefix", CodeReceiptsPrefixTooLong, "Max", maxReceiptsPrefix)
	case !utf8.ValidString(n) || strings.ContainsFunc(n, unprintable) || strings.ContainsAny(n, "\\{}"):
		return profileErr("receipts-prefix", CodeReceiptsPrefixChars, "Value", quote(t))
	case strings.HasPrefix(n, "/") || n == "/":
		return profileErr("receipts-prefix", CodeReceiptsPrefixSlash, "Value", quote(t))
	}
	for _, seg := range strings.Split(strings.TrimSuffix(n, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return profileErr("receipts-prefix", CodeReceiptsPrefixSegment, "Value", quote(t))
		}
	}
	return nil
}

// unprintable reports a character a receipts field must not hold:
// controls, the bidi marks a link template refuses, and other format
// characters that hide or reorder text.
func unprintable(r rune) bool {
	return UnsafeLinkRune(r) || unicode.Is(unicode.Cf, r) && r != 0x200d // ZWJ joins emoji and some scripts
}

// Receipts field validation codes (Error.Code).
const (
	CodeReceiptsPrefixSlash   auth.Code = "receipts-prefix-slash"
	CodeReceiptsPrefixSegment auth.Code = "receipts-prefix-segment"
	CodeReceiptsPrefixChars   auth.Code = "receipts-prefix-chars"
	CodeReceiptsPrefixTooLong auth.Code = "receipts-prefix-too-long"
	CodeReceiptsWhoTooLong    auth.Code = "receipts-who-too-long"
	CodeReceiptsWhoChars      auth.Code = "receipts-who-chars"
	CodeReceiptsPathsUnknown  auth.Code = "receipts-paths-unknown"
)

// receiptTemplates holds the English text of the receipts codes.
var receiptTemplates = map[auth.Code]string{
	CodeReceiptsPrefixSlash:   "receipts prefix {{.Value}} must not start with /",
	CodeReceiptsPrefixSegment: "receipts prefix {{.Value}} has an empty, \".\" or \"..\" folder",
	CodeReceiptsPrefixChars:   "receipts prefix {{.Value}} holds a control, bidi or other invisible character, a backslash or a brace",
	CodeReceiptsPrefixTooLong: "receipts prefix is longer than {{.Max}} bytes",
	CodeReceiptsWhoTooLong:    "receipts label is longer than {{.Max}} characters",
	CodeReceiptsWhoChars:      "receipts label {{.Value}} holds a control, bidi or other invisible character",
	CodeReceiptsPathsUnknown:  "receipts paths {{.Value}} is unknown: choose {{.Choices}}",
}

func init() { auth.RegisterTemplates(receiptTemplates) }
