//go:build soak && linux

package soak

// The soaks: `make soak` (TestSoak, ~10 minutes) and `make soak-short`
// (TestSoakShort, 1-2 minutes, part of `make test`). They need the real
// binary: SOAK_BIN, or they build it from the module root.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// faultPlan is every fault the soak injects, besides bandwidth: resets
// inside part and PUT bodies, 503 SlowDown, 5 s stalls, every Complete
// held 4 s before COS joins the parts (as a large upload's is on COS; the
// soak aims kills at it, and the server completes it after the client
// died), Complete results lost after COS completed (complete-drop: surely
// the second Complete, then 30% of them), tokens dead after 20 s, and the
// server's clock 20 minutes behind (the engine corrects it from Date).
const faultPlan = "token-life=20s;reset:api=UploadPart,share=0.03,after=512KiB;" +
	"reset:api=PutObject,share=0.005,after=256;503:share=0.01;stall:share=0.002,delay=5s;" +
	"stall:api=CompleteMultipartUpload,delay=4s;" +
	"complete-drop:nth=2,times=1;complete-drop:share=0.3"

func TestSoak(t *testing.T) {
	cfg := Config{
		Seed: envUint(t, "SOAK_SEED", 14), Small: int(envSize(t, "SOAK_SMALL", 10000)), MaxSmall: 16 << 10,
		Large: 3, LargeSize: envSize(t, "SOAK_LARGE_SIZE", 256<<20), PartSize: 8 << 20, Concurrency: 4,
		// A kill every 15-45 s: the tree goes up in about 5 minutes, and
		// issue 20 asks for at least 8 kills (at 20-60 s seed 2718 got 7).
		KillMin: 15 * time.Second, KillMax: 45 * time.Second, KillWindow: 8 * time.Minute, MaxKills: 30,
		Deadline: 30 * time.Minute, MaxFailedRuns: 5, SmallRewriteEvery: 3, LargeRewriteAtKill: 3,
		Skew: -20 * time.Minute, Faults: "bandwidth=" + envString("SOAK_BANDWIDTH", "4MiB") + ";" + faultPlan,
		CompleteKills: 2,
	}
	runSoak(t, cfg)
}

func TestSoakShort(t *testing.T) {
	cfg := Config{
		Seed: envUint(t, "SOAK_SEED", uint64(time.Now().UnixNano()%1000)), Small: 300, MaxSmall: 64 << 10,
		Large: 2, LargeSize: 32 << 20, PartSize: 2 << 20, Concurrency: 4,
		KillMin: 3 * time.Second, KillMax: 8 * time.Second, KillWindow: 70 * time.Second, MaxKills: 12,
		// Deadline: 1-2 minutes alone, far more beside other work (make test
		// on a shared machine); the bound ends a soak that is stuck.
		Deadline: 10 * time.Minute, MaxFailedRuns: 3, SmallRewriteEvery: 3, LargeRewriteAtKill: 2,
		Skew: -20 * time.Minute, Faults: "bandwidth=4MiB;" + faultPlan,
		CompleteKills: 1,
	}
	runSoak(t, cfg)
}

func runSoak(t *testing.T, cfg Config) {
	cfg.Bin = binary(t)
	cfg.Dir = t.TempDir()
	cfg.OutDir = envString("SOAK_OUT", filepath.Join(cfg.Dir, "logs"))
	cfg.OutDir = filepath.Join(cfg.OutDir, t.Name())
	os.RemoveAll(cfg.OutDir)
	cfg.Logf = func(format string, args ...any) {
		t.Logf("%s "+format, append([]any{time.Now().UTC().Format("15:04:05")}, args...)...)
	}
	t.Logf("soak seed %d (set SOAK_SEED=%d to repeat); logs in %s", cfg.Seed, cfg.Seed, cfg.OutDir)
	res, err := Run(context.Background(), cfg)
	if res != nil && len(res.Runs) > 0 {
		fmt.Printf("\n%s soak (seed %d):\n%s\n", t.Name(), cfg.Seed, res.Table())
	}
	if err != nil {
		t.Fatalf("SOAK COULD NOT RUN: %v (logs in %s)", err, cfg.OutDir)
	}
	if res.Failed() {
		t.Errorf("SOAK FAILED (seed %d; repeat with SOAK_SEED=%d; logs in %s):\n  %s", cfg.Seed, cfg.Seed, cfg.OutDir, strings.Join(res.Problems, "\n  "))
	}
	if len(res.Runs) < 2 || res.Kills == 0 {
		t.Errorf("the soak killed nothing (%d runs): it proves nothing; make the tree larger or the cap lower", len(res.Runs))
	}
	if over := res.killLedger().over; over > 0 {
		// The bound the table prints is the bound enforced (issue 20: a
		// kill during Complete re-sent whole files while the soak passed).
		t.Errorf("%d kills cost more than the in-flight window (%s = concurrency x part size)", over, mib(res.InFlightBound))
	}
	if res.CompleteKills == 0 && cfg.CompleteKills > 0 {
		t.Errorf("no kill landed while Complete was in flight (%d kills): the soak did not test it", res.Kills)
	}
}

func binary(t *testing.T) string {
	if b := os.Getenv("SOAK_BIN"); b != "" {
		abs, err := filepath.Abs(b)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	bin := filepath.Join(t.TempDir(), "cosdrop")
	if out, err := exec.Command("go", "build", "-o", bin, "../..").CombinedOutput(); err != nil {
		t.Fatalf("build cosdrop: %v\n%s", err, out)
	}
	return bin
}

func envString(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envUint(t *testing.T, name string, def uint64) uint64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return n
}

// envSize reads a count or a size such as 1GiB or 256MiB.
func envSize(t *testing.T, name string, def int64) int64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	mult := int64(1)
	for _, u := range []struct {
		s string
		m int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}} {
		if strings.HasSuffix(v, u.s) {
			v, mult = strings.TrimSuffix(v, u.s), u.m
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		t.Fatalf("%s: want a number or a size such as 1GiB, not %q", name, os.Getenv(name))
	}
	return n * mult
}
