package uploader

import (
	"context"

	"cosdrop/auth"
	"cosdrop/contenttype"
)

// Planned is what an upload of one file would do (Plan): its key and
// headers, or why it would be left out or refused.
type Planned struct {
	Path string
	// Key is the object key (for a refused file, the key refused); "" in
	// server-signed mode (the signing server picks it) and for an
	// excluded file.
	Key  string
	Size int64
	// Headers are the rules' headers with the Content-Type resolved (the
	// rules' or the one of the key's name).
	Headers auth.ObjectHeaders
	// ExcludedBy is the exclude pattern that leaves the file (or folder)
	// out; Rel is its path relative to the dropped folder then.
	ExcludedBy, Rel string
	// Error is why the file would fail at once (unreadable, a key COS
	// refuses, a duplicate key).
	Error *TaskError
}

// Plan walks paths as Add would, with cfg's prefix, rules and mode, and
// returns what each file would get, in walk order. It opens no journal and
// sends nothing: `cosdrop upload --dry-run`. Only cfg's Prefix, Now,
// Signer (whether the server picks keys), Exclude and Headers matter.
func Plan(ctx context.Context, cfg Config, paths ...string) []Planned {
	cfg.setDefaults()
	e := &Engine{cfg: cfg, ctx: ctx}
	w := &walker{e: e, time: cfg.Now(), seen: map[string]string{}, plan: true}
	w.addPaths(paths)
	out := make([]Planned, 0, len(w.pending))
	for _, r := range w.pending {
		p := Planned{Path: r.Path, Key: r.Key, Size: r.Size, Error: r.LastErr}
		switch {
		case r.Note.Code == NoteExcluded:
			p.ExcludedBy, p.Rel = r.Note.Args["pattern"], r.Note.Args["rel"]
		case r.State == Queued:
			if cfg.Headers != nil {
				p.Headers = cfg.Headers(relOf(r))
			}
			if p.Headers.ContentType == "" {
				name := r.Key
				if name == "" {
					name = r.Path
				}
				p.Headers.ContentType = contenttype.ForName(name)
			}
		}
		out = append(out, p)
	}
	return out
}
