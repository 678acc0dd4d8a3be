package ui

import (
	"strings"
	"testing"

	"cosdrop/uploader"
)

// The status bar says how many receipts wait to be written to the bucket
// (a refused or offline receipts prefix), with or without a queue.
func TestStatusBarCountsWaitingReceipts(t *testing.T) {
	for _, c := range []struct {
		t    uploader.Totals
		want string
	}{
		{uploader.Totals{Tasks: 2, Done: 2, Receipts: 1}, "1 receipt waits to be written to the bucket"},
		{uploader.Totals{Receipts: 3}, "3 receipts wait to be written to the bucket"},
	} {
		if got := summaryText(c.t); !strings.Contains(got, c.want) {
			t.Errorf("status %q lacks %q", got, c.want)
		}
	}
	if got := summaryText(uploader.Totals{Tasks: 1, Done: 1}); strings.Contains(got, "receipt") {
		t.Errorf("status %q speaks of receipts when none waits", got)
	}
}
