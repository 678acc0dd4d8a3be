package uploader

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"cosdrop/localcos"
)

// The adaptive controller against localcos's fault plan over real HTTP.
// No timing is asserted: the tests check that SlowDown lowers the limit and
// that a pinned limit is never exceeded; whether the limit grows on a far
// line is a measurement (BenchmarkAdaptiveWireFarLine).

// wanEnv is a localcos whose every answer is delay late, with all bodies
// capped at rate, and n small files to upload.
func wanEnv(t testing.TB, delay time.Duration, rate int64, n int) (*env, string) {
	v := newEnv(t)
	dir := filepath.Join(v.data, "small")
	for i := range n {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("f%03d.bin", i)), 32<<10, uint64(i+1))
	}
	v.srv.Faults().Add(localcos.Rule{Kind: localcos.Stall, Delay: delay})
	v.srv.Faults().SetBandwidth(rate)
	return v, dir
}

// BenchmarkAdaptiveWireFarLine reports where the adaptive limit ends
// ("limit") after 240 small files over a 150 ms line that DefaultConcurrency
// requests in flight cannot fill; it should end above DefaultConcurrency.
// It is a benchmark, not a test: the controller judges measured goodput, and
// on a busy machine (the engine CPU-bound under -race beside other work)
// more requests in flight need not bring more goodput, so the limit may
// rightly stay. The growth itself is tested on a simulated line with a fake
// clock (TestAdaptiveGrowsOnAFastFarLine).
func BenchmarkAdaptiveWireFarLine(b *testing.B) {
	limit := 0
	for range b.N {
		v, dir := wanEnv(b, 150*time.Millisecond, 12<<20, 240)
		e := v.engine(v.config()) // Concurrency 0: adaptive
		for _, s := range waitBatch(b, e, e.Add(dir)) {
			if s.State != Done {
				b.Fatalf("%s: %s %+v", s.Path, s.State, s.LastErr)
			}
		}
		limit = e.adapt.Limit()
		e.Close()
	}
	b.ReportMetric(float64(limit), "limit")
}

func TestAdaptiveWireBacksOffOnSlowDown(t *testing.T) {
	skipIfShort(t)
	v, dir := wanEnv(t, 5*time.Millisecond, 64<<20, 200)
	v.srv.Faults().Add(localcos.Rule{Kind: localcos.SlowDown, Share: 0.2})
	e := v.engine(v.config())
	defer e.Close()
	for _, s := range waitBatch(t, e, e.Add(dir)) {
		if s.State != Done {
			t.Fatalf("%s: %s %+v", s.Path, s.State, s.LastErr)
		}
	}
	if got := e.adapt.Limit(); got >= DefaultConcurrency {
		t.Fatalf("limit %d after a run where one answer in five was 503 SlowDown; want below the start %d", got, DefaultConcurrency)
	}
}

func TestAdaptiveWirePinnedNeverExceeded(t *testing.T) {
	skipIfShort(t)
	v, dir := wanEnv(t, 40*time.Millisecond, 12<<20, 120)
	cfg := v.config()
	cfg.Concurrency = 3
	e := v.engine(cfg)
	defer e.Close()
	for _, s := range waitBatch(t, e, e.Add(dir)) {
		if s.State != Done {
			t.Fatalf("%s: %s %+v", s.Path, s.State, s.LastErr)
		}
	}
	e.gate.mu.Lock()
	peak := e.gate.peak
	e.gate.mu.Unlock()
	if peak > 3 || e.adapt.Limit() != 3 {
		t.Fatalf("pinned at 3: peak in flight %d, limit %d", peak, e.adapt.Limit())
	}
	// Unpinning hands the limit back to the controller.
	e.SetConcurrency(0)
	if e.adapt.pinned {
		t.Fatal("SetConcurrency(0) left the limit pinned")
	}
}
