package uploader

import (
	"context"
	"crypto/md5"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
)

// fakeStore is a recording, in-memory objectStore. Each call is recorded
// ("put k", "part k 3", ...) and may be given a fault by the test.
type fakeStore struct {
	mu      sync.Mutex
	objects map[string][]byte
	uploads map[string]*fakeUpload
	nextID  int
	calls   []string
	counts  map[string]int
	ctypes  map[string]string
	forbids map[string]int // op -> calls that carried x-cos-forbid-overwrite
	// fault, when set, is asked before each call (op is "put",
	// "initiate", "part", "complete", "abort", "head", "get", "listParts",
	// "listUploads", "delete"; n is the op's 1-based call count).
	fault func(op string, n int, part int) *fault
}

type fakeUpload struct {
	since time.Time // initiated
	key   string
	parts map[int][]byte
	etags map[int]string
}

// fault is what a call does instead of answering normally.
type fault struct {
	err   error           // returned
	apply bool            // the call takes effect anyway (a lost response)
	crc   string          // the CRC64 header to answer ("none" = no header)
	block bool            // wait until the caller's context ends
	wait  <-chan struct{} // wait for this (or the context) first, then answer normally
}

func newFakeStore() *fakeStore {
	return &fakeStore{objects: map[string][]byte{}, uploads: map[string]*fakeUpload{}, counts: map[string]int{}, ctypes: map[string]string{}, forbids: map[string]int{}}
}

func cosErrorResp(status int, code string) error {
	req, _ := http.NewRequest(http.MethodPost, "http://fake.invalid/key", nil)
	return &cos.ErrorResponse{Response: &http.Response{StatusCode: status, Request: req, Header: http.Header{"X-Cos-Request-Id": {"req-" + code}}}, Code: code, Message: code}
}

func etagOf(b []byte) string { return fmt.Sprintf(`"%x"`, md5.Sum(b)) }

func crcOf(b []byte) string { return strconv.FormatUint(crc64.Checksum(b, crcTable), 10) }

// begin records a call and returns its fault (after any wait).
func (s *fakeStore) begin(ctx context.Context, op, key string, part int) (*fault, error) {
	s.mu.Lock()
	s.counts[op]++
	n := s.counts[op]
	s.calls = append(s.calls, fmt.Sprintf("%s %s %d", op, key, part))
	fn := s.fault
	s.mu.Unlock()
	var f *fault
	if fn != nil {
		f = fn(op, n, part)
	}
	if f == nil {
		return nil, nil
	}
	if f.block {
		<-ctx.Done()
		return f, ctx.Err()
	}
	if f.wait != nil {
		select {
		case <-f.wait:
		case <-ctx.Done():
			return f, ctx.Err()
		}
		return nil, nil
	}
	return f, nil
}

// read begins a call that only reads (a HEAD, a GET, a listing): it has no
// effect a fault could let through, so a planned fault is only its error.
func (s *fakeStore) read(ctx context.Context, op, key string) error {
	f, err := s.begin(ctx, op, key, 0)
	if err == nil && f != nil {
		err = f.err
	}
	return err
}

// setFault replaces the fault plan; safe while calls run.
func (v *fakeEnv) setFault(fn func(op string, n, part int) *fault) {
	v.store.mu.Lock()
	defer v.store.mu.Unlock()
	v.store.fault = fn
}

// onPart is a fault plan that gives every upload of part n the fault f
// and lets every other call through.
func onPart(n int, f *fault) func(op string, _, part int) *fault {
	return func(op string, _, part int) *fault {
		if op == "part" && part == n {
			return f
		}
		return nil
	}
}

// exists applies x-cos-forbid-overwrite as COS does: with forbid, a write
// to an existing key is refused with 409 FileAlreadyExists.
func (s *fakeStore) exists(op, key string, forbid bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !forbid {
		return nil
	}
	s.forbids[op]++
	if _, ok := s.objects[key]; ok {
		return cosErrorResp(409, "FileAlreadyExists")
	}
	return nil
}

func (s *fakeStore) forbidCount(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.forbids[op]
}

func (s *fakeStore) count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[op]
}

func (s *fakeStore) openUploads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.uploads)
}

func (s *fakeStore) object(key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objects[key]
	return b, ok
}

// answer applies a fault to a reply.
func answer(f *fault, rep reply, effect func()) (reply, error) {
	if f == nil || f.apply {
		effect()
	}
	if f != nil && f.crc != "" {
		rep.CRC64 = f.crc
		if f.crc == "none" {
			rep.CRC64 = ""
		}
	}
	if f != nil && f.err != nil {
		return reply{}, f.err
	}
	return rep, nil
}

func (s *fakeStore) put(ctx context.Context, key string, body io.Reader, size int64, o writeOpts) (reply, error) {
	ctype := o.ctype
	data, err := io.ReadAll(body)
	if err != nil {
		return reply{}, err
	}
	f, err := s.begin(ctx, "put", key, 0)
	if err != nil {
		return reply{}, err
	}
	if err := s.exists("put", key, o.forbid); err != nil {
		return reply{}, err
	}
	rep := reply{ETag: etagOf(data), CRC64: crcOf(data), RequestID: "req-put", Status: 200}
	return answer(f, rep, func() {
		s.mu.Lock()
		s.objects[key], s.ctypes[key] = data, ctype
		s.mu.Unlock()
	})
}

func (s *fakeStore) initiate(ctx context.Context, key string, o writeOpts) (string, reply, error) {
	ctype := o.ctype
	f, err := s.begin(ctx, "initiate", key, 0)
	if err != nil {
		return "", reply{}, err
	}
	if err := s.exists("initiate", key, o.forbid); err != nil {
		return "", reply{}, err
	}
	s.mu.Lock()
	s.nextID++
	id := fmt.Sprintf("up-%d", s.nextID)
	s.mu.Unlock()
	rep, err := answer(f, reply{RequestID: "req-init", Status: 200}, func() {
		s.mu.Lock()
		s.uploads[id] = &fakeUpload{since: time.Now(), key: key, parts: map[int][]byte{}, etags: map[int]string{}}
		s.ctypes[key] = ctype
		s.mu.Unlock()
	})
	if err != nil {
		return "", rep, err
	}
	return id, rep, nil
}

func (s *fakeStore) uploadPart(ctx context.Context, key, uploadID string, n int, body io.Reader, size int64) (reply, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return reply{}, err
	}
	f, err := s.begin(ctx, "part", key, n)
	if err != nil {
		return reply{}, err
	}
	s.mu.Lock()
	u := s.uploads[uploadID]
	s.mu.Unlock()
	if u == nil {
		return reply{}, cosErrorResp(404, "NoSuchUpload")
	}
	return answer(f, reply{ETag: etagOf(data), CRC64: crcOf(data), Status: 200}, func() {
		s.mu.Lock()
		u.parts[n], u.etags[n] = data, etagOf(data)
		s.mu.Unlock()
	})
}

func (s *fakeStore) complete(ctx context.Context, key, uploadID string, parts []partRecord, forbid bool) (reply, error) {
	f, err := s.begin(ctx, "complete", key, len(parts))
	if err != nil {
		return reply{}, err
	}
	if err := s.exists("complete", key, forbid); err != nil {
		return reply{}, err
	}
	s.mu.Lock()
	u := s.uploads[uploadID]
	var data []byte
	var bad error
	if u == nil {
		bad = cosErrorResp(404, "NoSuchUpload")
	} else {
		for i, p := range parts {
			if p.Number != i+1 || u.etags[p.Number] != p.ETag {
				bad = cosErrorResp(400, "InvalidPart")
				break
			}
			data = append(data, u.parts[p.Number]...)
		}
	}
	s.mu.Unlock()
	if bad != nil {
		return reply{}, bad
	}
	return answer(f, reply{ETag: etagOf(data), CRC64: crcOf(data), RequestID: "req-complete", Status: 200}, func() {
		s.mu.Lock()
		s.objects[key] = data
		delete(s.uploads, uploadID)
		s.mu.Unlock()
	})
}

func (s *fakeStore) abort(ctx context.Context, key, uploadID string) error {
	f, err := s.begin(ctx, "abort", key, 0)
	if err != nil {
		return err
	}
	_, err = answer(f, reply{}, func() {
		s.mu.Lock()
		delete(s.uploads, uploadID)
		s.mu.Unlock()
	})
	return err
}

func (s *fakeStore) head(ctx context.Context, key string) (objectInfo, error) {
	return s.describe(ctx, "head", key)
}

// peek is head under its own name ("get"), so a test can deny HEAD and
// allow GET, or deny both.
func (s *fakeStore) peek(ctx context.Context, key string) (objectInfo, error) {
	return s.describe(ctx, "get", key)
}

// describe answers a HEAD or a ranged GET (op) of key: what COS says of
// the object, or the fault planned for op.
func (s *fakeStore) describe(ctx context.Context, op, key string) (objectInfo, error) {
	if err := s.read(ctx, op, key); err != nil {
		return objectInfo{}, err
	}
	data, ok := s.object(key)
	if !ok {
		return objectInfo{}, nil
	}
	return objectInfo{Found: true, Size: int64(len(data)), CRC64: crc64.Checksum(data, crcTable), ETag: etagOf(data), RequestID: "req-" + op}, nil
}

func (s *fakeStore) listParts(ctx context.Context, key, uploadID string) (map[int]string, error) {
	if err := s.read(ctx, "listParts", key); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.uploads[uploadID]
	if u == nil {
		return nil, cosErrorResp(404, "NoSuchUpload")
	}
	out := map[int]string{}
	for n, e := range u.etags {
		out[n] = e
	}
	return out, nil
}

func (s *fakeStore) listUploads(ctx context.Context, key string) ([]string, error) {
	if err := s.read(ctx, "listUploads", key); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id, u := range s.uploads {
		if u.key == key {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func (s *fakeStore) listOpen(ctx context.Context, prefix string) ([]Leftover, error) {
	if err := s.read(ctx, "listOpen", prefix); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Leftover
	for id, u := range s.uploads {
		if strings.HasPrefix(u.key, prefix) {
			out = append(out, Leftover{UploadID: id, Key: u.key, Since: u.since})
		}
	}
	slices.SortFunc(out, func(a, b Leftover) int { return strings.Compare(a.UploadID, b.UploadID) })
	return out, nil
}

func (s *fakeStore) delete(ctx context.Context, key string) (reply, error) {
	f, err := s.begin(ctx, "delete", key, 0)
	if err != nil {
		return reply{}, err
	}
	// As COS: deleting a missing key succeeds (204).
	return answer(f, reply{RequestID: "req-delete", Status: 204}, func() {
		s.mu.Lock()
		delete(s.objects, key)
		delete(s.ctypes, key)
		s.mu.Unlock()
	})
}

// fakeEnv is an engine over a fakeStore, with local files in a temp dir.
type fakeEnv struct {
	t     testing.TB
	store *fakeStore
	data  string
	state string
}

func newFakeEnv(t testing.TB) *fakeEnv {
	return &fakeEnv{t: t, store: newFakeStore(), data: t.TempDir(), state: t.TempDir()}
}

func (v *fakeEnv) config() Config {
	return Config{StateDir: v.state, BucketURL: "http://fake.invalid", PartSize: MinPartSize, Concurrency: 2,
		Credentials: auth.NewStatic(auth.Credentials{SecretID: "id", SecretKey: "key"}),
		RetryBase:   time.Millisecond, RetryMax: 5 * time.Millisecond, store: v.store}
}

func (v *fakeEnv) engine(cfg Config) *Engine {
	v.t.Helper()
	e, err := New(cfg)
	if err != nil {
		v.t.Fatal(err)
	}
	return e
}

// file writes a file of size bytes (every part differs) and returns its path.
func (v *fakeEnv) file(name string, size int64, seed uint64) string {
	p := filepath.Join(v.data, name)
	writeFile(v.t, p, size, seed)
	return p
}

// verified checks that the object at key is exactly the file at path.
func (v *fakeEnv) verified(key, path string) {
	v.t.Helper()
	want, err := os.ReadFile(path)
	if err != nil {
		v.t.Fatal(err)
	}
	got, ok := v.store.object(key)
	if !ok || crc64.Checksum(got, crcTable) != crc64.Checksum(want, crcTable) || len(got) != len(want) {
		v.t.Errorf("object %q (found %v, %d bytes) differs from the file (%d bytes)", key, ok, len(got), len(want))
	}
}

// final waits until task id is in a final state and returns it.
func final(t testing.TB, e *Engine, id TaskID) Snapshot {
	t.Helper()
	return waitState(t, e, id, func(s Snapshot) bool { return s.State.Final() })
}
