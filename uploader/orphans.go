package uploader

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Uploads the journal does not know. A journal lost or damaged beyond
// repair (both bbolt meta pages zeroed: issue 20) forgets the multipart
// uploads it had started; their parts stay on COS, billed, and the next
// run of the same files starts new ones. Two things find them again:
//
//   - A fresh task about to start an upload lists the key's open uploads
//     anyway (initiate, finding 11). One whose parts are this file's bytes
//     (a part's ETag is the MD5 of the file's bytes at that place, with the
//     part size this configuration chooses) is an earlier run's upload of
//     this very file: it is adopted, and only the missing parts are sent.
//   - Cleanup asks COS for every upload open under the profile's prefix.
//     COS's listing (ListMultipartUploads) says only key, upload ID,
//     initiator and time, and a metadata header set on Initiate is not in
//     it, so an upload cannot be proven CosDrop's. One whose key a finished
//     task of this journal uploaded to, initiated before that task
//     finished, that no task holds, is CosDrop's orphan (the lost
//     journal's upload, which the rerun did not adopt) and is aborted; the
//     others are reported, never aborted: they may be another computer's
//     uploads in progress.

// adoptable returns an upload of before (the key's open uploads) that
// holds this file's bytes, or "" when none does (or they cannot be read).
// Only the first listed part of each is compared: adoptListed checks every
// part again before any is trusted, and Complete the whole CRC64.
func (w *worker) adoptable(key string, before map[string]bool) string {
	ids := make([]string, 0, len(before))
	for id := range before {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	f, err := os.Open(w.r.Path)
	if err != nil {
		return ""
	}
	defer f.Close()
	ps := choosePartSize(w.r.Size, w.e.cfg.PartSize)
	probe := w.r
	probe.PartSize = ps
	for _, id := range ids[:min(len(ids), 4)] {
		var listed map[int]string
		err := w.retry("list parts", func(ctx context.Context) error {
			return w.gated(ctx, func() error {
				var err error
				listed, err = w.e.store.listParts(ctx, key, id)
				return err
			})
		})
		if err != nil || len(listed) == 0 {
			continue
		}
		n := slices.Min(mapsKeys(listed))
		if n < 1 || n > probe.parts() {
			continue
		}
		sum, _, err := rangeMD5CRC(f, int64(n-1)*ps, partLen(probe, n))
		if err == nil && strings.Trim(listed[n], `"`) == sum {
			return id
		}
	}
	return ""
}

func mapsKeys(m map[int]string) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// listPrefix is the part of a key template every key starts with: the
// text before its first placeholder (a folder when it has none).
func listPrefix(tmpl string) string {
	if i := strings.IndexByte(tmpl, '{'); i >= 0 {
		return norm.NFC.String(tmpl[:i])
	}
	if tmpl != "" && !strings.HasSuffix(tmpl, "/") {
		tmpl += "/"
	}
	return norm.NFC.String(tmpl)
}

// cleanStrays asks COS for the uploads open under the profile's prefix
// that the journal does not list: those at a key a finished task uploaded
// to (CosDrop's orphans) are aborted, or kept as leftovers when COS
// refuses; the rest go to res.Unknown. Uploads a task may still resume,
// and keys a task is still to upload (it adopts its upload), are left.
func (e *Engine) cleanStrays(ctx context.Context, res *CleanResult, tried map[string]bool) error {
	var open []Leftover
	err := retrier{e: e, op: "list uploads"}.do(ctx, nil, func(ctx context.Context) error {
		var err error
		open, err = e.store.listOpen(ctx, listPrefix(e.cfg.Prefix))
		return err
	})
	if err != nil {
		return fmt.Errorf("list uploads: %w", err)
	}
	tasks, _ := e.Changes(0)
	live, pending := map[string]bool{}, map[string]bool{}
	finished := map[string]time.Time{} // key -> when a task last finished there
	for _, s := range tasks {
		if s.UploadID != "" {
			live[s.UploadID] = true
		}
		keys := []string{s.Key, s.RequestedKey}
		for _, k := range keys {
			if k == "" {
				continue
			}
			if s.State == Done || s.State == Skipped || s.State == Canceled {
				if s.Finished.After(finished[k]) {
					finished[k] = s.Finished
				}
			} else {
				pending[k] = true
			}
		}
	}
	for _, u := range open {
		switch {
		case live[u.UploadID] || tried[u.UploadID] || pending[u.Key]:
		case u.Since.IsZero() || !u.Since.Before(finished[u.Key]):
			res.Unknown = append(res.Unknown, u) // not ours as far as COS's list can tell
		default:
			if err := e.abortStray(ctx, u, res); err != nil {
				return err
			}
		}
	}
	return nil
}

// abortStray aborts one of CosDrop's orphaned uploads; one COS will not
// end is recorded as a leftover, so status shows it and cleanup retries.
func (e *Engine) abortStray(ctx context.Context, u Leftover, res *CleanResult) error {
	err := retrier{e: e, op: "abort"}.do(ctx, nil, func(ctx context.Context) error {
		return e.store.abort(ctx, u.Key, u.UploadID)
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err == nil {
		res.Ended++
		return nil
	}
	u.Code = abortCode(err)
	res.Open = append(res.Open, u)
	e.inbox.put(leftoverMsg{l: u})
	return nil
}
