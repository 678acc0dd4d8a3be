package uploader

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Issue 20, finding 11: CosDrop uploaded a file named `\lead.txt` under
// that key, which COS's naming rules forbid
// (https://cloud.tencent.com/document/product/436/13324). Such a key is
// refused before anything is sent, with a typed reason the session words.
func TestKeysCOSForbidsRefusedWithReason(t *testing.T) {
	if runtime.GOOS == "windows" {
		// A Windows file name holds neither a backslash nor a control
		// character (https://learn.microsoft.com/windows/win32/fileio/naming-a-file),
		// so no file can ask for these keys there; the rule is the same
		// checkKey, tested below on every OS.
		t.Log("no Windows file can have these names: only the key rule is checked")
	} else {
		keysFromFiles(t)
	}
	for key, reason := range map[string]string{"/a": KeyLeadingSlash, "a/": KeyTrailingSlash, "a/../b": KeyDotSegment,
		"": KeyEmpty, "a\nb": KeyControl, "\\x": KeyLeadingBackslash} {
		if err := checkKey("f", key); KeyRuleOf(err) != reason {
			t.Errorf("checkKey(%q) = %v (rule %q), want rule %s", key, err, KeyRuleOf(err), reason)
		}
	}
}

// keysFromFiles uploads files whose names make keys COS forbids: each is
// refused before anything is sent.
func keysFromFiles(t *testing.T) {
	v := newFakeEnv(t)
	dir := filepath.Join(v.data, "drop")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{`\lead.txt`: KeyLeadingBackslash, "a\x1bb.txt": KeyControl, "a\rb.txt": KeyControl}
	var paths []string
	for name := range want {
		p := filepath.Join(dir, name)
		writeFile(t, p, 10, 1)
		paths = append(paths, p)
	}
	e := v.engine(v.config())
	defer e.Close()
	got := batchSnapshots(t, e, e.Add(paths...))
	for name, reason := range want {
		s := got[filepath.Join(dir, name)]
		if s.State != Failed || s.LastErr == nil || s.LastErr.Code != CodeInvalidKey || s.LastErr.Args["reason"] != reason {
			t.Errorf("%q: %s %+v, want failed %s with reason %s", name, s.State, s.LastErr, CodeInvalidKey, reason)
		}
	}
	if n := v.store.count("put"); n != 0 {
		t.Errorf("%d PUTs for keys COS forbids", n)
	}
}
