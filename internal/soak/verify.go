//go:build linux

package soak

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"sync"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// verifyResult counts what the end check found.
type verifyResult struct {
	objects, missing, corrupt, extra, openUploads, notDone, journalWrong int
	needed                                                               int64
	problems                                                             []string
}

// maxListed bounds every problem list in the report.
const maxListed = 20

func (v *verifyResult) problem(format string, args ...any) {
	if len(v.problems) < maxListed {
		v.problems = append(v.problems, fmt.Sprintf(format, args...))
	} else if len(v.problems) == maxListed {
		v.problems = append(v.problems, "(more problems left out)")
	}
}

// verify checks, with the permanent key through cos-go-sdk-v5: every file
// is an object exactly once, at its key, with the bytes the file has now
// (downloaded and hashed); no other object exists; no multipart upload is
// open; and the journal has every task done, the newest task of each file
// at the file's key with its size and CRC-64.
func verify(ctx context.Context, endpoint, id, key, parent string, files []treeFile, tasks []journalTask) (verifyResult, error) {
	var v verifyResult
	u, err := url.Parse(endpoint)
	if err != nil {
		return v, err
	}
	c := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: &cos.AuthorizationTransport{SecretID: id, SecretKey: key}})

	objects := map[string]int64{}
	for marker := ""; ; {
		res, _, err := c.Bucket.Get(ctx, &cos.BucketGetOptions{Marker: marker, MaxKeys: 1000})
		if err != nil {
			return v, fmt.Errorf("list objects: %w", err)
		}
		for _, o := range res.Contents {
			if _, dup := objects[o.Key]; dup {
				v.extra++
				v.problem("duplicated: the listing holds %q twice", o.Key)
			}
			objects[o.Key] = o.Size
		}
		if !res.IsTruncated {
			break
		}
		marker = res.NextMarker
		if marker == "" && len(res.Contents) > 0 {
			marker = res.Contents[len(res.Contents)-1].Key
		}
	}
	v.objects = len(objects)

	want := map[string]bool{}
	type job struct {
		f    treeFile
		sha  string
		size int64
	}
	var jobs []job
	sums := map[string]uint64{}
	for _, f := range files {
		k := filepath.ToSlash(f.rel)
		want[k] = true
		size, sha, crc, err := fileSums(filepath.Join(parent, f.rel))
		if err != nil {
			return v, err
		}
		v.needed += size
		sums[filepath.Join(parent, f.rel)] = crc
		if _, ok := objects[k]; !ok {
			v.missing++
			v.problem("lost: %s has no object", k)
			continue
		}
		jobs = append(jobs, job{f, sha, size})
	}
	var extras []string
	for k := range objects {
		if !want[k] {
			extras = append(extras, k)
		}
	}
	sort.Strings(extras)
	for _, k := range extras {
		v.extra++
		v.problem("duplicated or stray: object %q matches no file", k)
	}

	// Download and hash, 8 at a time.
	var mu sync.Mutex
	var firstErr error
	ch := make(chan job)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				k := filepath.ToSlash(j.f.rel)
				n, sha, err := download(ctx, c, k)
				mu.Lock()
				switch {
				case err != nil:
					if firstErr == nil {
						firstErr = err
					}
				case n != j.size || sha != j.sha:
					v.corrupt++
					v.problem("corrupt: %s is %d bytes sha256 %.12s, the file is %d bytes sha256 %.12s", k, n, sha, j.size, j.sha)
				}
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	if firstErr != nil {
		return v, firstErr
	}

	for km, um := "", ""; ; {
		res, _, err := c.Bucket.ListMultipartUploads(ctx, &cos.ListMultipartUploadsOptions{MaxUploads: 1000, KeyMarker: km, UploadIDMarker: um})
		if err != nil {
			return v, fmt.Errorf("list multipart uploads: %w", err)
		}
		for _, up := range res.Uploads {
			v.openUploads++
			v.problem("open multipart upload: %s (upload ID %s, initiated %s)", up.Key, up.UploadID, up.Initiated)
		}
		if !res.IsTruncated {
			break
		}
		km, um = res.NextKeyMarker, res.NextUploadIDMarker
	}

	v.checkJournal(parent, files, tasks, sums)
	return v, nil
}

func download(ctx context.Context, c *cos.Client, key string) (int64, string, error) {
	resp, err := c.Object.Get(ctx, key, nil)
	if err != nil {
		return 0, "", fmt.Errorf("download %s: %w", key, err)
	}
	defer resp.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, resp.Body)
	if err != nil {
		return 0, "", fmt.Errorf("download %s: %w", key, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// checkJournal holds `cosdrop status --json` against the files.
func (v *verifyResult) checkJournal(parent string, files []treeFile, tasks []journalTask, sums map[string]uint64) {
	newest := map[string]journalTask{}
	for _, t := range tasks {
		if t.State != "done" {
			v.notDone++
			v.problem("journal: task %d (%s) is %s, not done; error %s", t.Task, t.Path, t.State, t.Error)
		}
		if o, ok := newest[t.Path]; !ok || t.Task > o.Task {
			newest[t.Path] = t
		}
	}
	for _, f := range files {
		p := filepath.Join(parent, f.rel)
		t, ok := newest[p]
		switch {
		case !ok:
			v.journalWrong++
			v.problem("journal: no task for %s", p)
		case t.Key != filepath.ToSlash(f.rel):
			v.journalWrong++
			v.problem("journal: %s went to key %q, want %q", p, t.Key, filepath.ToSlash(f.rel))
		case t.CRC64 != strconv.FormatUint(sums[p], 10):
			v.journalWrong++
			v.problem("journal: %s done with CRC-64 %s, the file's is %d", p, t.CRC64, sums[p])
		}
	}
}
