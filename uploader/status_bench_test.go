//go:build clikill && unix

package uploader

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// BenchmarkStatus measures `cosdrop status --state-dir` on a journal of
// finished uploads (100,000 tasks; 10,000 too, the size README's figure
// is quoted for) read from the file, nothing running: the command's wall
// time, CPU time and peak RSS (the kernel's maximum resident set of the
// child), and in process the heap allocated by the walk the command makes
// (EachTask). With COSDROP_BENCH_BASE naming another cosdrop binary (an
// earlier commit's), the same journals are listed by it too, in turn with
// this one, for README's before-and-after figures. Run by `make bench`, or:
//
//	go test -tags clikill -run '^$' -bench Status -benchtime 1x -count 3 ./uploader/
func BenchmarkStatus(b *testing.B) {
	bins := [][2]string{{"cli", buildCLI(b)}}
	if base := os.Getenv("COSDROP_BENCH_BASE"); base != "" {
		bins = append(bins, [2]string{"base", base})
	}
	for _, n := range []int{10000, 100000} {
		dir := filepath.Join(b.TempDir(), "state")
		writeBenchJournal(b, dir, n)
		for _, bin := range bins {
			b.Run(fmt.Sprintf("%s-%dk", bin[0], n/1000), func(b *testing.B) {
				for b.Loop() {
					wall, cpu, rss := runStatus(b, bin[1], dir)
					b.ReportMetric(wall.Seconds()*1000, "ms")
					b.ReportMetric(cpu.Seconds()*1000, "ms-CPU")
					b.ReportMetric(float64(rss)/(1<<20), "MiB-peak-RSS")
				}
			})
		}
		b.Run(fmt.Sprintf("walk-%dk", n/1000), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				seen := 0
				if err := EachTask(dir, func(int) {}, func(Snapshot) error { seen++; return nil }); err != nil || seen != n {
					b.Fatalf("walked %d of %d tasks: %v", seen, n, err)
				}
			}
		})
	}
}

// runStatus runs `cosdrop status` on dir to completion, its output
// discarded, and returns its wall time, CPU time (user and system) and
// peak RSS in bytes.
func runStatus(b *testing.B, bin, dir string) (time.Duration, time.Duration, int64) {
	cmd := exec.Command(bin, "status", "--state-dir", dir)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s status: %v", bin, err)
	}
	wall := time.Since(start)
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if ru == nil {
		return wall, cpu, 0
	}
	return wall, cpu, maxRSSBytes(ru)
}

// maxRSSBytes is the child's peak resident set: Linux reports it in KiB,
// the BSDs and macOS in bytes.
func maxRSSBytes(ru *syscall.Rusage) int64 {
	if runtime.GOOS == "linux" {
		return int64(ru.Maxrss) << 10
	}
	return int64(ru.Maxrss)
}
