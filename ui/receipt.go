package ui

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"cosdrop/session"
)

// receiptPlace says where a receipt's uploads went: a receipt without the
// bucket and region does not prove where a file is. Words holds each
// task's note and link by its ID (as the engine's export writes it): why
// an entry was left out or skipped, and the link a verified upload has
// (the CSV had neither, issue 21, finding 8).
type receiptPlace struct {
	Profile, Bucket, Region string
	Words                   map[string][2]string // id -> {note, link}
}

// receiptWords is the note and link of every task the window holds, for
// the receipt (read on the Fyne goroutine, written out on another).
func (w *mainWindow) receiptWords() map[string][2]string {
	out := map[string][2]string{}
	for _, s := range w.model.all() {
		link, _ := w.links.linkOf(s)
		out[strconv.FormatUint(uint64(s.ID), 10)] = [2]string{session.NoteText(s.Note), link}
	}
	return out
}

// place is where the current session uploads.
func (w *mainWindow) place() receiptPlace {
	s := w.sess
	switch {
	case s == nil:
		return receiptPlace{}
	case s.sandbox:
		return receiptPlace{Profile: SandboxName, Bucket: session.SandboxBucket, Region: session.SandboxRegion}
	}
	return receiptPlace{Profile: s.name, Bucket: s.profile.Bucket, Region: s.profile.Region}
}

// utf8BOM starts the CSV receipt: without it, Excel reads the file as the
// system's legacy code page and garbles Chinese paths.
const utf8BOM = "\ufeff"

// writeReceipt writes the engine's history export (export) to out with
// the profile, bucket and region on every entry; a CSV starts with a
// UTF-8 byte order mark.
func writeReceipt(out io.Writer, format string, p receiptPlace, export func(io.Writer, string) error) error {
	var buf bytes.Buffer
	if err := export(&buf, format); err != nil {
		return err
	}
	switch format {
	case "csv":
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			return fmt.Errorf("read the engine's CSV: %w", err)
		}
		if _, err := io.WriteString(out, utf8BOM); err != nil {
			return err
		}
		cw := csv.NewWriter(out)
		for i, r := range rows {
			head := []string{p.Profile, p.Bucket, p.Region}
			var tail []string
			switch {
			case i == 0:
				head, tail = []string{"profile", "bucket", "region"}, []string{"note", "link"}
			case len(r) > 0:
				words := p.Words[r[0]]
				tail = words[:]
			}
			if err := cw.Write(append(append(head, r...), tail...)); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	case "json":
		var entries []map[string]any
		dec := json.NewDecoder(&buf)
		dec.UseNumber()
		if err := dec.Decode(&entries); err != nil {
			return fmt.Errorf("read the engine's JSON: %w", err)
		}
		for _, e := range entries {
			e["profile"], e["bucket"], e["region"] = p.Profile, p.Bucket, p.Region
			words := p.Words[fmt.Sprint(e["id"])]
			e["note"], e["link"] = words[0], words[1]
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	}
	return fmt.Errorf("unknown export format %q", format)
}
