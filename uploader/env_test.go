package uploader

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
)

const (
	testID  = "AKIDuploadertest"
	testKey = "uploaderTestSecretKey"
)

// env is one localcos server over loopback plus an SDK client to inspect it.
type env struct {
	t      testing.TB
	srv    *localcos.Server
	data   string // local files
	state  string // journal dir
	srvDir string // the server's storage
	client *cos.Client
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvAt(t, t.TempDir())
}

// newEnvAt is newEnv with the server's storage in srvDir.
func newEnvAt(t testing.TB, srvDir string) *env {
	t.Helper()
	srv := localcostest.Start(t, localcos.Config{DataDir: srvDir, SecretID: testID, SecretKey: testKey})
	return &env{t: t, srv: srv, data: t.TempDir(), state: t.TempDir(), srvDir: srvDir, client: localcostest.Client(srv, testID, testKey)}
}

// discard stops the server and frees the disk it and the env used now,
// not at the end of the test (benchmarks run many envs, of gigabytes each).
func (v *env) discard() {
	v.srv.Close()
	for _, d := range []string{v.srvDir, v.data, v.state} {
		os.RemoveAll(d)
	}
}

func (v *env) config() Config {
	return Config{
		StateDir: v.state, BucketURL: v.srv.URL(),
		Credentials: auth.NewStatic(auth.Credentials{SecretID: testID, SecretKey: testKey}),
		RetryBase:   time.Millisecond, RetryMax: 20 * time.Millisecond,
	}
}

func (v *env) engine(cfg Config) *Engine {
	v.t.Helper()
	e, err := New(cfg)
	if err != nil {
		v.t.Fatal(err)
	}
	return e
}

// head returns the object's size and CRC64 as COS reports them.
func (v *env) head(key string) (found bool, size int64, crc uint64) {
	v.t.Helper()
	resp, err := v.client.Object.Head(context.Background(), key, nil)
	if err != nil {
		if resp != nil && resp.StatusCode == 404 {
			return false, 0, 0
		}
		v.t.Fatalf("head %s: %v", key, err)
	}
	size, _ = strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
	crc, _ = strconv.ParseUint(resp.Header.Get("x-cos-hash-crc64ecma"), 10, 64)
	return true, size, crc
}

// openUploads lists multipart uploads still open in the bucket.
func (v *env) openUploads() int {
	v.t.Helper()
	res, _, err := v.client.Bucket.ListMultipartUploads(context.Background(), nil)
	if err != nil {
		v.t.Fatalf("list uploads: %v", err)
	}
	return len(res.Uploads)
}

// objectCount counts objects in the bucket.
func (v *env) objectCount() int {
	v.t.Helper()
	n, marker := 0, ""
	for {
		res, _, err := v.client.Bucket.Get(context.Background(), &cos.BucketGetOptions{Marker: marker, MaxKeys: 1000})
		if err != nil {
			v.t.Fatalf("list objects: %v", err)
		}
		n += len(res.Contents)
		if !res.IsTruncated || res.NextMarker == "" {
			return n
		}
		marker = res.NextMarker
	}
}

// writeFile creates a file of size bytes: sparse, with a random 4 KiB block
// every 512 KiB so that every part differs and order matters.
func writeFile(t testing.TB, path string, size int64, seed uint64) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	block := make([]byte, 4096)
	for off := int64(0); off < size; off += 512 << 10 {
		for i := 0; i < len(block); i += 8 {
			binary.LittleEndian.PutUint64(block[i:], rng.Uint64())
		}
		n := min(int64(len(block)), size-off)
		if _, err := f.WriteAt(block[:n], off); err != nil {
			t.Fatal(err)
		}
	}
}

func mustCRC(t testing.TB, path string) uint64 {
	t.Helper()
	c, err := fileCRC(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitBatch waits until every task of batch is final and returns them.
func waitBatch(t testing.TB, e *Engine, b BatchID) []Snapshot {
	t.Helper()
	deadline := time.Now().Add(waitBound)
	for {
		all, _ := e.Changes(0)
		var mine []Snapshot
		final := true
		for _, s := range all {
			if s.Batch == b {
				mine = append(mine, s)
				final = final && s.State.Final()
			}
		}
		if final && e.Totals().Scanning == 0 && len(mine) > 0 {
			return mine
		}
		if time.Now().After(deadline) {
			for _, s := range mine {
				if !s.State.Final() {
					t.Logf("unfinished: %s %s %d/%d", s.Path, s.State, s.Acked, s.Size)
				}
			}
			t.Fatalf("batch %d not finished within %v", b, waitBound)
		}
		time.Sleep(5 * time.Millisecond) // poll interval, bounded by the deadline
	}
}

// WaitBatch is waitBatch for the external test package uploader_test: it
// waits (bounded by waitBound) until every task of batch b is final and
// returns their snapshots.
func WaitBatch(t testing.TB, e *Engine, b BatchID) []Snapshot {
	t.Helper()
	return waitBatch(t, e, b)
}

// waitState waits until task id reaches a state satisfying ok.
func waitState(t testing.TB, e *Engine, id TaskID, ok func(Snapshot) bool) Snapshot {
	t.Helper()
	deadline := time.Now().Add(waitBound)
	for {
		s, found := e.Get(id)
		if found && ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %d: condition not met within %v; last %+v", id, waitBound, s)
		}
		time.Sleep(2 * time.Millisecond) // poll interval, bounded by the deadline
	}
}

func onlyTask(t testing.TB, e *Engine, b BatchID) TaskID {
	t.Helper()
	var id TaskID
	waitFor(t, func() bool {
		all, _ := e.Changes(0)
		for _, s := range all {
			if s.Batch == b {
				id = s.ID
				return true
			}
		}
		return false
	})
	return id
}
