package uploader

// BenchmarkWAN measures uploads over a simulated line (internal/linesim: a
// TCP proxy between the client and localcos that delays every chunk by half
// a round trip each way, shares one upstream capacity between all
// connections and charges every new connection its handshake round trip).
// Each cell runs CosDrop's defaults and the Go SDK's tuned peer three times,
// interleaved, and reports the medians of their link efficiency: payload
// bytes / line capacity / wall time. `make bench-wan` prints the table.
// COSDROP_WAN_DEBUG=1 also logs each run's line counters and a timeline
// (when each share of the payload crossed the line; every 50 ms, the
// payload in 32 KiB units delivered / requests in the gate), and
// COSDROP_WAN_ONLY=cosdrop (or sdk) runs one contender, to compare builds.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/internal/linesim"
)

// wanCell is one simulated line (round trip and upstream rate) and one
// workload (many small files or one large file): a row of the table
// `make bench-wan` prints, as issue 22 asked for.
type wanCell struct {
	rtt   time.Duration
	rate  int64 // upstream bytes per second
	count int   // files
	size  int64 // bytes each
}

func (c wanCell) String() string {
	w := "small"
	if c.count == 1 {
		w = "large"
	}
	return fmt.Sprintf("%s-%dMiB/%s", c.rtt, c.rate>>20, w)
}

// wanCells are the table's rows: a near and a far line at 12 MiB/s with
// both workloads, and the far line at 1 MiB/s with small files. The big
// file on the 1 MiB/s line is left out: six runs of it would take six
// minutes.
var wanCells = []wanCell{
	{40 * time.Millisecond, 12 << 20, 300, 32 << 10},
	{40 * time.Millisecond, 12 << 20, 1, 64 << 20},
	{200 * time.Millisecond, 12 << 20, 300, 32 << 10},
	{200 * time.Millisecond, 12 << 20, 1, 64 << 20},
	{200 * time.Millisecond, 1 << 20, 300, 32 << 10},
}

// wanRounds runs per contender and cell; the median is reported.
const wanRounds = 3

func BenchmarkWAN(b *testing.B) {
	for _, c := range wanCells {
		b.Run(c.String(), func(b *testing.B) {
			for range b.N {
				effs := map[string][]float64{}
				for range wanRounds { // interleaved, so that load hits both alike
					for _, ct := range wanContenders {
						if only := os.Getenv("COSDROP_WAN_ONLY"); only != "" && only != ct.name {
							continue
						}
						effs[ct.name] = append(effs[ct.name], runWAN(b, c, ct.run))
					}
				}
				for name, e := range effs {
					slices.Sort(e)
					b.ReportMetric(e[len(e)/2], name+"-eff")
					b.ReportMetric(e[0], name+"-min")
					b.ReportMetric(e[len(e)-1], name+"-max")
				}
			}
		})
	}
}

// runWAN sets up localcos, the line and the files, runs one contender and
// returns its link efficiency.
func runWAN(b *testing.B, c wanCell, run func(b *testing.B, v *env, line *linesim.Line, dir string, c wanCell)) float64 {
	b.StopTimer()
	v := newEnvAt(b, wanServerDir(b))
	dir := filepath.Join(v.data, "up")
	for i := range c.count {
		writeFile(b, filepath.Join(dir, fmt.Sprintf("f%04d.bin", i)), c.size, uint64(i+1))
	}
	u, _ := url.Parse(v.srv.URL())
	line, err := linesim.Start(linesim.Config{Target: u.Host, RTT: c.rtt, Upstream: c.rate})
	if err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	start := time.Now()
	var tl *timeline
	if os.Getenv("COSDROP_WAN_DEBUG") != "" {
		tl = watchLine(line, start)
	}
	run(b, v, line, dir, c)
	d := time.Since(start)
	b.StopTimer()
	if tl != nil {
		b.Logf("%s: %v, %+v, %s", c, d, line.Stats(), tl.stop())
	}
	line.Close()
	v.srv.Close()
	os.RemoveAll(v.data)
	os.RemoveAll(v.srvDir)
	payload := float64(int64(c.count) * c.size)
	return payload / float64(c.rate) / d.Seconds()
}

// wanServerDir is where localcos keeps its objects during a run: in
// memory (/dev/shm) where the machine has it. A real server's disk is not
// the client's: on one shared disk every object localcos syncs (about 7 ms
// here) queued behind and ahead of the client's own journal commits, and a
// batch of small files measured the disk more than the line.
func wanServerDir(b *testing.B) string {
	if os.Getenv("COSDROP_WAN_DISK") == "" {
		if d, err := os.MkdirTemp("/dev/shm", "cosdrop-wan-*"); err == nil {
			b.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	return b.TempDir()
}

var wanContenders = []struct {
	name string
	run  func(b *testing.B, v *env, line *linesim.Line, dir string, c wanCell)
}{
	{"cosdrop", func(b *testing.B, v *env, line *linesim.Line, dir string, c wanCell) {
		cfg := v.config() // defaults: no concurrency, no part size set
		cfg.BucketURL = line.URL()
		e := v.engine(cfg)
		defer e.Close()
		wanGate.Store(e.gate)
		defer wanGate.Store(nil)
		for _, s := range benchWait(b, e, dir) {
			if s.State != Done {
				b.Fatalf("%s: %s %+v", s.Path, s.State, s.LastErr)
			}
		}
		if os.Getenv("COSDROP_WAN_DEBUG") != "" {
			b.Logf("peak in flight %d, limit %d, commits %d", e.gate.peak, e.gate.size(), e.commits.Load())
		}
	}},
	{"sdk", func(b *testing.B, v *env, line *linesim.Line, dir string, c wanCell) {
		sdkTunedUpload(b, line.URL(), dir, c)
	}},
}

// sdkTunedUpload is what a user who tuned cos-go-sdk-v5 for many small files
// would write: 64 goroutines of PutFromFile over a transport that keeps 64
// connections open (http.DefaultTransport keeps 2 idle per host and so pays
// a handshake on most requests); a big file goes through Object.Upload at
// its defaults.
func sdkTunedUpload(b *testing.B, bucketURL, dir string, c wanCell) {
	u, _ := url.Parse(bucketURL)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	client := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testKey, Transport: tr}})
	defer tr.CloseIdleConnections()
	names, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	jobs := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range jobs {
				p := filepath.Join(dir, name)
				var err error
				if c.count == 1 {
					_, _, err = client.Object.Upload(context.Background(), "up/"+name, p, nil)
				} else {
					_, err = client.Object.PutFromFile(context.Background(), "up/"+name, p, nil)
				}
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
				}
			}
		}()
	}
	for _, n := range names {
		jobs <- n.Name()
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
}

// timeline samples the line's upstream bytes (and the engine's requests in
// flight, when wanGate is set) while a run goes on, for COSDROP_WAN_DEBUG.
// wanGate is the running engine's gate, for the timeline.
var wanGate atomic.Pointer[gate]

type timeline struct {
	done chan struct{}
	out  chan string
}

func watchLine(line *linesim.Line, start time.Time) *timeline {
	tl := &timeline{done: make(chan struct{}), out: make(chan string)}
	go func() {
		var marks []time.Duration
		var ups []int64
		var flight []int
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tl.done:
				total := line.Stats().Up
				s := ""
				for _, f := range []float64{0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99} {
					for i, u := range ups {
						if float64(u) > f*float64(total) {
							s += fmt.Sprintf(" %.0f%%@%dms", f*100, marks[i].Milliseconds())
							break
						}
					}
				}
				s += "\n"
				for i := 0; i < len(ups); i += 25 {
					s += fmt.Sprintf(" %d:%d/%d", marks[i].Milliseconds(), ups[i]>>15, flight[i])
				}
				tl.out <- s
				return
			case <-tick.C:
				marks = append(marks, time.Since(start))
				ups = append(ups, line.Stats().Up)
				n := 0
				if g := wanGate.Load(); g != nil {
					n = g.inUse()
				}
				flight = append(flight, n)
			}
		}
	}()
	return tl
}

func (tl *timeline) stop() string { close(tl.done); return <-tl.out }
