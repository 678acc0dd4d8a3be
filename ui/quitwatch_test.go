package ui

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the watch's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A quit that takes too long leaves every goroutine's stack, this test's
// among them, on the app's standard error.
func TestWatchQuitWritesStacks(t *testing.T) {
	var out lockedBuffer
	watchQuit(&out, time.Millisecond)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "TestWatchQuitWritesStacks") {
		if time.Now().After(deadline) {
			t.Fatalf("no stacks within 30 s; wrote %q", out.String())
		}
		time.Sleep(5 * time.Millisecond) // polling interval, bounded above
	}
	if !strings.Contains(out.String(), "quitting has taken") {
		t.Fatalf("no heading: %q", out.String()[:200])
	}
}
