package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"cosdrop/session"
	"cosdrop/uploader"
)

func init() {
	register("status", "Show every task in the journal", runStatus)
	register("repair", "Set damaged journals aside, keeping every task that can be read", runRepair)
}

// journalDirs is the state directory given, or every journal under the
// data directory.
func journalDirs(stateDir string) []string {
	if stateDir != "" {
		return []string{stateDir}
	}
	return session.Journals(session.DefaultDataDir())
}

func runStatus(args []string) int {
	fs := newFlagSet("status", "[--state-dir DIR] [--json]")
	stateDir := fs.String("state-dir", "", tr("directory of the upload journal (default: every journal)"))
	asJSON := fs.Bool("json", false, tr("print one JSON object per task"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	dirs := journalDirs(*stateDir)
	if len(dirs) == 0 {
		fmt.Println(tr("No uploads recorded yet."))
		return 0
	}
	// Buffered: a line per write(2) made printing most of the time of a
	// 100,000-task status. Flushed before anything else writes.
	out := bufio.NewWriterSize(os.Stdout, 64<<10)
	code := 0
	for _, dir := range dirs {
		if !statusOf(out, dir, *asJSON) {
			code = 1
		}
	}
	return code
}

// statusOf prints the tasks and leftover uploads of the journal in dir as
// they are read, one at a time; false when an error was printed.
func statusOf(out *bufio.Writer, dir string, asJSON bool) bool {
	enc := json.NewEncoder(out)
	words := newStatusWords()
	started := false
	count := func(n int) {
		started = true
		if !asJSON {
			fmt.Fprintf(out, "%s (%s)\n", safe(dir), trN("{{.Count}} tasks", n))
		}
	}
	err := session.Status(dir, count, func(s uploader.Snapshot) error {
		if asJSON {
			return enc.Encode(snapEvent("task", s))
		}
		_, err := fmt.Fprintln(out, words.line(s))
		return err
	})
	if started {
		if asJSON {
			if left, lerr := session.Leftovers(dir); lerr == nil {
				for _, l := range left {
					enc.Encode(map[string]any{"event": "leftover", "key": l.Key, "upload_id": l.UploadID, "code": l.Code, "since": l.Since})
				}
			}
		}
		out.Flush()
		if !asJSON {
			printLeftovers(dir)
		}
		printPendingReceipts(out, enc, dir, asJSON)
	}
	out.Flush()
	if err != nil { // a damaged journal: what could be read is above
		errLine(err)
		return false
	}
	return true
}

// statusWords are the translated words of a status listing, each looked
// up once: a lookup matches the user's language anew, which took a third
// of a 100,000-line listing's time.
type statusWords struct {
	states                          map[uploader.State]string
	deleted, unverified, requestIDs string
}

func newStatusWords() *statusWords {
	return &statusWords{states: map[uploader.State]string{},
		deleted: tr("deleted from COS"), unverified: tr("done, NOT verified"), requestIDs: tr("request IDs")}
}

// line is one task's entry in `cosdrop status`.
func (w *statusWords) line(s uploader.Snapshot) string {
	state, ok := w.states[s.State]
	if !ok {
		state = tr(string(s.State))
		w.states[s.State] = state
	}
	switch {
	case s.Note.Code == uploader.NoteDeleted:
		state = w.deleted
	case s.State == uploader.Done && !s.Verified:
		state = w.unverified
	}
	line := fmt.Sprintf("  %-10s %s %10s  %s -> %s", state, pctCell(s), humanBytes(s.Size), safe(s.Path), safe(s.Key))
	if s.LastErr != nil && s.State == uploader.Failed {
		line += "\n             " + errText(s.LastErr)
	}
	if len(s.RequestIDs) > 0 {
		line += "\n             " + w.requestIDs + ": " + safe(strings.Join(s.RequestIDs, ", "))
	}
	return line
}

// runRepair sets damaged journals aside (all of them, or the one in
// --state-dir); sound and busy journals are left alone.
func runRepair(args []string) int {
	fs := newFlagSet("repair", "[--state-dir DIR]")
	stateDir := fs.String("state-dir", "", tr("directory of the upload journal (default: every journal)"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	code := 0
	for _, dir := range journalDirs(*stateDir) {
		err := uploader.CheckJournal(dir)
		switch {
		case err == nil:
			fmt.Printf("%s: %s\n", safe(dir), tr("the journal is sound"))
		case session.IsDamaged(err):
			res, aerr := session.SetAsideJournal(dir)
			if aerr != nil {
				errLine(aerr)
				code = 1
				continue
			}
			fmt.Printf("%s: %s\n", safe(dir), session.SetAsideText(res))
		case errors.Is(err, uploader.ErrJournalBusy):
			fmt.Printf("%s: %s\n", safe(dir), tr("in use by a running CosDrop; left alone"))
		default:
			errLine(err)
			code = 1
		}
	}
	return code
}

// printPendingReceipts says how many receipts of the journal in dir wait
// to be written to the bucket (nothing when none waits).
func printPendingReceipts(out *bufio.Writer, enc *json.Encoder, dir string, asJSON bool) {
	n, err := session.PendingReceipts(dir)
	if err != nil || n == 0 {
		return
	}
	if asJSON {
		enc.Encode(map[string]any{"event": "receipts", "waiting": n})
	} else {
		fmt.Fprintln(out, "  "+session.PendingReceiptsText(n))
	}
	out.Flush()
}
