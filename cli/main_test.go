package cli

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestUnknownCommandExits2(t *testing.T) {
	if code := run([]string{"no-such-command"}); code != 2 {
		t.Fatalf("unknown command: exit %d, want 2", code)
	}
}

func TestUnknownFlagExits2(t *testing.T) {
	for name := range commands {
		if name == "help" {
			continue
		}
		if code := run([]string{name, "--no-such-flag"}); code != 2 {
			t.Errorf("cosdrop %s --no-such-flag: exit %d, want 2", name, code)
		}
	}
}

func TestSkeletonHasEveryCommand(t *testing.T) {
	for _, name := range []string{"upload", "serve-local", "status", "login", "logout", "profile", "version", "help"} {
		if _, ok := commands[name]; !ok {
			t.Errorf("missing subcommand %q", name)
		}
	}
}

func TestVersionFlagAliases(t *testing.T) {
	for _, arg := range []string{"version", "--version", "-v"} {
		if code := run([]string{arg}); code != 0 {
			t.Errorf("cosdrop %s: exit %d, want 0", arg, code)
		}
	}
}

// The CLI-only build links statically (no cgo) and still has every
// subcommand but the window, serve-local included.
func TestNoGUIBuild(t *testing.T) {
	bin := cliBinary(t) // CGO_ENABLED=0 go build -tags nogui
	out, err := exec.Command(bin, "help").CombinedOutput()
	if err != nil {
		t.Fatalf("cosdrop-cli help: %v\n%s", err, out)
	}
	for _, name := range []string{"upload", "status", "serve-local", "login", "profile"} {
		if !strings.Contains(string(out), name) {
			t.Errorf("the CLI-only build lacks %q:\n%s", name, out)
		}
	}
	gui := exec.Command(bin, t.TempDir()+"/no-such-file.txt")
	gui.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+t.TempDir(), "COSDROP_DATA_DIR="+t.TempDir())
	out, err = gui.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "without its window") {
		t.Errorf("the CLI-only build asked for its window: err %v, output %q", err, out)
	}
}
