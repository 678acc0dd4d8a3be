package session

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"cosdrop/uploader"
)

// Printable returns s safe to write to a terminal: C0 and C1 control
// characters, DEL, Unicode's bidirectional overrides and invalid UTF-8
// bytes become visible escapes (ESC is `\x1b`, U+202E `\u202e`, a stray
// byte 0xff `\xff`), so a file name, object key or server text can neither
// move the cursor, retitle the window, hide text nor reorder a line. Every
// path, key and piece of server text the command line prints goes
// through it. JSON output needs no such care (encoding/json escapes
// control characters and replaces invalid UTF-8).
func Printable(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// clean reports whether s needs no escaping (the common case, no copy).
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			if c >= 0x80 {
				return cleanSlow(s[i:])
			}
			return false
		}
	}
	return true
}

func cleanSlow(s string) bool {
	for _, r := range s { // invalid bytes come back as RuneError
		if r < 0x20 || r == 0x7f || unsafeRune(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// unsafeRune: C1 controls (U+009B is a one-character CSI on some
// terminals), the bidi embeddings, overrides and isolates, and the line
// and paragraph separators.
func unsafeRune(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x2028 || r == 0x2029 || r == 0x200e || r == 0x200f || r == 0x061c
}

// KindText words a left-out entry's kind (NoteNotAFile's "kind").
func KindText(kind string) string { return kindTextIn(T, kind) }

// kindTextIn is KindText through translator t.
func kindTextIn(t Translator, kind string) string {
	switch kind {
	case uploader.KindSymlinkedFolder:
		return t("a link to a folder")
	case uploader.KindFIFO:
		return t("a named pipe (FIFO)")
	case uploader.KindDevice:
		return t("a device")
	case uploader.KindSocket:
		return t("a socket")
	}
	return t("not a regular file")
}

// journalAccessText words a journal that cannot be opened for writing.
func journalAccessText(ae *uploader.JournalAccessError) string {
	return T("CosDrop cannot write its upload list in {{.Dir}} ({{.Reason}}), so nothing was uploaded. Make the folder writable (it may be read-only or belong to another user), or choose another folder with --state-dir.",
		map[string]any{"Dir": ae.Dir, "Reason": ae.Reason()})
}

// notAJournalText words a journal path that is not a regular file.
func notAJournalText(e *uploader.NotAJournalError) string {
	what := KindText(e.Kind)
	if e.Kind == "folder" {
		what = T("a folder")
	}
	return T("The upload list {{.Path}} is not a regular file but {{.What}}, so CosDrop cannot read or write it. Move it away, or choose another folder with --state-dir.",
		map[string]any{"Path": Printable(e.Path), "What": what})
}
