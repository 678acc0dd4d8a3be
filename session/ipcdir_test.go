//go:build !windows

package session

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// longDir is a data directory whose socket path is too long for a unix
// socket, so the socket falls back to a private directory.
func longDir(t *testing.T) string {
	t.Helper()
	d := filepath.Join(t.TempDir(), strings.Repeat("d", 60), strings.Repeat("e", 60))
	if err := os.MkdirAll(d, 0o700); err != nil {
		t.Fatal(err)
	}
	return d
}

// Issue 20, finding 6: another local user who creates the fallback
// directory first (mode 0777, owned by them) and listens on the
// predictable name got the victim's files (HandOff) and could answer
// status with a fake list. A fallback directory not owned by the user, not
// 0700, or a link is refused by both sides.
func TestIPCFallbackDirMustBeOwnersOwn(t *testing.T) {
	const nobody = 65534
	for _, c := range []struct {
		name  string
		setup func(t *testing.T, dir string)
	}{
		{"foreign", func(t *testing.T, dir string) {
			mustDo(t, os.Mkdir(dir, 0o777), os.Chmod(dir, 0o777), os.Chown(dir, nobody, nobody))
		}},
		{"0755", func(t *testing.T, dir string) { mustDo(t, os.Mkdir(dir, 0o755), os.Chmod(dir, 0o755)) }},
		{"link", func(t *testing.T, dir string) {
			real := filepath.Join(filepath.Dir(dir), "elsewhere")
			mustDo(t, os.Mkdir(real, 0o700), os.Symlink(real, dir))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmp, err := os.MkdirTemp("", "ipc")
			mustDo(t, err)
			defer os.RemoveAll(tmp)
			t.Setenv("TMPDIR", tmp)
			t.Setenv("XDG_RUNTIME_DIR", "")
			data := longDir(t)
			sock := WindowSocket(data)
			if !strings.HasPrefix(sock, tmp) {
				t.Fatalf("socket %s is not in the fallback under %s", sock, tmp)
			}
			c.setup(t, filepath.Dir(sock))
			// The attacker listens on the predictable name.
			l, err := net.Listen("unix", sock)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			took := make(chan bool, 1)
			go func() {
				if conn, err := l.Accept(); err == nil {
					took <- true
					conn.Write([]byte(`{"ok":true,"tasks":[{"id":1,"p":"/fake"}]}` + "\n"))
					conn.Close()
				}
			}()
			if HandOff(data, []string{"/home/victim/payroll.xlsx"}) {
				t.Error("HandOff handed the paths over through a directory another user controls")
			}
			if _, ok := LiveStatus(data); ok {
				t.Error("status believed an answer from a directory another user controls")
			}
			select {
			case <-took:
				t.Error("the client connected to the socket in a directory it should refuse")
			default:
			}
			if stop, err := ListenWindow(data, func([]string) {}); err == nil {
				stop()
				t.Error("the window listened in a directory it should refuse")
			} else if !strings.Contains(err.Error(), filepath.Dir(sock)) {
				t.Errorf("refusal %q does not name the folder", err)
			}
		})
	}
}

// With $XDG_RUNTIME_DIR (the user's private runtime folder) a socket that
// does not fit the data directory goes there, not to the shared temp dir.
func TestIPCFallbackUsesXDGRuntimeDir(t *testing.T) {
	run := t.TempDir()
	mustDo(t, os.Chmod(run, 0o700))
	t.Setenv("XDG_RUNTIME_DIR", run)
	data := longDir(t)
	if sock := WindowSocket(data); !strings.HasPrefix(sock, run+string(filepath.Separator)) {
		t.Fatalf("socket %s, want it under $XDG_RUNTIME_DIR %s", sock, run)
	}
	got := make(chan []string, 1)
	stop, err := ListenWindow(data, func(p []string) { got <- p })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !HandOff(data, []string{"/a"}) || len(<-got) != 1 {
		t.Error("hand-off through $XDG_RUNTIME_DIR failed")
	}
}

func mustDo(t *testing.T, errs ...error) {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
