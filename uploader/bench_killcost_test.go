//go:build clikill

package uploader

import (
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"cosdrop/internal/linesim"
)

// BenchmarkKillCost measures what a SIGKILL costs on the wire with the
// defaults (no --concurrency, no --part-size): the real binary uploads one
// file (1 GiB; KILLCOST_MIB sets another size) to localcos through
// internal/linesim at 40 ms / 12 MiB/s, is killed once the line has carried
// 40 % of the file, and is run again to the end. It reports the bytes the
// line carried upstream over the file's size ("wire/file"), the bytes lost
// ("lost-MiB": carried minus the file, HTTP headers included) and the link
// efficiency of the two runs together ("eff": file bytes / line capacity /
// time the uploader ran). The goal it enforces is issue 22's: at most 1.02x
// the file on the wire. `make kill-cost` runs it.
func BenchmarkKillCost(b *testing.B) {
	size := int64(1 << 30)
	if s := os.Getenv("KILLCOST_MIB"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			b.Fatalf("KILLCOST_MIB=%q: want a number of MiB", s)
		}
		size = n << 20
	}
	const rate, rtt = 12 << 20, 40 * time.Millisecond
	bin := buildCLI(b)
	for range b.N {
		v := newEnv(b)
		p := filepath.Join(v.data, "big.bin")
		writeFile(b, p, size, 91)
		u, _ := url.Parse(v.srv.URL())
		line, err := linesim.Start(linesim.Config{Target: u.Host, RTT: rtt, Upstream: rate})
		if err != nil {
			b.Fatal(err)
		}
		args := []string{"upload", "--endpoint", line.URL(), "--state-dir", v.state, "--json", p}
		first := killCostRun(b, bin, args, func() bool { return line.Stats().Up >= size*4/10 })
		atKill := line.Stats().Up
		second := killCostRun(b, bin, args, nil)
		up := line.Stats().Up
		line.Close()
		if _, n, crc := v.head("big.bin"); n != size || crc != mustCRC(b, p) {
			b.Fatalf("object: size %d, CRC64 %d; want the file's", n, crc)
		}
		ratio := float64(up) / float64(size)
		eff := float64(size) / rate / (first + second).Seconds()
		b.ReportMetric(ratio, "wire/file")
		b.ReportMetric(float64(up-size)/(1<<20), "lost-MiB")
		b.ReportMetric(eff, "eff")
		b.Logf("killed at %.1f%% of the file on the wire; runs %v + %v; line carried %d bytes for a %d-byte file: %.4fx, %.1f MiB lost; efficiency %.2f",
			100*float64(atKill)/float64(size), first.Round(time.Millisecond), second.Round(time.Millisecond), up, size, ratio, float64(up-size)/(1<<20), eff)
		if ratio > 1.02 {
			b.Errorf("a kill at 40%% and a resume put %.4fx the file on the wire; the goal is at most 1.02x", ratio)
		}
	}
}

// killCostRun runs the CLI with args; with killWhen set it SIGKILLs the
// process once killWhen holds (polled), else it waits for exit 0. It
// returns how long the process ran.
func killCostRun(b *testing.B, bin string, args []string, killWhen func() bool) time.Duration {
	start := time.Now()
	cmd, out, done := startCLI(b, bin, args)
	if killWhen == nil {
		if err := <-done; err != nil {
			b.Fatalf("cosdrop upload: %v\n%s", err, tail(out.String()))
		}
		return time.Since(start)
	}
	tk := time.NewTicker(10 * time.Millisecond) // polling interval, not a bound
	defer tk.Stop()
	for !killWhen() {
		select {
		case err := <-done:
			b.Fatalf("cosdrop upload ended before the kill: %v\n%s", err, tail(out.String()))
		case <-tk.C:
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	return time.Since(start)
}
