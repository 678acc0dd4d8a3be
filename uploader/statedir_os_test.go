package uploader

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestStateDirForEachSystem: where each system keeps the journals, checked
// on any machine (the macOS rule has never run on a Mac).
func TestStateDirForEachSystem(t *testing.T) {
	t.Parallel()
	env := map[string]string{"LocalAppData": filepath.Join("C:", "Users", "a", "AppData", "Local"), "XDG_DATA_HOME": "/x/data"}
	getenv := func(k string) string { return env[k] }
	home := func() (string, error) { return "/home/a", nil }
	noHome := func() (string, error) { return "", errors.New("no home") }
	cases := []struct {
		goos string
		env  func(string) string
		home func() (string, error)
		want string
	}{
		{"darwin", getenv, home, filepath.Join("/home/a", "Library", "Application Support", "cosdrop")},
		{"darwin", getenv, noHome, filepath.Join(os.TempDir(), "cosdrop")},
		{"windows", getenv, home, filepath.Join(env["LocalAppData"], "cosdrop")},
		{"windows", func(string) string { return "" }, home, filepath.Join(os.TempDir(), "cosdrop")},
		{"linux", getenv, home, filepath.Join("/x/data", "cosdrop")},
		{"linux", func(string) string { return "" }, home, filepath.Join("/home/a", ".local", "share", "cosdrop")},
	}
	for _, c := range cases {
		if got := stateDirFor(c.goos, c.env, c.home); got != c.want {
			t.Errorf("%s: %q, want %q", c.goos, got, c.want)
		}
	}
}
