//go:build soak && guisoak && linux

package soak

// The window soaks: `make gui-soak` (TestGUISoak, ~10 minutes) and `make
// gui-soak-short` (TestGUISoakShort, 1-2 minutes, part of `make test`).
// They need an X server (the Makefile runs them under .ci/with-xvfb.sh)
// and the GUI build of cosdrop: SOAK_BIN (the debug build, so Fyne's
// wrong-thread check is on), or they build it from the module root.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cosdrop/uploader"
)

func TestGUISoak(t *testing.T) {
	cfg := Config{
		Seed: envUint(t, "SOAK_SEED", 14), Small: int(envSize(t, "SOAK_SMALL", 2000)), MaxSmall: 16 << 10,
		Large: 3, LargeSize: envSize(t, "SOAK_LARGE_SIZE", 256<<20), PartSize: uploader.DefaultPartSize,
		KillMin: 20 * time.Second, KillMax: 60 * time.Second, KillWindow: 8 * time.Minute, MaxKills: 15,
		Deadline: 30 * time.Minute, LargeRewriteAtKill: 1,
		Skew: -20 * time.Minute, Faults: "bandwidth=" + envString("SOAK_BANDWIDTH", "2MiB") + ";" + faultPlan,
	}
	runGUISoak(t, cfg)
}

func TestGUISoakShort(t *testing.T) {
	cfg := Config{
		Seed: envUint(t, "SOAK_SEED", uint64(time.Now().UnixNano()%1000)), Small: 300, MaxSmall: 64 << 10,
		Large: 2, LargeSize: 32 << 20, PartSize: uploader.DefaultPartSize,
		KillMin: 4 * time.Second, KillMax: 9 * time.Second, KillWindow: 60 * time.Second, MaxKills: 8,
		// Deadline: 1-2 minutes alone, far more beside other work (make test
		// on a shared machine); the bound ends a soak that is stuck.
		Deadline: 10 * time.Minute, LargeRewriteAtKill: 1,
		Skew: -20 * time.Minute, Faults: "bandwidth=4MiB;" + faultPlan,
	}
	runGUISoak(t, cfg)
}

func runGUISoak(t *testing.T, c Config) {
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("no DISPLAY: run the window soak under .ci/with-xvfb.sh (make gui-soak-short)")
	}
	c.Bin = binary(t)
	c.Dir = t.TempDir()
	c.OutDir = filepath.Join(envString("SOAK_OUT", filepath.Join(c.Dir, "logs")), t.Name())
	os.RemoveAll(c.OutDir)
	c.Logf = func(format string, args ...any) {
		t.Logf("%s "+format, append([]any{time.Now().UTC().Format("15:04:05")}, args...)...)
	}
	py := "/usr/bin/python3" // Debian's python3-xlib lives there
	if _, err := os.Stat(py); err != nil {
		py = "python3"
	}
	drop, err := filepath.Abs("../../.ci/xdnd_drop.py")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("window soak seed %d (set SOAK_SEED=%d to repeat); logs in %s", c.Seed, c.Seed, c.OutDir)
	res, err := RunGUI(context.Background(), GUIConfig{Config: c, DropScript: drop, Python: py})
	if res != nil && len(res.Runs) > 0 {
		fmt.Printf("\n%s window soak (seed %d):\n%s\n", t.Name(), c.Seed, res.Table())
	}
	if err != nil {
		t.Fatalf("SOAK COULD NOT RUN: %v (logs in %s)", err, c.OutDir)
	}
	if res.Failed() {
		t.Errorf("SOAK FAILED (seed %d; repeat with SOAK_SEED=%d; logs in %s):\n  %s", c.Seed, c.Seed, c.OutDir, strings.Join(res.Problems, "\n  "))
	}
	if len(res.Runs) < 2 || res.Kills == 0 {
		t.Errorf("the soak killed nothing (%d launches): it proves nothing", len(res.Runs))
	}
}
