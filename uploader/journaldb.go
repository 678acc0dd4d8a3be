package uploader

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The journal's door: the only file that knows the journal is a bbolt
// database (internal/arch's door test keeps it so). Everything else speaks
// in journal operations: the loop hands commit a function of a
// journalWriter (save a task, delete one, save a part, drop parts, note a
// leftover), readers ask a journalReader or the journal for tasks, parts
// and leftovers, and opening, checking and salvaging a file are methods
// here. Layout: bucket "tasks" holds each record under its big-endian ID,
// "parts" each acknowledged part under ID and part number, "meta" the
// bucket URL, "leftovers" each open upload under its ID, "receipts" each receipt
// waiting to be written under its key in the bucket.

var (
	bucketTasks     = []byte("tasks")
	bucketParts     = []byte("parts")
	bucketMeta      = []byte("meta")
	bucketLeftovers = []byte("leftovers")
	bucketReceipts  = []byte("receipts")
	metaBucket      = []byte("bucket_url")
	metaReceiptTag  = []byte("receipt_tag")
)

// journal is the engine's journal file. Only the engine loop writes it,
// one commit per loop step (see Engine.commit), so a step's changes share
// one fsync; workers and ReadJournal only read.
type journal struct {
	db    *bolt.DB
	path  string      // the file, to notice it removed or replaced (journalaccess.go)
	ident os.FileInfo // what the file was when opened
}

// journalReader reads one consistent view of the journal.
type journalReader interface {
	task(id TaskID) (*record, error) // errNoRecord when there is none
}

// journalWriter is what a loop step may change in its one commit.
type journalWriter interface {
	saveTask(r *record) error
	deleteTask(id TaskID) error // the record and its parts
	savePart(id TaskID, p partRecord) error
	dropParts(id TaskID) error
	leftover(uploadID string) (Leftover, bool)
	saveLeftover(l Leftover) error
	endLeftover(uploadID string) error
	saveReceipt(p pendingReceipt) error
	endReceipt(key string) error
}

// boltTx is a bbolt transaction speaking journal operations.
type boltTx struct{ tx *bolt.Tx }

func idKey(id TaskID) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], uint64(id))
	return k[:]
}

func partKey(id TaskID, n int) []byte {
	var k [12]byte
	binary.BigEndian.PutUint64(k[:8], uint64(id))
	binary.BigEndian.PutUint32(k[8:], uint32(n))
	return k[:]
}

// isBusy reports an open that timed out on another process's lock.
func isBusy(err error) bool { return errors.Is(err, berrors.ErrTimeout) }

// openDB opens journal file p (read-only or for writing), waiting at most
// timeout for another process's lock (then an error isBusy reports). A
// file bbolt refuses is *DamagedJournalError, a refusal by permissions or
// a read-only disk *JournalAccessError. Callers run it under guard: bbolt
// may panic on a damaged file.
func openDB(p string, readOnly bool, timeout time.Duration) (*journal, error) {
	db, err := bolt.Open(p, 0o600, &bolt.Options{ReadOnly: readOnly, Timeout: timeout})
	if err == nil {
		return &journal{db: db}, nil
	}
	if isBusy(err) {
		return nil, err
	}
	if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) || errors.Is(err, berrors.ErrVersionMismatch) {
		return nil, &DamagedJournalError{Path: p, Reason: err.Error()}
	}
	if accessProblem(err) {
		// Not damage: a read-only disk (EROFS) was reported as a
		// damaged journal, inviting a needless repair.
		return nil, &JournalAccessError{Dir: filepath.Dir(p), Err: err}
	}
	if fi, serr := os.Stat(p); serr == nil && fi.Size() > 0 {
		return nil, &DamagedJournalError{Path: p, Reason: err.Error()}
	}
	return nil, fmt.Errorf("open journal %s: %w", p, err)
}

func (j *journal) close() error { return j.db.Close() }

// commit runs fn's operations as one durable write: all or none.
func (j *journal) commit(fn func(journalWriter) error) error {
	return j.db.Update(func(tx *bolt.Tx) error {
		// Task IDs only grow, so records are appended: fill pages (bbolt
		// splits them half full by default, doubling the mapped file).
		tx.Bucket(bucketTasks).FillPercent = 0.9
		tx.Bucket(bucketParts).FillPercent = 0.9
		return fn(boltTx{tx})
	})
}

// view runs fn with one consistent read view of the journal.
func (j *journal) view(fn func(journalReader)) error {
	return j.db.View(func(tx *bolt.Tx) error { fn(boltTx{tx}); return nil })
}

// task reads one task's record.
func (j *journal) task(id TaskID) (r *record, err error) {
	err = j.db.View(func(tx *bolt.Tx) error {
		r, err = boltTx{tx}.task(id)
		return err
	})
	return r, err
}

func (b boltTx) task(id TaskID) (*record, error) {
	v := b.tx.Bucket(bucketTasks).Get(idKey(id))
	if v == nil {
		return nil, errNoRecord
	}
	r := new(record)
	if err := decodeRecord(v, r); err != nil { // copies: v lives only as long as tx
		return nil, err
	}
	return r, nil
}

func (b boltTx) saveTask(r *record) error {
	v, err := encodeRecord(r)
	if err != nil {
		return err
	}
	return b.tx.Bucket(bucketTasks).Put(idKey(r.ID), v)
}

func (b boltTx) deleteTask(id TaskID) error {
	if err := b.dropParts(id); err != nil {
		return err
	}
	return b.tx.Bucket(bucketTasks).Delete(idKey(id))
}

func (b boltTx) savePart(id TaskID, p partRecord) error {
	v, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return b.tx.Bucket(bucketParts).Put(partKey(id, p.Number), v)
}

func (b boltTx) dropParts(id TaskID) error {
	c := b.tx.Bucket(bucketParts).Cursor()
	prefix := idKey(id)
	for k, _ := c.Seek(prefix); len(k) == 12 && string(k[:8]) == string(prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

func (b boltTx) leftover(uploadID string) (Leftover, bool) {
	var l Leftover
	lb := b.tx.Bucket(bucketLeftovers)
	if lb == nil {
		return l, false
	}
	v := lb.Get([]byte(uploadID))
	return l, v != nil && json.Unmarshal(v, &l) == nil
}

func (b boltTx) saveLeftover(l Leftover) error {
	lb, err := b.tx.CreateBucketIfNotExists(bucketLeftovers)
	if err != nil {
		return err
	}
	v, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return lb.Put([]byte(l.UploadID), v)
}

func (b boltTx) endLeftover(uploadID string) error {
	lb, err := b.tx.CreateBucketIfNotExists(bucketLeftovers)
	if err != nil {
		return err
	}
	return lb.Delete([]byte(uploadID))
}

// parts returns the acknowledged parts of a task by number.
func (j *journal) parts(id TaskID) (map[int]partRecord, error) {
	parts := map[int]partRecord{}
	err := j.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketParts).Cursor()
		prefix := idKey(id)
		for k, v := c.Seek(prefix); len(k) == 12 && string(k[:8]) == string(prefix); k, v = c.Next() {
			var p partRecord
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("journal part %x: %w", k, err)
			}
			parts[p.Number] = p
		}
		return nil
	})
	return parts, err
}

// eachTask calls fn for every task record in ID order, a new record each
// time. A record that does not decode comes with bad set (naming its key)
// and r nil; an error fn returns ends the walk.
func (j *journal) eachTask(fn func(r *record, bad error) error) error {
	return j.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTasks)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			r := new(record)
			if err := decodeRecord(v, r); err != nil {
				return fn(nil, fmt.Errorf("task %x: %w", k, err))
			}
			return fn(r, nil)
		})
	})
}

// taskCount is the number of task records, counted by their keys
// without decoding any record.
func (j *journal) taskCount() (n int, err error) {
	err = j.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTasks)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n, err
}

// leftovers lists the journal's leftover uploads in key order.
func (j *journal) leftovers() ([]Leftover, error) {
	var out []Leftover
	err := j.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLeftovers)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var l Leftover
			if err := json.Unmarshal(v, &l); err != nil {
				return fmt.Errorf("journal leftover %q: %w", k, err)
			}
			out = append(out, l)
			return nil
		})
	})
	return out, err
}

// bind creates the journal's buckets and binds it to bucketURL (none: the
// binding is left as it is). A journal bound to another bucket is refused
// with *JournalBucketError, unchanged; with rebind it is bound anew.
func (j *journal) bind(dir, bucketURL string, rebind bool) error {
	return j.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketTasks, bucketParts, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		m := tx.Bucket(bucketMeta)
		old := m.Get(metaBucket)
		if old != nil && string(old) != bucketURL && bucketURL != "" && !rebind {
			return &JournalBucketError{Dir: dir, Have: string(old), Want: bucketURL}
		}
		if bucketURL != "" && string(old) != bucketURL {
			return m.Put(metaBucket, []byte(bucketURL))
		}
		return nil
	})
}

// boundBucket is the bucket URL the journal is bound to ("" for none).
func (j *journal) boundBucket() (out string, err error) {
	err = j.db.View(func(tx *bolt.Tx) error {
		if m := tx.Bucket(bucketMeta); m != nil {
			out = string(m.Get(metaBucket))
		}
		return nil
	})
	return out, err
}

// verify reads every key and value of every bucket and (with decode)
// decodes each task record: the pages a later load or update touches.
// Then, with every page known to be readable, bbolt's own consistency
// check (with check) compares the tree with the freelist: a damaged
// freelist that lists pages in use would make the next write overwrite
// live tasks. The cost is two passes over the file, like the engine's own
// load.
func (j *journal) verify(decode, check bool) error {
	err := j.db.View(func(tx *bolt.Tx) error {
		// bbolt grows the file before it writes past its end, so a file
		// shorter than the size its own meta page records was cut short
		// (a copy or a disk that lost its tail): pages the freelist and
		// the next writes rely on are gone.
		if fi, err := os.Stat(j.db.Path()); err == nil && fi.Size() < tx.Size() {
			return &DamagedJournalError{Reason: fmt.Sprintf("the file is truncated: %d bytes of %d", fi.Size(), tx.Size())}
		}
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			var r record
			return b.ForEach(func(k, v []byte) error {
				switch {
				case string(name) == string(bucketTasks) && len(k) != 8:
					return &DamagedJournalError{Reason: fmt.Sprintf("task key %x has %d bytes", k, len(k))}
				case string(name) == string(bucketTasks) && decode:
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
	return j.db.View(func(tx *bolt.Tx) error {
		for cerr := range tx.Check() {
			if err == nil {
				err = &DamagedJournalError{Reason: cerr.Error()}
			}
		}
		return err
	})
}

// scanBucket calls fn with every key and value of bucket name, in key
// order (a salvage of a damaged journal: fn copies what it keeps, since
// k and v live only during the call).
func (j *journal) scanBucket(name []byte, fn func(k, v []byte)) error {
	return j.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(name)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			fn(k, v)
		}
		return nil
	})
}

// restore writes salvaged keys and values, by bucket name, into the
// journal in one commit.
func (j *journal) restore(buckets map[string][][2][]byte) error {
	return j.db.Update(func(tx *bolt.Tx) error {
		for name, kvs := range buckets {
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
}

func (b boltTx) saveReceipt(p pendingReceipt) error {
	rb, err := b.tx.CreateBucketIfNotExists(bucketReceipts)
	if err != nil {
		return err
	}
	v, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return rb.Put([]byte(p.Key), v)
}

func (b boltTx) endReceipt(key string) error {
	if rb := b.tx.Bucket(bucketReceipts); rb != nil {
		return rb.Delete([]byte(key))
	}
	return nil
}

// pendingReceipts lists the receipts waiting to be written, by key. A
// record that does not decode is skipped: it can never be written, and a
// damaged journal is the journal's own check's to report.
func (j *journal) pendingReceipts() ([]pendingReceipt, error) {
	var out []pendingReceipt
	err := j.db.View(func(tx *bolt.Tx) error {
		rb := tx.Bucket(bucketReceipts)
		if rb == nil {
			return nil
		}
		return rb.ForEach(func(k, v []byte) error {
			var p pendingReceipt
			if json.Unmarshal(v, &p) == nil && p.Key == string(k) {
				out = append(out, p)
			}
			return nil
		})
	})
	return out, err
}

// receiptCount is the number of receipts waiting to be written.
func (j *journal) receiptCount() (n int, err error) {
	err = j.db.View(func(tx *bolt.Tx) error {
		if rb := tx.Bucket(bucketReceipts); rb != nil {
			n = rb.Stats().KeyN
		}
		return nil
	})
	return n, err
}

// receiptTag is the journal's random machine tag for receipt IDs, made
// once by newTag and kept in the meta bucket.
func (j *journal) receiptTag(newTag func() string) (tag string, err error) {
	err = j.db.Update(func(tx *bolt.Tx) error {
		m, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if v := m.Get(metaReceiptTag); len(v) > 0 {
			tag = string(v)
			return nil
		}
		tag = newTag()
		return m.Put(metaReceiptTag, []byte(tag))
	})
	return tag, err
}
