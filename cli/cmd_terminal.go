package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"

	"cosdrop/session"
	"cosdrop/uploader"
)

// safe is the one sanitizer for what the command line prints of a path,
// an object key or a server's text (session.Printable): escape sequences
// in a file name must not reach the terminal.
func safe(s string) string { return session.Printable(s) }

// errLine prints "Error: <plain words>" on stderr, sanitized.
func errLine(err error) {
	fmt.Fprintln(os.Stderr, tr("Error:"), safe(session.ErrText(err)))
}

// interruptContext is canceled by SIGINT or SIGTERM; code gives the exit
// status the shell expects for the signal that came (128+2 = 130 for
// SIGINT, 128+15 = 143 for SIGTERM), 0 if none.
func interruptContext() (ctx context.Context, stop func(), code func() int) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	var got atomic.Int32
	go func() {
		select {
		case s := <-ch:
			c := int32(130)
			if s == syscall.SIGTERM {
				c = 143
			}
			got.Store(c)
			cancel()
		case <-ctx.Done():
		}
	}()
	stop = func() { signal.Stop(ch); cancel() }
	return ctx, stop, func() int { return int(got.Load()) }
}

// parseInterspersed parses flags wherever they stand among the paths
// ("upload DIR --json" works as "upload --json DIR"); after "--" every
// argument is a path, so a file named "-x" can still be uploaded.
func parseInterspersed(fs *flag.FlagSet, args []string) (paths []string, code int, ok bool) {
	for {
		if code, ok := parseFlags(fs, args); !ok {
			return nil, code, false
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(paths, rest...), 0, true
		}
		if len(rest) == 0 {
			return paths, 0, true
		}
		paths = append(paths, rest[0])
		args = rest[1:]
	}
}

// pctCell is a task's progress for a table: a file of unknown or no size
// that is not done shows "-", never "100.0%" (a missing file did).
func pctCell(s uploader.Snapshot) string {
	if s.Size <= 0 && s.State != uploader.Done && s.State != uploader.Skipped {
		return "    -"
	}
	if s.Size <= 0 && s.State == uploader.Skipped && s.Note.Code != uploader.NoteSkippedIdentical && s.Note.Code != uploader.NoteSkippedUncompared {
		return "    -" // left out (not a file, an empty folder): nothing was sent
	}
	return fmt.Sprintf("%5.1f%%", pct(s.Acked, s.Size))
}

// leftOut reports whether s is an entry of a drop that was not uploaded
// because it is not a file, or an empty folder.
func leftOut(s uploader.Snapshot) bool {
	return s.State == uploader.Skipped && (s.Note.Code == uploader.NoteNotAFile || s.Note.Code == uploader.NoteEmptyFolder)
}

// leftOutSummary is the summary's line about entries left out.
func leftOutSummary(notFiles, empty int) string {
	var parts []string
	if notFiles > 0 {
		parts = append(parts, trN("{{.Count}} entries were left out because they are not files (links to folders, pipes, devices, sockets).", notFiles))
	}
	if empty > 0 {
		parts = append(parts, trN("{{.Count}} folders held no files.", empty))
	}
	return strings.Join(parts, " ")
}

// count adds a left-out entry to the summary's figures.
func (o *uploadOutput) count(s uploader.Snapshot) {
	if s.Note.Code == uploader.NoteEmptyFolder {
		o.emptyDirs++
	} else {
		o.notFiles++
	}
}
