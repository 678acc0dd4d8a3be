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
// a 12 MiB/s line allows 24 MiB of parts in flight, whether one or four
// requests share the line.
func TestPartBudgetFollowsGoodput(t *testing.T) {
	for _, n := range []int{1, 2, 4} {
		c := &heldClock{t: nowForTest}
		b := newPartBudget(false, c.now)
		if got, on := b.Limit(); got != 0 || !on {
			t.Fatalf("before any answer: limit %d (on %v), want 0: one part at a time", got, on)
		}
		lineOf(c, b, 12<<20, 8<<20, n, 10*time.Second)
		got, _ := b.Limit()
		if want := int64(24 << 20); got < want*95/100 || got > want*105/100 {
			t.Errorf("%d requests sharing a 12 MiB/s line: budget %.1f MiB, want about 24", n, float64(got)/(1<<20))
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
