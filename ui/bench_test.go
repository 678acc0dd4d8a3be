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
		tt, ut := timedTick(w)
		tickerT += tt
		uiT += ut
		if len(w.list.queue.view) != 100_000 {
			b.Fatalf("view has %d rows", len(w.list.queue.view))
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
		tt, d := timedTick(w)
		tickerT += tt
		uiT += d
		uiMax = max(uiMax, d)
		n++
	}
	b.ReportMetric(float64(tickerT.Microseconds())/1000/float64(n), "ticker-ms")
	b.ReportMetric(float64(uiT.Microseconds())/1000/float64(n), "ui-ms")
	b.ReportMetric(float64(uiMax.Microseconds())/1000, "ui-max-ms")
}

// BenchmarkDrop2000 measures the first 2,000 rows of a drop arriving in
// an empty window, one progress tick after it, and a second drop of 200
// (which scrolls to its first row). For each: the Fyne goroutine's apply
// ("ui-ms", "tick-ui-ms", "next-ui-ms") and the frame drawn after it
// ("paint-ms", "tick-paint-ms", "next-paint-ms": the test driver's
// software painter, which redraws everything and stands in only roughly
// for GL, which caches text and icons); "screen-ms" is the first two
// together, the first screenful; "ticker-ms" is the ticker goroutine's
// merge of the 2,000. A user feels apply and frame as a window that stops
// answering. "rows-built" and "font-loads" count the rows the list built
// and the fonts parsed for the first screenful (TestDropFirstFrameCost
// bounds them).
func BenchmarkDrop2000(b *testing.B) {
	var tickerT, uiT, paintT, tickT, tickPaintT, nextT, nextPaintT time.Duration
	var built, fonts int64
	for b.Loop() {
		b.StopTimer()
		e := newScriptEngine()
		w := newBenchWindow(b, e)
		p := probeDrop(w)
		w.tick()
		frame(w)
		w.add(benchPaths(0, 2000))
		p.reset()
		b.StartTimer()
		tt, ut := timedTick(w)
		tickerT += tt
		uiT += ut
		paintT += timedFrame(w)
		built += int64(p.cost().rowsMade)
		fonts += p.cost().fontLoads
		for id := uploader.TaskID(1); id <= 8; id++ {
			e.set(id, func(s *uploader.Snapshot) { s.State, s.Acked, s.Speed = uploader.Uploading, 300, 1e6 })
		}
		_, ut = timedTick(w)
		tickT += ut
		tickPaintT += timedFrame(w)
		w.add(benchPaths(2000, 200))
		_, ut = timedTick(w)
		nextT += ut
		nextPaintT += timedFrame(w)
		if len(w.list.queue.view) != 2200 || len(w.list.queue.rows) == 0 {
			b.Fatalf("view has %d rows, %d shown", len(w.list.queue.view), len(w.list.queue.rows))
		}
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(ms(tickerT), "ticker-ms")
	b.ReportMetric(ms(uiT), "ui-ms")
	b.ReportMetric(ms(paintT), "paint-ms")
	b.ReportMetric(ms(uiT+paintT), "screen-ms")
	b.ReportMetric(ms(tickT), "tick-ui-ms")
	b.ReportMetric(ms(tickPaintT), "tick-paint-ms")
	b.ReportMetric(ms(nextT), "next-ui-ms")
	b.ReportMetric(ms(nextPaintT), "next-paint-ms")
	b.ReportMetric(float64(built)/float64(b.N), "rows-built")
	b.ReportMetric(float64(fonts)/float64(b.N), "font-loads")
}

// timedFrame is how long the test driver takes to draw w's window.
func timedFrame(w *mainWindow) time.Duration {
	t0 := time.Now()
	frame(w)
	return time.Since(t0)
}

// benchPaths are n photo paths numbered from first.
func benchPaths(first, n int) []string {
	paths := make([]string, n)
	for i := range paths {
		paths[i] = fmt.Sprintf("/home/staff/Pictures/holiday/IMG_%06d.jpg", first+i)
	}
	return paths
}

// timedTick is one tick timed in its two halves: the ticker goroutine's
// poll and row-order build, and the Fyne goroutine's apply.
func timedTick(w *mainWindow) (ticker, ui time.Duration) {
	t0 := time.Now()
	w.feed.poll()
	u := w.model.take()
	t1 := time.Now()
	w.apply(u)
	return t1.Sub(t0), time.Since(t1)
}
