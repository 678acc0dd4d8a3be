package ui

import (
	"strings"
	"testing"
	"time"
)

// chanWriter hands each write to the test.
type chanWriter chan string

func (c chanWriter) Write(p []byte) (int, error) { c <- string(p); return len(p), nil }

// A quit that takes too long leaves every goroutine's stack, this test's
// among them, on the app's standard error.
func TestWatchQuitWritesStacks(t *testing.T) {
	out := make(chanWriter, 1)
	watchQuit(out, time.Millisecond)
	select {
	case s := <-out:
		if !strings.Contains(s, "quitting has taken") || !strings.Contains(s, "TestWatchQuitWritesStacks") {
			t.Fatalf("want a heading and this test's stack, got %.300q", s)
		}
	case <-time.After(30 * time.Second): // a bound, not a wait: the watch fires after 1 ms
		t.Fatal("no stacks within 30 s")
	}
}
