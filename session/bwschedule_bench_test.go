package session

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/profile"
)

// fastClock runs a timetable 60 times faster than the wall clock: one
// second is one scheduled minute, so a boundary at 00:03 comes 3 s into
// the run. Only the benchmark uses real time; the tests use fakeClock.
type fastClock struct{ base, start time.Time }

func (c fastClock) Now() time.Time { return c.base.Add(time.Since(c.start) * 60) }
func (c fastClock) After(d time.Duration) <-chan time.Time {
	return time.After(d / 60)
}

// countingCOS is a reverse proxy in front of localcos that counts the
// request body bytes reaching the server: the rate on the wire, finer than
// acknowledged parts.
func countingCOS(b *testing.B, target string, n *atomic.Int64) string {
	u, err := url.Parse(target)
	if err != nil {
		b.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ErrorLog = log.New(io.Discard, "", 0) // the engine closes mid-upload at the end: expected
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.TeeReader(r.Body, countWriter{n}), r.Body}
		}
		rp.ServeHTTP(w, r)
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

type countWriter struct{ n *atomic.Int64 }

func (c countWriter) Write(p []byte) (int, error) { c.n.Add(int64(len(p))); return len(p), nil }

// BenchmarkScheduleSwitchMidUpload is issue 24's acceptance: a timetable
// switching during an upload changes the measured rate within a few
// seconds. The timetable (1MiB/s, then 4MiB/s from 00:03, then 1MiB/s from
// 00:06) runs at 60x through FollowSchedule and the engine's SetRateLimit,
// as `cosdrop upload --bwlimit` does; the bytes reaching COS are sampled
// every 100 ms. It reports each phase's rate and how long after each
// boundary the rate over the last second came within 25% of the new limit.
// Run: go test -run '^$' -bench ScheduleSwitch -benchtime 1x ./session/
func BenchmarkScheduleSwitchMidUpload(b *testing.B) {
	const id, key = "AKIDschedulebench001", "scheduleBenchSecretKey0123456789"
	srv := localcostest.Start(b, localcos.Config{SecretID: id, SecretKey: key})
	var wire atomic.Int64
	p := profile.Profile{Name: "bench", Endpoint: countingCOS(b, srv.URL(), &wire), Bucket: localcos.DefaultBucket,
		Region: localcos.DefaultRegion, Mode: profile.ModePermanent, SecretID: id,
		BandwidthSchedule: "00:03-00:06 4MiB/s; otherwise 1MiB/s"}
	store := auth.NewSessionStore()
	if err := store.Set(context.Background(), auth.SecretKeyAccount(p.Name), key); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(b.TempDir(), "big.bin")
	if err := os.WriteFile(file, make([]byte, 48<<20), 0o600); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		wire.Store(0)
		runScheduleSwitch(b, p, store, file, &wire, i)
	}
}

func runScheduleSwitch(b *testing.B, p profile.Profile, store auth.SecretStore, file string, wire *atomic.Int64, run int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	spec, err := ProfileEngine(ctx, p, store, filepath.Join(b.TempDir(), fmt.Sprint(run)), Overrides{Concurrency: 4, PartSize: 1 << 20})
	if err != nil || spec.Schedule == nil {
		b.Fatalf("engine: %v (schedule %v)", err, spec.Schedule)
	}
	e, closers, err := Start(spec)
	if err != nil {
		b.Fatal(err)
	}
	defer closeAll(closers)
	clk := fastClock{base: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), start: time.Now()}
	go FollowSchedule(ctx, *spec.Schedule, clk, e.SetRateLimit)
	e.Add(file)
	samples := sampleWire(wire, clk.start, 9*time.Second)
	window := func(at time.Duration) float64 { // bytes/s over the second before at
		return float64(samples[at/(100*time.Millisecond)]-samples[(at-time.Second)/(100*time.Millisecond)]) / (1 << 20)
	}
	settle := func(from time.Duration, want float64) float64 {
		for at := from; at < from+3*time.Second; at += 100 * time.Millisecond {
			if r := window(at); r > 0.75*want && r < 1.25*want {
				return (at - from).Seconds()
			}
		}
		return 3 // not within the phase
	}
	b.ReportMetric(float64(samples[30]-samples[10])/2/(1<<20), "slow-MiB/s")
	b.ReportMetric(float64(samples[60]-samples[45])/1.5/(1<<20), "fast-MiB/s")
	b.ReportMetric(float64(samples[90]-samples[75])/1.5/(1<<20), "slow-again-MiB/s")
	b.ReportMetric(settle(3*time.Second, 4), "s-to-fast")
	b.ReportMetric(settle(6*time.Second, 1), "s-to-slow")
}

// sampleWire reads the wire counter every 100 ms for d from start.
func sampleWire(wire *atomic.Int64, start time.Time, d time.Duration) []int64 {
	var out []int64
	for i := 0; i <= int(d/(100*time.Millisecond)); i++ {
		time.Sleep(time.Until(start.Add(time.Duration(i) * 100 * time.Millisecond)))
		out = append(out, wire.Load())
	}
	return out
}
