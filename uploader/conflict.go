package uploader

import (
	"context"
	"fmt"
	"net/http"
)

// Conflict policies are built on x-cos-forbid-overwrite, not on a HEAD
// before the write: a HEAD cannot stop another client writing between it
// and our PUT, and Tencent's sample STS policies do not grant HeadObject at
// all. Under skip, rename and ask every PUT, Initiate and Complete carries
// x-cos-forbid-overwrite: true (COS doc 436/7749, 436/7746), so COS refuses
// with 409 FileAlreadyExists instead of replacing an object; the 409 is
// where the policy applies. A HEAD is only used, where it is allowed, to
// compare an existing object (skip identical) or describe it (ask).
//
// The record's Resolved flag means "writing may replace what is at Key"
// (the policy is overwrite, or it decided to overwrite this object); until
// then every write forbids overwriting.

// maxConflictTries bounds the uploads one run tries after 409s (names
// "a (1).txt" ... for rename).
const maxConflictTries = 1000

// forbid reports whether this run's writes must not replace an object.
func (w *worker) forbid() bool {
	return !w.r.Resolved && w.e.cfg.OnConflict != Overwrite && w.e.cfg.OnConflict != "" && w.e.cfg.Signer == nil
}

// precheck applies the policy before the first byte is sent, where a HEAD
// can tell (skip identical, ask). Rename needs no look: the first write
// with forbid-overwrite finds out. A non-nil result ends the task.
func (w *worker) precheck() (*result, error) {
	switch w.e.cfg.OnConflict {
	case SkipIdentical, Ask:
	default:
		return nil, nil
	}
	info, denied, err := w.look(w.r.Key)
	if err != nil || denied || !info.Found {
		// Denied: upload with forbid-overwrite; a 409 applies the policy.
		return nil, err
	}
	return w.applyPolicy(&info)
}

// onExists applies the policy after COS refused a write (409): an object
// is at w.r.Key. An open multipart upload under that key is dropped first
// (its parts cannot move to another key). A nil result with no error means
// "send again" (to a new key, or overwriting).
func (w *worker) onExists() (*result, error) {
	if w.r.UploadID != "" {
		if err := w.restart(true, Note{}); err != nil {
			return nil, err
		}
	}
	var info *objectInfo
	if p := w.e.cfg.OnConflict; p == SkipIdentical || p == Ask {
		i, denied, err := w.look(w.r.Key)
		if err != nil {
			return nil, err
		}
		if !denied {
			if !i.Found {
				return nil, nil // deleted meanwhile: try again, still forbidding
			}
			info = &i
		}
	}
	return w.applyPolicy(info)
}

// applyPolicy decides about the object at w.r.Key; info is what HEAD says
// of it, nil when HEAD is not allowed.
func (w *worker) applyPolicy(info *objectInfo) (*result, error) {
	r := &w.r
	policy := w.e.cfg.OnConflict
	if policy == Ask {
		c := Conflict{Task: r.ID, Path: r.Path, Key: r.Key, LocalSize: r.Size, RemoteSize: -1}
		if info != nil {
			c.RemoteSize, c.RemoteCRC64 = info.Size, info.CRC64
		}
		var err error
		if policy, err = w.ask(w.rs.ctx, c); err != nil {
			return nil, err
		}
	}
	switch policy {
	case SkipIdentical:
		if info == nil {
			return &result{key: r.Key, skipped: true, note: note(NoteSkippedUncompared, "key", r.Key)}, nil
		}
		same, err := identical(r, *info)
		if err != nil {
			return nil, err
		}
		if same {
			return &result{key: r.Key, crc: info.CRC64, skipped: true, note: note(NoteSkippedIdentical)}, nil
		}
		w.resolve(r.Key, true, Note{}) // a different object: skip identical overwrites it
	case Rename:
		key, err := w.nextName()
		if err != nil {
			return nil, err
		}
		w.resolve(key, false, note(NoteRenamed, "from", r.requested(), "to", key))
	default:
		w.resolve(r.Key, true, Note{})
	}
	return nil, nil
}

// resolve moves the task to key; overwrite says whether writes there may
// replace an object.
func (w *worker) resolve(key string, overwrite bool, n Note) {
	if w.r.Requested == "" && key != w.r.Key {
		w.r.Requested = w.r.Key
	}
	w.r.Key, w.r.Resolved = key, overwrite
	w.send(report{kind: rResolved, res: &result{key: key, resolved: overwrite, note: n}})
}

// nextName is the name after the task's current one: "a (1).txt" after
// "a.txt", "a (3).txt" after "a (2).txt". Whether it is free is found by
// writing to it with forbid-overwrite.
func (w *worker) nextName() (string, error) {
	req, n := w.r.requested(), 1
	for i := 1; i < maxConflictTries; i++ {
		if renamedKey(req, i) == w.r.Key {
			n = i + 1
			break
		}
	}
	key := renamedKey(req, n)
	if err := checkKey(w.r.Path, key); err != nil {
		return "", fmt.Errorf("rename: %w", &localError{code: CodeInvalidKey, err: err})
	}
	return key, nil
}

// look HEADs key. denied reports that the credentials do not allow
// HeadObject (Tencent's sample STS policies): a 403 that persists after
// fresh credentials. The engine remembers it, so later tasks do not ask.
func (w *worker) look(key string) (info objectInfo, denied bool, err error) {
	if w.e.headDenied.Load() {
		return objectInfo{}, true, nil
	}
	for try := 0; ; try++ {
		info, err = w.head(key)
		if err == nil || !isForbidden(err) {
			return info, false, err
		}
		// A HEAD's 403 has no body, so an expired token looks the same as
		// a missing permission: refresh once before concluding.
		if try > 0 || w.e.cfg.Credentials == nil {
			w.e.headDenied.Store(true)
			return objectInfo{}, true, nil
		}
		if _, rerr := w.e.cfg.Credentials.Refresh(w.rs.ctx); rerr != nil {
			return objectInfo{}, false, fmt.Errorf("head: refresh credentials: %w", rerr)
		}
	}
}

// head returns what COS has at key, with retries.
func (w *worker) head(key string) (objectInfo, error) {
	var info objectInfo
	err := retrier{e: w.e, op: "head"}.do(w.rs.ctx, nil, func(ctx context.Context) error {
		return w.gated(ctx, func() error {
			var err error
			info, err = w.e.store.head(ctx, key)
			return err
		})
	})
	return info, err
}

// isForbidden reports a 403 that is not an expired or invalid token.
func isForbidden(err error) bool {
	er, ok := cosError(err)
	return ok && er.Response != nil && er.Response.StatusCode == http.StatusForbidden &&
		er.Code != "ExpiredToken" && er.Code != "InvalidToken"
}

// identical reports whether the object COS has is the file (size and CRC64).
func identical(r *record, info objectInfo) (bool, error) {
	if info.Size != r.Size || info.CRC64 == 0 {
		return false, nil
	}
	local, err := fileCRC(r.Path)
	if err != nil {
		return false, fmt.Errorf("read file: %w", &localError{code: CodeFileMissing, err: err})
	}
	return local == info.CRC64, nil
}

// requested is the key the user asked for, before any rename.
func (r *record) requested() string {
	if r.Requested != "" {
		return r.Requested
	}
	return r.Key
}
