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

func reportMBps(b *testing.B, bytes int64, d time.Duration) {
	b.ReportMetric(float64(bytes)/d.Seconds()/1e6, "MB/s")
}

// sdkClient is cos-go-sdk-v5 as a user would set it up: its default HTTP
// client (http.DefaultTransport, 2 idle connections per host).
func sdkClient(v *env) *cos.Client {
	u, _ := url.Parse(v.srv.URL())
	return cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testKey}})
}

func BenchmarkLargeFile(b *testing.B) {
	size := benchSize()
	const conc = DefaultConcurrency
	run := func(name string, fn func(b *testing.B, v *env, path string)) {
		b.Run(name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				v := newEnv(b)
				p := filepath.Join(v.data, "large.bin")
				writeFile(b, p, size, 9)
				b.StartTimer()
				start, cpu0 := time.Now(), cpuTime()
				fn(b, v, p)
				d := time.Since(start)
				reportMBps(b, size, d)
				b.ReportMetric((cpuTime()-cpu0).Seconds()/d.Seconds(), "cores")
				b.StopTimer()
				v.srv.Close()
				os.RemoveAll(v.data)
			}
		})
	}
	run("cosdrop", func(b *testing.B, v *env, p string) {
		cfg := v.config()
		cfg.Concurrency = conc
		e := v.engine(cfg)
		defer e.Close()
		snaps := benchWait(b, e, p)
		if snaps[0].State != Done {
			b.Fatalf("upload: %s %+v", snaps[0].State, snaps[0].LastErr)
		}
	})
	run("sdk-default", func(b *testing.B, v *env, p string) {
		if _, _, err := sdkClient(v).Object.Upload(context.Background(), "large.bin", p, nil); err != nil {
			b.Fatal(err)
		}
	})
	run("sdk-threads", func(b *testing.B, v *env, p string) {
		opt := &cos.MultiUploadOptions{ThreadPoolSize: conc, PartSize: DefaultPartSize >> 20}
		if _, _, err := sdkClient(v).Object.Upload(context.Background(), "large.bin", p, opt); err != nil {
			b.Fatal(err)
		}
	})
	run("curl", func(b *testing.B, v *env, p string) {
		c := sdkClient(v)
		u, err := c.Object.GetPresignedURL(context.Background(), http.MethodPut, "large.bin", testID, testKey, time.Hour, nil)
		if err != nil {
			b.Fatal(err)
		}
		out, err := exec.Command("curl", "-sS", "-f", "-o", "/dev/null", "-T", p, u.String()).CombinedOutput()
		if err != nil {
			b.Fatalf("curl: %v\n%s", err, out)
		}
	})
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

func BenchmarkSmallFiles(b *testing.B) {
	const n, size = 2000, 64 << 10
	run := func(name string, fn func(b *testing.B, v *env, dir string)) {
		b.Run(name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				v := newEnv(b)
				dir := filepath.Join(v.data, "small")
				for i := range n {
					writeFile(b, filepath.Join(dir, fmt.Sprintf("%02d", i%50), fmt.Sprintf("f%04d.bin", i)), size, uint64(i))
				}
				b.StartTimer()
				start, cpu0 := time.Now(), cpuTime()
				fn(b, v, dir)
				d := time.Since(start)
				reportMBps(b, n*size, d)
				b.ReportMetric(float64(n)/d.Seconds(), "files/s")
				// Client and server together (same process): how close
				// the run came to the machine's cores.
				b.ReportMetric((cpuTime()-cpu0).Seconds()/d.Seconds(), "cores")
				b.StopTimer()
				v.srv.Close()
			}
		})
	}
	run("cosdrop", func(b *testing.B, v *env, dir string) {
		e := v.engine(v.config())
		defer e.Close()
		for _, s := range benchWait(b, e, dir) {
			if s.State != Done {
				b.Fatalf("%s: %s %+v", s.Path, s.State, s.LastErr)
			}
		}
	})
	run("sdk-sequential", func(b *testing.B, v *env, dir string) {
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
	})
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
