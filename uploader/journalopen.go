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
	j, err := safeOpen(p, false, 2*time.Second, true)
	if isBusy(err) {
		return nil, &BusyJournalError{Dir: dir}
	}
	if err != nil {
		return nil, err
	}
	err = guard(p, func() error { return j.bind(dir, bucketURL, false) })
	if err == nil {
		// A freelist that passed the check can still hand out a page in
		// use: read the tree once more after the first write, so the
		// engine's load never meets a page it cannot read.
		err = guard(p, func() error { return j.verify(true, false) })
	}
	if err != nil {
		j.close()
		return nil, err
	}
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
	j, err := safeOpen(p, false, 2*time.Second, false)
	if isBusy(err) {
		return &BusyJournalError{Dir: dir}
	}
	if err != nil {
		return err
	}
	defer j.close()
	return guard(p, func() error { return j.bind(dir, bucketURL, true) })
}

// JournalBucket is the bucket URL the journal in dir is bound to ("" when
// there is no journal or it names none).
func JournalBucket(dir string) (string, error) {
	p := filepath.Join(dir, JournalFile)
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	j, err := safeOpen(p, true, time.Second, false)
	if isBusy(err) {
		return "", &BusyJournalError{Dir: dir}
	}
	if err != nil {
		return "", err
	}
	defer j.close()
	var out string
	err = guard(p, func() error {
		var err error
		out, err = j.boundBucket()
		return err
	})
	return out, err
}

// safeOpen opens journal file p, turning bbolt's panics and memory
// faults on a damaged file (e.g. "invalid freelist page: 0" on a file
// truncated to half) into *DamagedJournalError. With verify it then reads
// every page of the journal's buckets and decodes every record, so damage
// shows here, in plain words, not later as a crash mid-upload.
func safeOpen(p string, readOnly bool, timeout time.Duration, verify bool) (*journal, error) {
	if err := checkJournalFile(p); err != nil {
		return nil, err
	}
	var j *journal
	err := guard(p, func() error {
		var err error
		if j, err = openDB(p, readOnly, timeout); err != nil {
			return err
		}
		if verify {
			// bbolt loads a read-only file's freelist lazily, inside
			// Check's own goroutine, where a panic cannot be recovered:
			// only a writable open (freelist loaded here) gets Check.
			return j.verify(true, !readOnly)
		}
		return nil
	})
	if err != nil {
		if j != nil {
			j.close()
		}
		return nil, err
	}
	return j, nil
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
	j, err := openDB(p, false, 2*time.Second)
	if err != nil {
		return res, fmt.Errorf("start a fresh journal: %w", err)
	}
	defer j.close()
	err = j.restore(map[string][][2][]byte{string(bucketTasks): tasks, string(bucketParts): parts, string(bucketMeta): meta, string(bucketLeftovers): left,
		string(bucketReceipts): salvageReceipts(tmp)})
	res.Tasks, res.Parts = len(tasks), len(parts)
	return res, err
}

// salvage reads what it can of a damaged journal file: task records that
// decode, parts of 12-byte keys, the meta bucket and the leftover uploads. A panic or fault
// stops only the bucket being read. A file bbolt cannot open is read page
// by page (salvage.go).
func salvage(p string) (tasks, parts, meta, left [][2][]byte, lost int, complete, raw bool) {
	j, err := safeOpen(p, true, time.Second, false)
	if err != nil {
		// bbolt cannot open it (both meta pages damaged): read the pages.
		tasks, parts, meta, left = rawSalvage(p)
		for i := range tasks {
			tasks[i][1] = pausedRecord(tasks[i][1])
		}
		return tasks, parts, meta, left, 0, false, true
	}
	defer j.close()
	complete = true
	read := func(name []byte, keep func(k, v []byte) bool) (out [][2][]byte) {
		err := guard(p, func() error {
			return j.scanBucket(name, func(k, v []byte) {
				if !keep(k, v) {
					lost++
					return
				}
				out = append(out, [2][]byte{append([]byte(nil), k...), append([]byte(nil), v...)})
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
func CheckJournal(dir string) error { return checkJournal(dir, true) }

// CheckJournalSpace is CheckJournal for a caller that has just read every
// task record (EachTask, which reports one that does not decode): it
// checks the rest (the file's length, the keys, bbolt's comparison of the
// tree with the freelist) without decoding the records a second time.
func CheckJournalSpace(dir string) error { return checkJournal(dir, false) }

func checkJournal(dir string, decode bool) error {
	p := filepath.Join(dir, JournalFile)
	if _, err := os.Stat(p); err != nil {
		return &NoJournalError{Dir: dir}
	}
	j, err := safeOpen(p, false, time.Second, false)
	if isBusy(err) {
		return &BusyJournalError{Dir: dir}
	}
	if err != nil {
		return err
	}
	if err := guard(p, func() error { return j.verify(decode, true) }); err != nil {
		j.close()
		return err
	}
	return j.close()
}
