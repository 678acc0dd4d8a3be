package uploader

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// JournalFile is the journal's file name inside a state directory.
const JournalFile = "journal.db"

// ErrJournalBusy means another process (a window or another `cosdrop
// upload`) holds the journal open.
var ErrJournalBusy = errors.New("the journal is in use by another CosDrop process")

// DamagedJournalError means the journal file cannot be read as a journal:
// truncated, zeroed or flipped pages, or records that do not decode. The
// file is left untouched; SetAsideJournal moves it away and keeps what can
// still be read.
type DamagedJournalError struct {
	Path   string // the journal file
	Reason string // what bbolt or the decoder found (English, for support)
}

func (e *DamagedJournalError) Error() string {
	return fmt.Sprintf("the journal %s is damaged: %s", e.Path, e.Reason)
}

// BusyJournalError is ErrJournalBusy with the state directory.
type BusyJournalError struct{ Dir string }

func (e *BusyJournalError) Error() string {
	return fmt.Sprintf("the state directory %s is in use by another CosDrop process", e.Dir)
}

// Unwrap makes errors.Is(err, ErrJournalBusy) hold.
func (e *BusyJournalError) Unwrap() error { return ErrJournalBusy }

// NoJournalError means a state directory holds no journal: nothing was
// uploaded with it yet (or it is the wrong directory).
type NoJournalError struct{ Dir string }

func (e *NoJournalError) Error() string { return fmt.Sprintf("no journal in %s", e.Dir) }

// Unwrap makes errors.Is(err, fs.ErrNotExist) hold.
func (e *NoJournalError) Unwrap() error { return os.ErrNotExist }

// JournalBucketError means the journal in Dir was written for another
// bucket: its upload IDs mean nothing at Want.
type JournalBucketError struct{ Dir, Have, Want string }

func (e *JournalBucketError) Error() string {
	return fmt.Sprintf("the journal in %s belongs to %s, not %s; use another state directory", e.Dir, e.Have, e.Want)
}

// openJournal opens (creating) StateDir/journal.db for bucketURL. A journal
// written for another bucket is refused: its upload IDs mean nothing there.
// A damaged file is reported as *DamagedJournalError, never as a panic.
func openJournal(dir, bucketURL string) (*journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		if accessProblem(err) {
			return nil, &JournalAccessError{Dir: dir, Err: err}
		}
		return nil, fmt.Errorf("create state directory: %w", err)
	}
	p := filepath.Join(dir, JournalFile)
	db, err := safeOpen(p, &bolt.Options{Timeout: 2 * time.Second}, true)
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, &BusyJournalError{Dir: dir}
	}
	if err != nil {
		return nil, err
	}
	err = guard(p, func() error {
		return db.Update(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketTasks, bucketParts, bucketMeta} {
				if _, err := tx.CreateBucketIfNotExists(b); err != nil {
					return err
				}
			}
			m := tx.Bucket(bucketMeta)
			if old := m.Get(metaBucket); old != nil && string(old) != bucketURL && bucketURL != "" {
				return &JournalBucketError{Dir: dir, Have: string(old), Want: bucketURL}
			}
			if bucketURL != "" && string(m.Get(metaBucket)) != bucketURL {
				return m.Put(metaBucket, []byte(bucketURL))
			}
			return nil
		})
	})
	if err == nil {
		// A freelist that passed the check can still hand out a page in
		// use: read the tree once more after the first write, so the
		// engine's load never meets a page it cannot read.
		err = guard(p, func() error { return verifyJournal(db, false) })
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	j := &journal{db: db}
	j.identify(p)
	return j, nil
}

// RebindJournal records that the journal in dir now belongs to bucketURL.
// Only a caller that knows the bucket merely moved address may use it: the
// Sandbox, whose in-app server serves the same bucket from the same
// directory on whatever loopback port it gets. A missing journal is fine.
func RebindJournal(dir, bucketURL string) error {
	p := filepath.Join(dir, JournalFile)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	db, err := safeOpen(p, &bolt.Options{Timeout: 2 * time.Second}, false)
	if errors.Is(err, berrors.ErrTimeout) {
		return &BusyJournalError{Dir: dir}
	}
	if err != nil {
		return err
	}
	defer db.Close()
	return guard(p, func() error {
		return db.Update(func(tx *bolt.Tx) error {
			m, err := tx.CreateBucketIfNotExists(bucketMeta)
			if err != nil {
				return err
			}
			return m.Put(metaBucket, []byte(bucketURL))
		})
	})
}

// JournalBucket is the bucket URL the journal in dir is bound to ("" when
// there is no journal or it names none).
func JournalBucket(dir string) (string, error) {
	p := filepath.Join(dir, JournalFile)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	db, err := safeOpen(p, &bolt.Options{ReadOnly: true, Timeout: time.Second}, false)
	if errors.Is(err, berrors.ErrTimeout) {
		return "", &BusyJournalError{Dir: dir}
	}
	if err != nil {
		return "", err
	}
	defer db.Close()
	var out string
	err = guard(p, func() error {
		return db.View(func(tx *bolt.Tx) error {
			if m := tx.Bucket(bucketMeta); m != nil {
				out = string(m.Get(metaBucket))
			}
			return nil
		})
	})
	return out, err
}

// safeOpen opens a bbolt file, turning bbolt's panics and memory faults
// on a damaged file (e.g. "invalid freelist page: 0" on a file truncated
// to half) into *DamagedJournalError. With verify it then reads every
// page of the journal's buckets and decodes every record, so damage shows
// here, in plain words, not later as a crash mid-upload.
func safeOpen(p string, opts *bolt.Options, verify bool) (*bolt.DB, error) {
	if err := checkJournalFile(p); err != nil {
		return nil, err
	}
	var db *bolt.DB
	err := guard(p, func() error {
		var err error
		db, err = bolt.Open(p, 0o600, opts)
		if err != nil {
			if errors.Is(err, berrors.ErrTimeout) {
				return err
			}
			if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrVersionMismatch) {
				return &DamagedJournalError{Path: p, Reason: err.Error()}
			}
			if accessProblem(err) {
				// Not damage: a read-only disk (EROFS) was reported as a
				// damaged journal, inviting a needless repair.
				return &JournalAccessError{Dir: filepath.Dir(p), Err: err}
			}
			if fi, serr := os.Stat(p); serr == nil && fi.Size() > 0 {
				return &DamagedJournalError{Path: p, Reason: err.Error()}
			}
			return fmt.Errorf("open journal %s: %w", p, err)
		}
		if verify {
			// bbolt loads a read-only file's freelist lazily, inside
			// Check's own goroutine, where a panic cannot be recovered:
			// only a writable open (freelist loaded here) gets Check.
			return verifyJournal(db, !opts.ReadOnly)
		}
		return nil
	})
	if err != nil {
		var de *DamagedJournalError
		if errors.As(err, &de) && de.Path == "" {
			de.Path = p
		}
		if db != nil {
			db.Close()
		}
		return nil, err
	}
	return db, nil
}

// verifyJournal reads every key and value of every bucket and decodes
// each task record: the pages a later load or update touches. Then, with
// every page known to be readable, bbolt's own consistency check compares
// the tree with the freelist: a damaged freelist that lists pages in use
// would make the next write overwrite live tasks. The cost is two passes
// over the file, like the engine's own load.
func verifyJournal(db *bolt.DB, check bool) error {
	err := db.View(func(tx *bolt.Tx) error {
		// bbolt grows the file before it writes past its end, so a file
		// shorter than the size its own meta page records was cut short
		// (a copy or a disk that lost its tail): pages the freelist and
		// the next writes rely on are gone.
		if fi, err := os.Stat(db.Path()); err == nil && fi.Size() < tx.Size() {
			return &DamagedJournalError{Reason: fmt.Sprintf("the file is truncated: %d bytes of %d", fi.Size(), tx.Size())}
		}
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			var r record
			return b.ForEach(func(k, v []byte) error {
				switch {
				case string(name) == string(bucketTasks) && len(k) != 8:
					return &DamagedJournalError{Reason: fmt.Sprintf("task key %x has %d bytes", k, len(k))}
				case string(name) == string(bucketTasks):
					if err := decodeRecord(v, &r); err != nil {
						return &DamagedJournalError{Reason: fmt.Sprintf("task %x: %v", k, err)}
					}
				case string(name) == string(bucketParts) && len(k) != 12:
					return &DamagedJournalError{Reason: fmt.Sprintf("part key %x has %d bytes", k, len(k))}
				}
				return nil
			})
		})
	})
	if err != nil || !check {
		return err
	}
	return db.View(func(tx *bolt.Tx) error {
		for cerr := range tx.Check() {
			if err == nil {
				err = &DamagedJournalError{Reason: cerr.Error()}
			}
		}
		return err
	})
}

// guard runs fn, turning a panic or a memory fault (a damaged page read
// through bbolt's mmap) into *DamagedJournalError for file p.
func guard(p string, fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			err = &DamagedJournalError{Path: p, Reason: fmt.Sprint(r)}
		}
	}()
	err = fn()
	var de *DamagedJournalError
	if errors.As(err, &de) && de.Path == "" {
		de.Path = p
	}
	return err
}

// SetAsideResult says what SetAsideJournal did.
type SetAsideResult struct {
	Moved    string // where the damaged file now is
	Tasks    int    // task records copied into the fresh journal
	Parts    int    // acknowledged parts copied
	Lost     int    // records that could not be read
	Complete bool   // every record was read (the damage was elsewhere)
	// Raw: bbolt could not open the file (both meta pages damaged), so its
	// pages were read one by one (salvage.go): unfinished tasks come back
	// paused, and a task removed earlier may come back.
	Raw bool
}

// SetAsideJournal moves a damaged journal in dir aside (journal.db ->
// journal.db.damaged-<time>) and starts a fresh journal holding every task
// record and part that can still be read from it, so the user carries on
// with what survived. Nothing must hold the journal open in this process.
func SetAsideJournal(dir string) (SetAsideResult, error) {
	p := filepath.Join(dir, JournalFile)
	var res SetAsideResult
	if _, err := os.Stat(p); err != nil {
		return res, &NoJournalError{Dir: dir}
	}
	res.Moved = p + ".damaged-" + time.Now().UTC().Format("20060102T150405Z")
	if err := retryRename(os.Rename, p, res.Moved); err != nil {
		return res, fmt.Errorf("set the damaged journal aside: %w", err)
	}
	// Read from a copy: a failed open in this process may still hold a
	// lock on the damaged file itself.
	tmp := p + ".salvage"
	if err := copyFile(res.Moved, tmp); err != nil {
		return res, err
	}
	defer os.Remove(tmp)
	tasks, parts, meta, left, lost, complete, raw := salvage(tmp)
	res.Lost, res.Complete, res.Raw = lost, complete, raw
	db, err := bolt.Open(p, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if err != nil {
		return res, fmt.Errorf("start a fresh journal: %w", err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		for name, kvs := range map[string][][2][]byte{string(bucketTasks): tasks, string(bucketParts): parts, string(bucketMeta): meta, string(bucketLeftovers): left} {
			b, err := tx.CreateBucketIfNotExists([]byte(name))
			if err != nil {
				return err
			}
			for _, kv := range kvs {
				if err := b.Put(kv[0], kv[1]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	res.Tasks, res.Parts = len(tasks), len(parts)
	return res, err
}

// salvage reads what it can of a damaged journal file: task records that
// decode, parts of 12-byte keys, the meta bucket and the leftover uploads. A panic or fault
// stops only the bucket being read. A file bbolt cannot open is read page
// by page (salvage.go).
func salvage(p string) (tasks, parts, meta, left [][2][]byte, lost int, complete, raw bool) {
	db, err := safeOpen(p, &bolt.Options{ReadOnly: true, Timeout: time.Second}, false)
	if err != nil {
		// bbolt cannot open it (both meta pages damaged): read the pages.
		tasks, parts, meta, left = rawSalvage(p)
		for i := range tasks {
			tasks[i][1] = pausedRecord(tasks[i][1])
		}
		return tasks, parts, meta, left, 0, false, true
	}
	defer db.Close()
	complete = true
	read := func(name []byte, keep func(k, v []byte) bool) (out [][2][]byte) {
		err := guard(p, func() error {
			return db.View(func(tx *bolt.Tx) error {
				b := tx.Bucket(name)
				if b == nil {
					return nil
				}
				c := b.Cursor()
				for k, v := c.First(); k != nil; k, v = c.Next() {
					if !keep(k, v) {
						lost++
						continue
					}
					out = append(out, [2][]byte{append([]byte(nil), k...), append([]byte(nil), v...)})
				}
				return nil
			})
		})
		if err != nil {
			complete = false
		}
		return out
	}
	var r record
	tasks = read(bucketTasks, func(k, v []byte) bool { return len(k) == 8 && decodeRecord(v, &r) == nil })
	parts = read(bucketParts, func(k, v []byte) bool { return len(k) == 12 })
	meta = read(bucketMeta, func(k, v []byte) bool {
		if string(k) != string(metaBucket) {
			return true
		}
		// A damaged bucket URL would lock the fresh journal to garbage;
		// without one, the next engine binds it to its bucket.
		u, err := url.Parse(string(v))
		return err == nil && utf8.Valid(v) && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && strings.IndexFunc(string(v), unicode.IsControl) < 0
	})
	left = read(bucketLeftovers, func(k, v []byte) bool { var l Leftover; return json.Unmarshal(v, &l) == nil })
	return tasks, parts, meta, left, lost, complete && lost == 0, false
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// CheckJournal reads the whole journal in dir and runs bbolt's
// consistency check; it writes nothing, but opens the file for writing
// (bbolt checks the freelist only then), so it reports *BusyJournalError
// when a process holds it, *DamagedJournalError if any of it is damaged,
// nil when it is sound.
func CheckJournal(dir string) error {
	p := filepath.Join(dir, JournalFile)
	if _, err := os.Stat(p); err != nil {
		return &NoJournalError{Dir: dir}
	}
	db, err := safeOpen(p, &bolt.Options{Timeout: time.Second}, true)
	if errors.Is(err, berrors.ErrTimeout) {
		return &BusyJournalError{Dir: dir}
	}
	if err != nil {
		return err
	}
	return db.Close()
}
