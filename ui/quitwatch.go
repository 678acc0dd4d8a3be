package ui

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

// quitStuck is how long quitting may take before the app writes what it
// waits for to its standard error. Quitting pauses the uploads and
// journals them (a second or two) and flushes waiting receipts (at most
// 15 s, uploader/receiptwriter.go); past that something is stuck, and the
// goroutines' stacks say where. The Windows lane (.ci/wine-gui-test.sh)
// prints them when the window does not quit on close, which it did once
// under Wine beside a second `make test` and never since.
const quitStuck = 25 * time.Second

// watchQuit writes every goroutine's stack to w once after d, unless the
// process has ended by then (it is never stopped: the app may also hang
// after its own work, in the driver's quit). The stacks hold function
// names, files and argument words, no string contents, so no secret.
func watchQuit(w io.Writer, d time.Duration) {
	time.AfterFunc(d, func() {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		fmt.Fprintf(w, "cosdrop: quitting has taken %v; what it waits for:\n%s\n", d, buf[:n])
	})
}
