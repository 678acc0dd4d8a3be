//go:build clikill

package uploader

// The kill -9 acceptance test of the real CLI binary. It builds package main
// (the GUI stack makes a cold build slow), so it runs only with
// `go test -tags clikill -run TestCLIKill9 ./uploader/`.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cosdrop/localcos"
)

func TestCLIKill9AndRerun(t *testing.T) {
	v := newEnv(t)
	bin := filepath.Join(t.TempDir(), "cosdrop")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		t.Fatalf("build cosdrop: %v\n%s", err, out)
	}
	const size, partSize, conc = 500 << 20, 8 << 20, 4
	p := filepath.Join(v.data, "large upload.bin")
	writeFile(t, p, size, 42)
	args := []string{"upload", "--endpoint", v.srv.URL(), "--state-dir", v.state, "--part-size", "8MiB",
		"--concurrency", "4", "--json"}
	env := append(os.Environ(), "TENCENTCLOUD_SECRET_ID="+testID, "TENCENTCLOUD_SECRET_KEY="+testKey)

	// The 40th part waits at the server (until the kill) so the kill lands
	// mid-file however late this test looks; the rule is gone before the
	// rerun.
	v.srv.Faults().Add(localcos.Rule{Kind: localcos.Stall, API: "UploadPart", Nth: 40, Delay: time.Hour})
	cmd := exec.Command(bin, append(args, "--limit", "100MiB", p)...)
	cmd.Env = env
	var out1 bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out1, &out1
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return v.srv.Stats().CountStatus("UploadPart", 200) >= 20 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	v.srv.Faults().Clear()
	before := v.srv.Stats()
	t.Logf("killed after %d parts acknowledged, %d bytes received", before.CountStatus("UploadPart", 200), before.BytesReceived)

	cmd = exec.Command(bin, append(args, p)...)
	cmd.Env = env
	out2, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, out2)
	}
	if !strings.Contains(string(out2), `"event":"done"`) || !strings.Contains(string(out2), `"exit_code":0`) {
		t.Errorf("rerun output lacks the done and summary events:\n%s", out2)
	}
	after := v.srv.Stats()
	if got, bound := after.BytesReceived, int64(size+conc*partSize); got > bound {
		t.Errorf("server received %d bytes in total, bound %d", got, bound)
	}
	t.Logf("total bytes received %d for a %d-byte file (bound %d)", after.BytesReceived, size, size+conc*partSize)
	if _, _, crc := v.head("large upload.bin"); crc != mustCRC(t, p) {
		t.Errorf("object CRC64 differs from the file's")
	}
	if n := v.openUploads(); n != 0 {
		t.Errorf("%d uploads left open", n)
	}
	// status reads the journal the CLI left.
	st, err := exec.Command(bin, "status", "--state-dir", v.state).CombinedOutput()
	if err != nil || !strings.Contains(string(st), "large upload.bin") {
		t.Errorf("status: %v\n%s", err, st)
	}
}

// buildCLI builds the real cosdrop binary once per benchmark.
func buildCLI(b testing.TB) string {
	bin := filepath.Join(b.TempDir(), "cosdrop")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		b.Fatalf("build cosdrop: %v\n%s", err, out)
	}
	return bin
}

// runCLIPeakRSS runs cosdrop upload to completion and returns its peak RSS
// (VmHWM, sampled from /proc) and wall time.
func runCLIPeakRSS(b testing.TB, bin string, v *env, paths ...string) (int64, time.Duration) {
	args := append([]string{"upload", "--endpoint", v.srv.URL(), "--state-dir", filepath.Join(b.TempDir(), "state"), "--json"}, paths...)
	start := time.Now()
	cmd, out, done := startCLI(b, bin, args)
	var peak int64
	tk := time.NewTicker(50 * time.Millisecond)
	defer tk.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				b.Fatalf("cosdrop upload: %v\n%s", err, tail(out.String()))
			}
			return peak, time.Since(start)
		case <-tk.C:
			if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)); err == nil {
				for _, line := range strings.Split(string(st), "\n") {
					if strings.HasPrefix(line, "VmHWM:") {
						var kb int64
						fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "VmHWM:"), "kB")), &kb)
						peak = max(peak, kb<<10)
					}
				}
			}
		}
	}
}

// startCLI starts the binary with args and the test's permanent key; done
// receives Wait's error, out collects stdout and stderr.
func startCLI(b testing.TB, bin string, args []string) (*exec.Cmd, *bytes.Buffer, <-chan error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TENCENTCLOUD_SECRET_ID="+testID, "TENCENTCLOUD_SECRET_KEY="+testKey)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return cmd, out, done
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

func reportMBps(b *testing.B, bytes int64, d time.Duration) {
	b.ReportMetric(float64(bytes)/d.Seconds()/1e6, "MB/s")
}

func init() {
	cliContender = func(b *testing.B) contender {
		bin := buildCLI(b)
		return contender{"cli", func(b *testing.B, v *env, p string) { runCLIPeakRSS(b, bin, v, p) }}
	}
}

// BenchmarkCLI measures the real binary's peak RSS for a 2 GiB file and for
// a 100,000-file queue (its speed on the large file is BenchmarkLargeFile's
// "cli" contender, interleaved with the others).
func BenchmarkCLI(b *testing.B) {
	bin := buildCLI(b)
	b.Run("rss-2GiB", func(b *testing.B) {
		v := newEnv(b)
		p := filepath.Join(v.data, "huge.bin")
		writeFile(b, p, 2<<30, 10)
		peak, d := runCLIPeakRSS(b, bin, v, p)
		b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-RSS")
		reportMBps(b, 2<<30, d)
	})
	b.Run("rss-100k-files", func(b *testing.B) {
		v := newEnv(b)
		dir := filepath.Join(v.data, "many")
		n := 100000
		if testing.Short() {
			n = 10000
		}
		for i := range n {
			d := filepath.Join(dir, fmt.Sprintf("dir%03d", i%1000))
			if i < 1000 {
				os.MkdirAll(d, 0o755)
			}
			os.WriteFile(filepath.Join(d, fmt.Sprintf("photo-%06d.jpg", i)), []byte("x"), 0o644)
		}
		// The idle figure: the same command on one file.
		one := filepath.Join(v.data, "one")
		os.MkdirAll(one, 0o755)
		os.WriteFile(filepath.Join(one, "x.jpg"), []byte("x"), 0o644)
		idle, _ := runCLIPeakRSS(b, bin, v, one)
		peak, d := runCLIPeakRSS(b, bin, v, dir)
		b.ReportMetric(float64(peak)/(1<<20), "MiB-peak-RSS")
		b.ReportMetric(float64(peak-idle)/float64(n), "B-per-task-above-idle")
		b.ReportMetric(float64(n)/d.Seconds(), "files/s")
	})
}
