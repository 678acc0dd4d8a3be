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
	objects, err := v.listObjects(ctx, c)
	if err != nil {
		return v, err
	}
	jobs, sums, err := v.matchFiles(parent, files, objects)
	if err != nil {
		return v, err
	}
	if err := v.downloadAll(ctx, c, jobs); err != nil {
		return v, err
	}
	if err := v.countOpenUploads(ctx, c); err != nil {
		return v, err
	}
	v.checkJournal(parent, files, tasks, sums)
	return v, nil
}

// listObjects lists the bucket (each key's size), counting a key listed
// twice as a duplicate.
func (v *verifyResult) listObjects(ctx context.Context, c *cos.Client) (map[string]int64, error) {
	objects := map[string]int64{}
	for marker := ""; ; {
		res, _, err := c.Bucket.Get(ctx, &cos.BucketGetOptions{Marker: marker, MaxKeys: 1000})
		if err != nil {
			return nil, fmt.Errorf("list objects: %w", err)
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
	return objects, nil
}

// downloadJob is one object to download and compare with its file.
type downloadJob struct {
	f    treeFile
	sha  string
	size int64
}

// matchFiles hashes every file, counts the files without an object and
// the objects without a file, and returns the objects to download and
// each file's CRC-64 (by path).
func (v *verifyResult) matchFiles(parent string, files []treeFile, objects map[string]int64) ([]downloadJob, map[string]uint64, error) {
	want := map[string]bool{}
	var jobs []downloadJob
	sums := map[string]uint64{}
	for _, f := range files {
		k := filepath.ToSlash(f.rel)
		want[k] = true
		size, sha, crc, err := fileSums(filepath.Join(parent, f.rel))
		if err != nil {
			return nil, nil, err
		}
		v.needed += size
		sums[filepath.Join(parent, f.rel)] = crc
		if _, ok := objects[k]; !ok {
			v.missing++
			v.problem("lost: %s has no object", k)
			continue
		}
		jobs = append(jobs, downloadJob{f, sha, size})
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
	return jobs, sums, nil
}

// downloadAll downloads and hashes the objects, 8 at a time, counting
// those whose bytes differ from their file's.
func (v *verifyResult) downloadAll(ctx context.Context, c *cos.Client, jobs []downloadJob) error {
	var mu sync.Mutex
	var firstErr error
	ch := make(chan downloadJob)
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
	return firstErr
}

// countOpenUploads counts the multipart uploads COS still holds open.
func (v *verifyResult) countOpenUploads(ctx context.Context, c *cos.Client) error {
	for km, um := "", ""; ; {
		res, _, err := c.Bucket.ListMultipartUploads(ctx, &cos.ListMultipartUploadsOptions{MaxUploads: 1000, KeyMarker: km, UploadIDMarker: um})
		if err != nil {
			return fmt.Errorf("list multipart uploads: %w", err)
		}
		for _, up := range res.Uploads {
			v.openUploads++
			v.problem("open multipart upload: %s (upload ID %s, initiated %s)", up.Key, up.UploadID, up.Initiated)
		}
		if !res.IsTruncated {
			return nil
		}
		km, um = res.NextKeyMarker, res.NextUploadIDMarker
	}
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
