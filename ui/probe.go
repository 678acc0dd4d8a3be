package ui

import (
	"fmt"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// ProbeEnv names a file that receives responsiveness measurements of the
// running window, once a second: how long a fyne.Do scheduled every
// 100 ms waited before it ran (the longest since the last line and
// overall), and how many tasks the window holds. The first line gives
// the time from Run to the first fyne.Do that ran, a stand-in for the
// first frame. Used by the responsiveness benchmark; off by default.
const ProbeEnv = "COSDROP_UI_PROBE"

// probe schedules a fyne.Do every 100 ms from its own goroutine and
// records how late each one runs.
type probe struct {
	mu       sync.Mutex
	worst    time.Duration // since the last report
	worstAll time.Duration
	n        int
}

func startProbe(path string, started time.Time, tasks func() int, stop <-chan struct{}) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		fyne.LogError("probe", err)
		return
	}
	p := &probe{}
	go func() {
		defer f.Close()
		first := make(chan struct{})
		fyne.Do(func() { close(first) })
		select {
		case <-first:
			fmt.Fprintf(f, "first-frame-ms %d\n", time.Since(started).Milliseconds())
		case <-stop:
			return
		}
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		last := time.Now()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			t0 := time.Now()
			fyne.Do(func() {
				d := time.Since(t0)
				n := tasks()
				p.mu.Lock()
				p.worst = max(p.worst, d)
				p.worstAll = max(p.worstAll, d)
				p.n = n
				p.mu.Unlock()
			})
			if time.Since(last) >= time.Second {
				last = time.Now()
				p.mu.Lock()
				fmt.Fprintf(f, "t=%.1fs tasks=%d max-delay-ms=%.1f overall-max-ms=%.1f\n", time.Since(started).Seconds(),
					p.n, float64(p.worst.Microseconds())/1000, float64(p.worstAll.Microseconds())/1000)
				p.worst = 0
				p.mu.Unlock()
			}
		}
	}()
}
