//go:build unix

package uploader

import (
	"syscall"
	"time"
)

// cpuTime is this process's user+system CPU time: client and in-process
// server together (for curl, the server's alone). The benchmarks report it
// per second of wall time as "cores", to show how close a run came to the
// machine's limit.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
