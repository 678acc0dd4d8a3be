package uploader

import (
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// expandKey builds an object key from the prefix template for a file whose
// path relative to the dropped item's parent is relpath (slash-separated,
// e.g. "Photos/2024/a.jpg" for a dropped folder, "a.jpg" for a dropped file).
//
// The placeholders {date} (2006-01-02), {yyyy}, {mm}, {dd} take the batch's
// time; {filename} is the base name and {relpath} the relative path. A
// template without {filename} or {relpath} is a prefix: the relative path is
// appended, after a "/" when the prefix does not end in one, so folder
// structure is always kept. The result is Unicode NFC.
func expandKey(tmpl, relpath string, t time.Time) string {
	relpath = strings.TrimLeft(relpath, "/")
	r := strings.NewReplacer(
		"{date}", t.Format("2006-01-02"),
		"{yyyy}", t.Format("2006"),
		"{mm}", t.Format("01"),
		"{dd}", t.Format("02"),
		"{filename}", path.Base(relpath),
		"{relpath}", relpath,
	)
	var key string
	if strings.Contains(tmpl, "{filename}") || strings.Contains(tmpl, "{relpath}") {
		key = r.Replace(tmpl)
	} else {
		p := r.Replace(tmpl)
		if p != "" && !strings.HasSuffix(p, "/") {
			p += "/"
		}
		key = p + relpath
	}
	return norm.NFC.String(key)
}

// checkKey reports why key cannot be a COS object key for the local file
// name, or nil. The message names the file, because that is what the user
// recognises.
func checkKey(name, key string) error {
	bad := func(rule, format string, a ...any) error {
		return &KeyRuleError{Rule: rule, Msg: name + ": " + fmt.Sprintf(format, a...)}
	}
	switch {
	case key == "":
		return bad(KeyEmpty, "the object key is empty")
	case !utf8.ValidString(key):
		return bad(KeyNotUTF8, "the object key is not valid UTF-8")
	case len(key) > MaxKeyBytes:
		return bad(KeyTooLong, "the object key is %d bytes long; COS allows at most %d", len(key), MaxKeyBytes)
	case strings.HasPrefix(key, "/"):
		return bad(KeyLeadingSlash, "the object key %q starts with \"/\"", key)
	case strings.HasPrefix(key, "\\"):
		return bad(KeyLeadingBackslash, "the object key %q starts with \"\\\"", key)
	case strings.HasSuffix(key, "/"):
		return bad(KeyTrailingSlash, "the object key %q ends with \"/\", which would make it a folder marker", key)
	}
	for _, r := range key {
		if unicode.IsControl(r) {
			return bad(KeyControl, "the object key %q contains a control character (%U)", key, r)
		}
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == ".." || seg == "." {
			return bad(KeyDotSegment, "the object key %q contains a %q segment", key, seg)
		}
	}
	return nil
}

// renamedKey returns key with " (n)" before its extension, in its last
// segment only: "a/b.tar.gz" -> "a/b (1).tar.gz" keeps the double extension
// readable; "a/README" -> "a/README (1)".
func renamedKey(key string, n int) string {
	dir, base := path.Split(key)
	stem, ext := base, ""
	if i := strings.Index(base[min(1, len(base)):], "."); i >= 0 {
		i += min(1, len(base)) // a leading dot (".bashrc") is part of the name
		stem, ext = base[:i], base[i:]
	}
	return fmt.Sprintf("%s%s (%d)%s", dir, stem, n, ext)
}
