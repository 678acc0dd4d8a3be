package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
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
	code := 0
	enc := json.NewEncoder(os.Stdout)
	for _, dir := range dirs {
		snaps, err := session.Status(dir)
		if err != nil && len(snaps) == 0 {
			errLine(err)
			code = 1
			continue
		}
		sort.Slice(snaps, func(i, j int) bool { return snaps[i].ID < snaps[j].ID })
		if !*asJSON {
			fmt.Printf("%s (%s)\n", safe(dir), trN("{{.Count}} tasks", len(snaps)))
		}
		for _, s := range snaps {
			if *asJSON {
				enc.Encode(snapEvent("task", s))
				continue
			}
			state := tr(string(s.State))
			switch {
			case s.Note.Code == uploader.NoteDeleted:
				state = tr("deleted from COS")
			case s.State == uploader.Done && !s.Verified:
				state = tr("done, NOT verified")
			}
			line := fmt.Sprintf("  %-10s %s %10s  %s -> %s", state, pctCell(s), humanBytes(s.Size), safe(s.Path), safe(s.Key))
			if s.LastErr != nil && s.State == uploader.Failed {
				line += "\n             " + errText(s.LastErr)
			}
			if len(s.RequestIDs) > 0 {
				line += "\n             " + tr("request IDs") + ": " + safe(strings.Join(s.RequestIDs, ", "))
			}
			fmt.Println(line)
		}
		if *asJSON {
			if left, lerr := session.Leftovers(dir); lerr == nil {
				for _, l := range left {
					enc.Encode(map[string]any{"event": "leftover", "key": l.Key, "upload_id": l.UploadID, "code": l.Code, "since": l.Since})
				}
			}
		} else {
			printLeftovers(dir)
		}
		if err != nil { // a damaged journal: what could be read is above
			errLine(err)
			code = 1
		}
	}
	return code
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
