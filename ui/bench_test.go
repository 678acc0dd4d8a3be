package ui

import (
	"fmt"
	"testing"
	"time"

	"cosdrop/uploader"
)

// bigEngine returns a script engine holding n queued tasks.
func bigEngine(n int) *scriptEngine {
	e := newScriptEngine()
	paths := make([]string, n)
	for i := range paths {
		paths[i] = fmt.Sprintf("/data/photos/2024/IMG_%06d.jpg", i)
	}
	e.Add(paths...)
	return e
}

// BenchmarkAdd100k measures what adding 100,000 tasks costs the window:
// the ticker goroutine's merge and row-order build ("ticker-ms") and the
// Fyne goroutine's share, one list refresh ("ui-ms"). The Fyne-goroutine
// share is what a user would feel as a frozen window.
func BenchmarkAdd100k(b *testing.B) {
	var tickerT, uiT time.Duration
	for b.Loop() {
		b.StopTimer()
		e := bigEngine(100_000)
		w := newBenchWindow(b, e)
		b.StartTimer()
		t0 := time.Now()
		w.feed.poll()
		u := w.model.take()
		t1 := time.Now()
		w.apply(u)
		t2 := time.Now()
		tickerT += t1.Sub(t0)
		uiT += t2.Sub(t1)
		if len(w.queue.view) != 100_000 {
			b.Fatalf("view has %d rows", len(w.queue.view))
		}
	}
	b.ReportMetric(float64(tickerT.Microseconds())/1000/float64(b.N), "ticker-ms")
	b.ReportMetric(float64(uiT.Microseconds())/1000/float64(b.N), "ui-ms")
}

// BenchmarkTick100kQueued8Uploading measures one 10 Hz tick while 100,000
// tasks are queued and 8 upload: the longest the Fyne goroutine is busy
// per tick ("ui-max-ms") bounds the delay a fyne.Do probe would see.
func BenchmarkTick100kQueued8Uploading(b *testing.B) {
	e := bigEngine(100_000)
	w := newBenchWindow(b, e)
	w.tick()
	var tickerT, uiT, uiMax time.Duration
	n := 0
	for b.Loop() {
		for id := uploader.TaskID(1); id <= 8; id++ {
			e.set(id, func(s *uploader.Snapshot) {
				s.State = uploader.Uploading
				s.Acked = (s.Acked + 7) % s.Size
				s.Speed = 1e6
			})
		}
		t0 := time.Now()
		w.feed.poll()
		u := w.model.take()
		t1 := time.Now()
		w.apply(u)
		d := time.Since(t1)
		tickerT += t1.Sub(t0)
		uiT += d
		uiMax = max(uiMax, d)
		n++
	}
	b.ReportMetric(float64(tickerT.Microseconds())/1000/float64(n), "ticker-ms")
	b.ReportMetric(float64(uiT.Microseconds())/1000/float64(n), "ui-ms")
	b.ReportMetric(float64(uiMax.Microseconds())/1000, "ui-max-ms")
}
