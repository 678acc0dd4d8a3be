package uploader

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// extended is path in Win32's \\?\ form, which passes names such as "CON" or
// "a." to the file system unchanged; that is how such files get onto a
// Windows disk (from a Linux share, an archive or WSL).
func extended(path string) string { return `\\?\` + path }

// planKeys plans the upload of paths under prefix "up/" and returns each
// planned file's key (or its error) by its base name.
func planKeys(t *testing.T, paths ...string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, p := range Plan(context.Background(), Config{Prefix: "up/", StateDir: t.TempDir()}, paths...) {
		v := p.Key
		if p.Error != nil {
			v = "error: " + p.Error.Message
		}
		got[filepath.Base(p.Path)] = v
	}
	return got
}

// A folder dropped from a drive (C:\Users\...\Photos) keeps its structure
// with "/" in the keys, never "\" or the drive letter, whichever way the
// path was typed.
func TestWindowsDrivePathKeys(t *testing.T) {
	root := filepath.Join(t.TempDir(), "Photos")
	writeFile(t, filepath.Join(root, "2024", "Trip", "a.jpg"), 10, 1)
	writeFile(t, filepath.Join(root, "b.jpg"), 10, 2)
	if !strings.Contains(root, `:\`) {
		t.Fatalf("the temp dir %q has no drive letter", root)
	}
	for _, typed := range []string{root, root + `\`, strings.ReplaceAll(root, `\`, `/`)} {
		got := planKeys(t, typed)
		if got["a.jpg"] != "up/Photos/2024/Trip/a.jpg" || got["b.jpg"] != "up/Photos/b.jpg" || len(got) != 2 {
			t.Errorf("%s: %v", typed, got)
		}
	}
	if got := planKeys(t, filepath.Join(root, "2024", "Trip", "a.jpg")); got["a.jpg"] != "up/a.jpg" {
		t.Errorf("a file dropped alone: %v", got)
	}
	// Errors name the path as the user knows it, not the \?\ form osPath opens.
	missing := filepath.Join(root, "missing.jpg")
	if got := planKeys(t, missing)["missing.jpg"]; !strings.Contains(got, missing) || strings.Contains(got, `\?\`) {
		t.Errorf("a missing file: %q", got)
	}
}

// Paths longer than MAX_PATH (260) work: Go adds the \\?\ prefix itself
// (https://learn.microsoft.com/en-us/windows/win32/fileio/maximum-file-path-limitation).
func TestWindowsLongPathKeys(t *testing.T) {
	root := filepath.Join(t.TempDir(), "deep")
	dir := root
	for i := 0; len(dir) < 300; i++ {
		dir = filepath.Join(dir, "folder-with-a-rather-long-name-"+string(rune('a'+i)))
	}
	writeFile(t, filepath.Join(dir, "report.txt"), 100, 3)
	got := planKeys(t, root)
	key := got["report.txt"]
	if len(got) != 1 || !strings.HasPrefix(key, "up/deep/folder-with-a-rather-long-name-a/") || !strings.HasSuffix(key, "/report.txt") {
		t.Fatalf("a %d-character path: %v", len(dir), got)
	}
}

// Names Windows reserves for devices (CON, NUL, aux.txt, COM1) and names
// ending in a dot or a space are ordinary object keys: COS has no reserved
// names, so they upload under their own names.
func TestWindowsSpecialNameKeys(t *testing.T) {
	root := filepath.Join(t.TempDir(), "share")
	names := []string{"CON", "NUL", "aux.txt", "COM1", "trailing.", "space "}
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.WriteFile(extended(filepath.Join(root, n)), []byte("x"), 0o644); err != nil {
			t.Fatalf("%q: %v", n, err)
		}
	}
	got := planKeys(t, root)
	for _, n := range names {
		if want := "up/share/" + n; got[n] != want {
			t.Errorf("%q: key %q, want %q", n, got[n], want)
		}
	}
}

// A folder dropped from a network share (\\server\share\folder) maps to
// keys as one from a drive does: the folder's name, then "/"-separated
// structure, no server or share name. The walker takes the relative path
// from the dropped folder's parent (filepath.Dir, filepath.Rel), and opens
// the files through \\?\UNC\ (osPath). No share exists in CI, so this checks
// those steps on the path strings.
func TestWindowsUNCPathKeys(t *testing.T) {
	dropped := `\\server\share\folder`
	file := `\\server\share\folder\sub dir\a.txt`
	rel, err := filepath.Rel(filepath.Dir(dropped), file)
	if err != nil {
		t.Fatal(err)
	}
	if key := expandKey("up/", filepath.ToSlash(rel), time.Now()); key != "up/folder/sub dir/a.txt" {
		t.Errorf("key %q", key)
	}
	for in, want := range map[string]string{
		file:                     `\\?\UNC\server\share\folder\sub dir\a.txt`,
		`C:\Users\ana\CON`:       `\\?\C:\Users\ana\CON`,
		`C:\Users\ana\.\x\..\b.`: `\\?\C:\Users\ana\b.`,
		`\\?\C:\already`:         `\\?\C:\already`,
		`relative\a.txt`:         `relative\a.txt`,
	} {
		if got := osPath(in); got != want {
			t.Errorf("osPath(%q) = %q, want %q", in, got, want)
		}
	}
}
