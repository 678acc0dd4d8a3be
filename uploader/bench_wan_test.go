package uploader

// BenchmarkWAN measures uploads over a simulated far link: localcos answers
// every request late (the round trip and the server's think time) and caps
// all bodies together at the line rate, as `serve-local --faults
// "stall:delay=40ms;bandwidth=12MiB"` does. Each run reports the fraction
// of the line's capacity it used: the time the bytes alone need at the line
// rate over the time taken. `make bench` prints the table with the goals.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/localcos"
)

// wanLine is one simulated network.
type wanLine struct {
	delay time.Duration
	rate  int64 // bytes per second
}

func (l wanLine) String() string { return fmt.Sprintf("%s-%dMiB", l.delay, l.rate>>20) }

var wanLines = []wanLine{
	{5 * time.Millisecond, 12 << 20}, {40 * time.Millisecond, 12 << 20}, {200 * time.Millisecond, 12 << 20},
	{5 * time.Millisecond, 1 << 20}, {40 * time.Millisecond, 1 << 20}, {200 * time.Millisecond, 1 << 20},
}

// wanWorkload is what is uploaded: count files of size bytes.
type wanWorkload struct {
	name  string
	count int
	size  int64
}

// workloads: 300 x 32 KiB, and one big file (64 MiB on a 12 MiB/s line,
// 16 MiB on a 1 MiB/s line so that a run stays under a minute).
func wanWorkloads(l wanLine) []wanWorkload {
	big := int64(64 << 20)
	if l.rate < 4<<20 {
		big = 16 << 20
	}
	return []wanWorkload{{"small", 300, 32 << 10}, {"large", 1, big}}
}

func BenchmarkWAN(b *testing.B) {
	for _, l := range wanLines {
		for _, w := range wanWorkloads(l) {
			for _, c := range wanContenders {
				b.Run(fmt.Sprintf("%s/%s/%s", l, w.name, c.name), func(b *testing.B) {
					for range b.N {
						runWAN(b, l, w, c.run)
					}
				})
			}
		}
	}
}

// runWAN sets up the line and the files, runs one contender and reports
// its fraction of the line's capacity.
func runWAN(b *testing.B, l wanLine, w wanWorkload, run func(b *testing.B, v *env, dir string, w wanWorkload)) {
	b.StopTimer()
	v := newEnv(b)
	dir := filepath.Join(v.data, "up")
	for i := range w.count {
		writeFile(b, filepath.Join(dir, fmt.Sprintf("f%04d.bin", i)), w.size, uint64(i+1))
	}
	v.srv.Faults().Add(localcos.Rule{Kind: localcos.Stall, Delay: l.delay})
	v.srv.Faults().SetBandwidth(l.rate)
	b.StartTimer()
	start, cpu0 := time.Now(), cpuTime()
	run(b, v, dir, w)
	d := time.Since(start)
	b.StopTimer()
	total := int64(w.count) * w.size
	need := float64(total) / float64(l.rate)
	b.ReportMetric(need/d.Seconds(), "capacity")
	b.ReportMetric((cpuTime()-cpu0).Seconds()*1e3/float64(w.count), "cpu-ms/file")
	v.srv.Close()
	os.RemoveAll(v.data)
}

var wanContenders = []struct {
	name string
	run  func(b *testing.B, v *env, dir string, w wanWorkload)
}{
	{"cosdrop", func(b *testing.B, v *env, dir string, w wanWorkload) {
		e := v.engine(v.config()) // defaults: no concurrency, no part size set
		defer e.Close()
		for _, s := range benchWait(b, e, dir) {
			if s.State != Done {
				b.Fatalf("%s: %s %+v", s.Path, s.State, s.LastErr)
			}
		}
	}},
	{"sdk-default", func(b *testing.B, v *env, dir string, w wanWorkload) {
		sdkUploadDir(b, v, dir, w, 1, nil)
	}},
	{"sdk-tuned", func(b *testing.B, v *env, dir string, w wanWorkload) {
		// What a user who read the SDK's docs would set: 8 threads for a
		// big file's parts, 8 files at a time.
		sdkUploadDir(b, v, dir, w, DefaultConcurrency, &cos.MultiUploadOptions{ThreadPoolSize: DefaultConcurrency, PartSize: DefaultPartSize >> 20})
	}},
}

// sdkUploadDir uploads every file in dir with cos-go-sdk-v5: Object.Upload
// for a big file, PutFromFile for small ones, workers files at a time.
func sdkUploadDir(b *testing.B, v *env, dir string, w wanWorkload, workers int, opt *cos.MultiUploadOptions) {
	c := sdkClient(v)
	names, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	jobs := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range jobs {
				p := filepath.Join(dir, name)
				var err error
				if w.size > DefaultPartSize {
					_, _, err = c.Object.Upload(context.Background(), "up/"+name, p, opt)
				} else {
					_, err = c.Object.PutFromFile(context.Background(), "up/"+name, p, nil)
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
