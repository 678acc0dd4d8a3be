package uploader

// Benchmarks for `make bench` (.ci/bench.sh). Each reports MB/s; the
// script prints the ratios. They need a lot of disk and time, so they are
// not part of `make test`: `go test -run '^$' -bench . -benchtime 1x ./uploader/`.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/localcos"
)

// benchSize is the large-file size (COSDROP_BENCH_SIZE overrides, in MiB).
func benchSize() int64 {
	if v := os.Getenv("COSDROP_BENCH_MIB"); v != "" {
		var n int64
		fmt.Sscan(v, &n)
		if n > 0 {
			return n << 20
		}
	}
	return 1 << 30
}

// sdkClient is cos-go-sdk-v5 as a user would set it up: its default HTTP
// client (http.DefaultTransport, 2 idle connections per host).
func sdkClient(v *env) *cos.Client {
	u, _ := url.Parse(v.srv.URL())
	return cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testKey}})
}

// loopbackRounds is how many times each contender of a loopback benchmark
// runs. The runs are interleaved (every contender once, then again), so
// that load from elsewhere on the machine hits all of them alike, and the
// medians are reported.
const loopbackRounds = 3

// contender is one way of uploading path (a file or a folder) to v's server.
type contender struct {
	name string
	run  func(b *testing.B, v *env, path string)
}

// cliContender builds `cosdrop upload` (the real binary) and returns it as
// a contender; set only where the benchmark can build it (the clikill tag,
// cli_kill_test.go).
var cliContender func(b *testing.B) contender

// interleave runs every contender loopbackRounds times, interleaved, each
// time against a fresh server, and reports per contender the median, min
// and max of MB/s and files/s and the median of cores (CPU seconds of this
// process per second of wall time).
func interleave(b *testing.B, path string, bytes int64, files int, cs []contender) {
	type stats struct{ mbps, fps, cores []float64 }
	got := map[string]*stats{}
	for range loopbackRounds {
		for _, c := range cs {
			v := newEnv(b)
			start, cpu0 := time.Now(), cpuTime()
			c.run(b, v, path)
			d := time.Since(start)
			s := got[c.name]
			if s == nil {
				s = &stats{}
				got[c.name] = s
			}
			s.mbps = append(s.mbps, float64(bytes)/d.Seconds()/1e6)
			s.fps = append(s.fps, float64(files)/d.Seconds())
			s.cores = append(s.cores, (cpuTime()-cpu0).Seconds()/d.Seconds())
			v.discard()
		}
	}
	for name, s := range got {
		for unit, xs := range map[string][]float64{"MB/s": s.mbps, "files/s": s.fps, "cores": s.cores} {
			slices.Sort(xs)
			b.ReportMetric(xs[len(xs)/2], name+"-"+unit)
			if unit != "cores" {
				b.ReportMetric(xs[0], name+"-min-"+unit)
				b.ReportMetric(xs[len(xs)-1], name+"-max-"+unit)
			}
		}
	}
}

// BenchmarkLargeFile uploads one large file (1 GiB) with the engine, the
// CLI, cos-go-sdk-v5's Object.Upload (defaults, and ThreadPoolSize equal to
// ours) and curl -T (one presigned PUT), interleaved.
func BenchmarkLargeFile(b *testing.B) {
	size := benchSize()
	const conc = DefaultConcurrency
	p := filepath.Join(b.TempDir(), "large.bin")
	writeFile(b, p, size, 9)
	cs := []contender{
		{"cosdrop", func(b *testing.B, v *env, p string) {
			cfg := v.config()
			cfg.Concurrency = conc
			e := v.engine(cfg)
			defer e.Close()
			snaps := benchWait(b, e, p)
			if snaps[0].State != Done {
				b.Fatalf("upload: %s %+v", snaps[0].State, snaps[0].LastErr)
			}
		}},
		{"sdk-default", func(b *testing.B, v *env, p string) {
			if _, _, err := sdkClient(v).Object.Upload(context.Background(), "large.bin", p, nil); err != nil {
				b.Fatal(err)
			}
		}},
		{"sdk-threads", func(b *testing.B, v *env, p string) {
			opt := &cos.MultiUploadOptions{ThreadPoolSize: conc, PartSize: DefaultPartSize >> 20}
			if _, _, err := sdkClient(v).Object.Upload(context.Background(), "large.bin", p, opt); err != nil {
				b.Fatal(err)
			}
		}},
		{"curl", func(b *testing.B, v *env, p string) {
			c := sdkClient(v)
			u, err := c.Object.GetPresignedURL(context.Background(), http.MethodPut, "large.bin", testID, testKey, time.Hour, nil)
			if err != nil {
				b.Fatal(err)
			}
			out, err := exec.Command("curl", "-sS", "-f", "-o", "/dev/null", "-T", p, u.String()).CombinedOutput()
			if err != nil {
				b.Fatalf("curl: %v\n%s", err, out)
			}
		}},
	}
	if cliContender != nil {
		cs = append(cs, cliContender(b))
	}
	for range b.N {
		interleave(b, p, size, 1, cs)
	}
}

// benchWait adds path and waits for its batch through the event channel,
// as the CLI does. (waitBatch, for tests, polls a full Changes(0) every
// 5 ms: with thousands of tasks that alone eats a share of the CPU the
// engine and server need, which the SDK loop it is compared with never
// pays.)
func benchWait(b *testing.B, e *Engine, path string) []Snapshot {
	b.Helper()
	events := e.Events()
	batch := e.Add(path)
	timeout := time.After(30 * time.Minute)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				b.Fatal("engine closed")
			}
			if ev.Kind != EventBatchDone || ev.Batch != batch {
				continue
			}
			all, _ := e.Changes(0)
			var mine []Snapshot
			for _, s := range all {
				if s.Batch == batch {
					mine = append(mine, s)
				}
			}
			return mine
		case <-timeout:
			b.Fatalf("batch %d not finished within 30 minutes", batch)
		}
	}
}

// BenchmarkSmallFiles uploads 2,000 x 64 KiB files in 50 folders with the
// engine's defaults and with a sequential cos-go-sdk-v5 PutFromFile loop,
// interleaved.
func BenchmarkSmallFiles(b *testing.B) {
	const n, size = 2000, 64 << 10
	dir := filepath.Join(b.TempDir(), "small")
	for i := range n {
		writeFile(b, filepath.Join(dir, fmt.Sprintf("%02d", i%50), fmt.Sprintf("f%04d.bin", i)), size, uint64(i))
	}
	cs := []contender{
		{"cosdrop", func(b *testing.B, v *env, dir string) {
			e := v.engine(v.config())
			defer e.Close()
			for _, s := range benchWait(b, e, dir) {
				if s.State != Done {
					b.Fatalf("%s: %s %+v", s.Path, s.State, s.LastErr)
				}
			}
		}},
		{"sdk-sequential", func(b *testing.B, v *env, dir string) {
			c := sdkClient(v)
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(filepath.Dir(dir), p)
				if _, err := c.Object.PutFromFile(context.Background(), filepath.ToSlash(rel), p, nil); err != nil {
					b.Fatal(err)
				}
				return nil
			})
		}},
	}
	for range b.N {
		interleave(b, dir, n*size, n, cs)
	}
}

// BenchmarkQueueMemory measures heap per queued task: 100,000 files queued
// behind a server that stalls, so they stay queued.
func BenchmarkQueueMemory(b *testing.B) {
	n := 100000
	if testing.Short() {
		n = 10000
	}
	for range b.N {
		b.StopTimer()
		v := newEnv(b)
		dir := filepath.Join(v.data, "many")
		for i := range n {
			d := filepath.Join(dir, fmt.Sprintf("dir%03d", i%1000))
			if i < 1000 {
				os.MkdirAll(d, 0o755)
			}
			if err := os.WriteFile(filepath.Join(d, fmt.Sprintf("photo-%06d.jpg", i)), nil, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		v.srv.Faults().Add(localcos.Rule{Kind: localcos.Stall, Delay: 10 * time.Minute})
		cfg := v.config()
		cfg.Concurrency = 1
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		b.StartTimer()
		e := v.engine(cfg)
		e.Add(dir)
		waitFor(b, func() bool { t := e.Totals(); return t.Scanning == 0 && t.Tasks == n })
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&m1)
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/float64(n), "B/task")
		_, cursor := e.Changes(0)
		start := time.Now()
		for range 100 {
			e.Changes(cursor - 10)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/100, "µs/Changes")
		e.crash() // do not wait for the stalled request's pause to reach a closed server
		v.srv.Close()
	}
}
