package session

import (
	"strings"
	"testing"
	"unicode/utf8"

	"cosdrop/uploader"
)

// Issue 14, finding 3: escape sequences in file names reached the
// terminal (a window-title change was shown). Printable leaves none.
func TestPrintableEscapesControls(t *testing.T) {
	cases := map[string]string{
		"plain/名字.txt":                "plain/名字.txt",
		"\x1b]0;pwned\x07title.txt":   `\x1b]0;pwned\x07title.txt`,
		"a\x1b[2Jb":                   `a\x1b[2Jb`,
		"line\nbreak\r\t":             `line\x0abreak\x0d\x09`,
		"del\x7f":                     `del\x7f`,
		"c1\u009b31m":                 `c1\u009b31m`,
		"bad\xff\xfeutf8":             `bad\xff\xfeutf8`,
		"evil\u202etxt.exe":           `evil\u202etxt.exe`,
		"iso\u2066x\u2069":            `iso\u2066x\u2069`,
		"e\u0301 NFD stays":           "e\u0301 NFD stays",
		"C:\\Users\\a b\\file.txt":    "C:\\Users\\a b\\file.txt",
		"\xef\xbf\xbd real U+FFFD ok": "\uFFFD real U+FFFD ok",
	}
	for in, want := range cases {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzPrintable: whatever a file name holds, the sanitized text is valid
// UTF-8 with no control character, C1 control or bidi override, and a
// clean name comes back unchanged.
func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"", "a.txt", "\x1b]0;x\x07", "\xff", "e\u0301", "\u202e", strings.Repeat("d/", 600) + "f", "\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Printable(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Printable(%q) = %q: invalid UTF-8", s, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || unsafeRune(r) {
				t.Fatalf("Printable(%q) = %q keeps %U", s, out, r)
			}
		}
		if clean(s) && out != s {
			t.Fatalf("clean %q changed to %q", s, out)
		}
		if len(out) > 4*len(s)+0 && len(s) > 0 {
			t.Fatalf("Printable(%q) grew %d -> %d bytes", s, len(s), len(out))
		}
	})
}

func TestNotAFileNoteIsWorded(t *testing.T) {
	got := NoteText(uploader.Note{Code: uploader.NoteNotAFile, Args: map[string]string{"kind": uploader.KindFIFO}})
	if !strings.Contains(got, "FIFO") || strings.Contains(got, "{{") {
		t.Errorf("note worded %q", got)
	}
	if got := Explain(uploader.TaskError{Code: uploader.CodeSizeUnknown, Party: uploader.PartyFile}); !strings.Contains(got, "/proc") {
		t.Errorf("SizeUnknown explained as %q", got)
	}
}
