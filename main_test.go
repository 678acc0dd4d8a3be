package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestEngineIsGUIFree keeps the engine side free of Fyne for good: the
// uploader, auth and localcos packages (and everything they pull in) must
// build without any fyne.io package.
func TestEngineIsGUIFree(t *testing.T) {
	for _, pkg := range []string{"./uploader", "./auth", "./localcos"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "fyne.io/") {
				t.Errorf("%s depends on %s: the engine must not import Fyne", pkg, dep)
			}
		}
	}
}

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
