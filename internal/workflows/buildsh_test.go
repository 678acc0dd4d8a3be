package workflows

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// `make run` on a fresh machine built for about 7 minutes without a line:
// .ci/build.sh (which make build, debug and the GUI tests use) says what
// the first build compiles and roughly how long it takes, and says nothing
// of the kind once Fyne's C code is built. A stand-in `go` answers whether
// go-gl is stale and "builds" at once, so no compiler runs here.
func TestBuildSaysWhatTheFirstBuildDoes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a bash script")
	}
	for _, stale := range []bool{true, false} {
		dir := t.TempDir()
		fake := "#!/bin/sh\ncase \"$1\" in\n  list) echo " + map[bool]string{true: "true", false: "false"}[stale] + " ;;\n" +
			"  build) while [ $# -gt 0 ]; do [ \"$1\" = -o ] && : >\"$2\"; shift; done ;;\nesac\n"
		if err := os.WriteFile(filepath.Join(dir, "go"), []byte(fake), 0o755); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "cosdrop")
		cmd := exec.Command("bash", filepath.Join("..", "..", ".ci", "build.sh"), out)
		cmd.Env = append(os.Environ(), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("build.sh (stale %v): %v\n%s", stale, err, b)
		}
		said := strings.Contains(string(b), "Building CosDrop for the first time") && strings.Contains(string(b), "minutes")
		if said != stale || !strings.Contains(string(b), "Built "+out) {
			t.Errorf("go-gl stale %v, build.sh said:\n%s", stale, b)
		}
	}
}
