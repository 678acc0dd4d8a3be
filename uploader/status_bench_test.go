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
// time and peak RSS (the kernel's maximum resident set of the child), and
// in process the heap allocated per task by the walk the command makes
// (EachTask). Run by `make bench`, or alone:
//
//	go test -tags clikill -run '^$' -bench Status -benchtime 1x ./uploader/
func BenchmarkStatus(b *testing.B) {
	bin := buildCLI(b)
	for _, n := range []int{10000, 100000} {
		dir := filepath.Join(b.TempDir(), "state")
		writeBenchJournal(b, dir, n)
		b.Run(fmt.Sprintf("cli-%dk", n/1000), func(b *testing.B) {
			for b.Loop() {
				d, rss := runStatus(b, bin, dir)
				b.ReportMetric(d.Seconds()*1000, "ms")
				b.ReportMetric(float64(rss)/(1<<20), "MiB-peak-RSS")
			}
		})
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
// discarded, and returns its wall time and peak RSS in bytes.
func runStatus(b *testing.B, bin, dir string) (time.Duration, int64) {
	cmd := exec.Command(bin, "status", "--state-dir", dir)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("cosdrop status: %v", err)
	}
	d := time.Since(start)
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if ru == nil {
		return d, 0
	}
	return d, maxRSSBytes(ru)
}

// maxRSSBytes is the child's peak resident set: Linux reports it in KiB,
// the BSDs and macOS in bytes.
func maxRSSBytes(ru *syscall.Rusage) int64 {
	if runtime.GOOS == "linux" {
		return int64(ru.Maxrss) << 10
	}
	return int64(ru.Maxrss)
}
