package uploader

import (
	"context"
	"testing"
	"time"
)

// heldClock is a clock that moves only when told.
type heldClock struct{ t time.Time }

func (c *heldClock) now() time.Time          { return c.t }
func (c *heldClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// lineOf drives b as a line of rate bytes per second carrying parts of size
// bytes, n at a time, for d of busy time: every part takes n*size/rate.
func lineOf(c *heldClock, b *partBudget, rate, size int64, n int, d time.Duration) {
	each := time.Duration(float64(n*int(size)) / float64(rate) * float64(time.Second))
	for elapsed := time.Duration(0); elapsed < d; elapsed += each {
		for range n {
			b.begin()
		}
		c.advance(each)
		for range n {
			b.end(size)
		}
	}
}

// budgetAfter is a budget that has seen d of a line of rate bytes per
// second carrying 8 MiB parts, n at a time, and its limit then.
func budgetAfter(rate int64, n int, d time.Duration) (*heldClock, *partBudget, int64) {
	c := &heldClock{t: nowForTest}
	b := newPartBudget(false, c.now)
	lineOf(c, b, rate, 8<<20, n, d)
	limit, _ := b.Limit()
	return c, b, limit
}

// The budget is budgetLead of the goodput COS acknowledged, and only that:
// a 12 MiB/s line allows 21 MiB of parts in flight (two 8 MiB parts),
// whether one or four requests share the line.
func TestPartBudgetFollowsGoodput(t *testing.T) {
	for _, n := range []int{1, 2, 4} {
		c := &heldClock{t: nowForTest}
		b := newPartBudget(false, c.now)
		if got, on := b.Limit(); got != 0 || !on {
			t.Fatalf("before any answer: limit %d (on %v), want 0: one part at a time", got, on)
		}
		lineOf(c, b, 12<<20, 8<<20, n, 10*time.Second)
		got, _ := b.Limit()
		if want := int64(12 << 20 * budgetLead.Seconds()); got < want*95/100 || got > want*105/100 {
			t.Errorf("%d requests sharing a 12 MiB/s line: budget %.1f MiB, want about %.1f", n, float64(got)/(1<<20), float64(want)/(1<<20))
		}
		if parts := got / (8 << 20); parts != 2 {
			t.Errorf("%d requests sharing a 12 MiB/s line: %d parts of 8 MiB fit, want 2 (a kill costs at most two)", n, parts)
		}
	}
}

// Parts that end at one instant (several answers in one read) move the
// budget by no more than their bytes spread over the goodput's window.
func TestPartBudgetBurstOfAnswers(t *testing.T) {
	_, b, before := budgetAfter(4<<20, 1, 10*time.Second)
	for range 4 {
		b.begin()
	}
	for range 4 {
		b.end(8 << 20) // all at once, no time passed
	}
	after, _ := b.Limit()
	if after > before+int64(float64(32<<20)/budgetTau.Seconds()*budgetLead.Seconds())+1 {
		t.Fatalf("four parts answered at once moved the budget from %d to %d", before, after)
	}
}

// Failed requests acknowledge nothing: a line that fails everything brings
// the budget down, never up.
func TestPartBudgetFailuresCountNothing(t *testing.T) {
	c, b, before := budgetAfter(12<<20, 2, 5*time.Second)
	for range 10 {
		b.begin()
		c.advance(time.Second)
		b.end(0)
	}
	if after, _ := b.Limit(); after >= before/4 {
		t.Fatalf("ten seconds of failures: budget %d, was %d", after, before)
	}
}

// Admission: one part always goes when none is in flight; a second waits
// until it fits, and goes once the first is released.
func TestPartBudgetAdmission(t *testing.T) {
	c := &heldClock{t: nowForTest}
	b := newPartBudget(false, c.now)
	ctx := context.Background()
	if err := b.acquire(ctx, 8<<20); err != nil {
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() { second <- b.acquire(ctx, 8<<20) }()
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := b.acquire(short, 8<<20); err == nil {
		t.Fatal("a third part was admitted with no goodput known and a part in flight")
	}
	b.release(8 << 20)
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	// Off (a pinned limit): everything is admitted.
	b.setOff(true)
	for range 8 {
		if err := b.acquire(ctx, 8<<20); err != nil {
			t.Fatal(err)
		}
	}
}

// Staggered admission: with a part in flight, the next one that fits waits
// until the parts the budget holds are spread over one part's time on the
// line (half of it for two parts), so that they do not end together; on
// loopback, where the budget holds dozens of parts, the spacing is tiny.
func TestPartBudgetStaggers(t *testing.T) {
	c, b, limit := budgetAfter(12<<20, 2, 10*time.Second)
	ok := func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		_, ok := b.admit(8 << 20)
		return ok
	}
	if err := b.acquire(context.Background(), 8<<20); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	wait, _ := b.admit(8 << 20)
	b.mu.Unlock()
	part := 2 * time.Second / 3 // 8 MiB at 12 MiB/s
	if want := part * (8 << 20) / time.Duration(limit); wait < want*9/10 || wait > want*11/10 || ok() {
		t.Fatalf("a second part right after the first: wait %v (admitted %v), want about %v", wait, ok(), want)
	}
	c.advance(wait)
	if !ok() {
		t.Fatal("the second part was not admitted once the spacing had passed")
	}
	if d := spacing(8<<20, 300e6, 525e6); d > time.Millisecond {
		t.Fatalf("spacing on a 300 MB/s line: %v, want under a millisecond", d)
	}
}
