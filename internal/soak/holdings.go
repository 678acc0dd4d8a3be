//go:build linux

package soak

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// newCOS is a cos-go-sdk-v5 client with the permanent key that signs with
// the server's clock (now + skew), as the fault plan shifts it.
func newCOS(endpoint, id, key string, skew time.Duration) (*cos.Client, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, err
	}
	// No keep-alive: the driver's own idle connections would keep settle
	// waiting.
	tr := &skewAuth{id: id, key: key, skew: skew, base: &http.Transport{DisableKeepAlives: true}}
	return cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: tr, Timeout: 2 * time.Minute}), nil
}

type skewAuth struct {
	id, key string
	skew    time.Duration
	base    http.RoundTripper
}

func (s *skewAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	now := time.Now().Add(s.skew)
	at := &cos.AuthTime{SignStartTime: now.Add(-time.Minute), SignEndTime: now.Add(time.Hour),
		KeyStartTime: now.Add(-time.Minute), KeyEndTime: now.Add(time.Hour)}
	cos.AddAuthorizationHeader(s.id, s.key, "", req, at)
	return s.base.RoundTrip(req)
}

// digest is what COS's ETags of a file's content would be at a part size.
type digest struct {
	size  int64
	mtime time.Time
	etag  string   // of a simple PUT: the MD5 (a multipart ETag is opaque on COS)
	crc   string   // COS CRC-64 of the content, decimal (multipart only)
	parts []string // MD5 of each part (multipart only)
}

// digestFile computes a file's ETags for partSize, the engine's rule being
// one PUT for a file up to partSize, else parts of partSize.
func digestFile(path string, partSize int64) (digest, error) {
	f, err := os.Open(path)
	if err != nil {
		return digest{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return digest{}, err
	}
	d := digest{size: st.Size(), mtime: st.ModTime()}
	if d.size <= partSize {
		h := md5.New()
		if _, err := io.Copy(h, f); err != nil {
			return d, err
		}
		d.etag = hex.EncodeToString(h.Sum(nil))
		return d, nil
	}
	c := crc64.New(crcTable)
	for off := int64(0); off < d.size; off += partSize {
		h := md5.New()
		if _, err := io.CopyN(io.MultiWriter(h, c), f, min(partSize, d.size-off)); err != nil {
			return d, err
		}
		d.parts = append(d.parts, hex.EncodeToString(h.Sum(nil)))
	}
	d.crc = strconv.FormatUint(c.Sum64(), 10)
	return d, nil
}

// holdings measures, from COS's side, how many bytes of the tree as it is
// now the server already holds in a usable form: a file whose object has
// the file's ETag counts whole; otherwise the parts of an open multipart
// upload of its key whose MD5 matches the file's part at that number (the
// best upload, if there are several). Growth of this figure is progress;
// anything else the server reads is waste.
type holdings struct {
	c        *cos.Client
	parent   string
	files    []treeFile
	partSize int64
	cache    map[string]digest
}

func (h *holdings) measure(ctx context.Context) (int64, error) {
	objects := map[string]cos.Object{}
	for marker := ""; ; {
		var res *cos.BucketGetResult
		err := retry(ctx, func() (err error) {
			res, _, err = h.c.Bucket.Get(ctx, &cos.BucketGetOptions{Marker: marker, MaxKeys: 1000})
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("list objects: %w", err)
		}
		for _, o := range res.Contents {
			objects[o.Key] = o
		}
		if !res.IsTruncated || len(res.Contents) == 0 {
			break
		}
		marker = res.NextMarker
		if marker == "" {
			marker = res.Contents[len(res.Contents)-1].Key
		}
	}
	uploads := map[string][]string{}
	for km, um := "", ""; ; {
		var res *cos.ListMultipartUploadsResult
		err := retry(ctx, func() (err error) {
			res, _, err = h.c.Bucket.ListMultipartUploads(ctx, &cos.ListMultipartUploadsOptions{MaxUploads: 1000, KeyMarker: km, UploadIDMarker: um})
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("list multipart uploads: %w", err)
		}
		for _, u := range res.Uploads {
			uploads[u.Key] = append(uploads[u.Key], u.UploadID)
		}
		if !res.IsTruncated {
			break
		}
		km, um = res.NextKeyMarker, res.NextUploadIDMarker
	}
	var held int64
	for _, f := range h.files {
		key := filepath.ToSlash(f.rel)
		d, err := h.digest(filepath.Join(h.parent, f.rel))
		if err != nil {
			return 0, err
		}
		if o, ok := objects[key]; ok && o.Size == d.size {
			same, err := h.sameObject(ctx, key, o, d)
			if err != nil {
				return 0, err
			}
			if same {
				held += d.size
				continue
			}
		}
		var best int64
		for _, id := range uploads[key] {
			n, err := h.heldParts(ctx, key, id, d)
			if err != nil {
				return 0, err
			}
			best = max(best, n)
		}
		held += best
	}
	return held, nil
}

// sameObject says whether the object has the file's content: by MD5 ETag
// for a simple PUT, else by the CRC-64 a HEAD returns.
func (h *holdings) sameObject(ctx context.Context, key string, o cos.Object, d digest) (bool, error) {
	if d.parts == nil {
		return strings.Trim(o.ETag, `"`) == d.etag, nil
	}
	var resp *cos.Response
	err := retry(ctx, func() (err error) {
		resp, err = h.c.Object.Head(ctx, key, nil)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("head %s: %w", key, err)
	}
	return resp.Header.Get("x-cos-hash-crc64ecma") == d.crc, nil
}

func (h *holdings) heldParts(ctx context.Context, key, uploadID string, d digest) (int64, error) {
	var n int64
	for marker := ""; ; {
		var res *cos.ObjectListPartsResult
		err := retry(ctx, func() (err error) {
			res, _, err = h.c.Object.ListParts(ctx, key, uploadID, &cos.ObjectListPartsOptions{MaxParts: "1000", PartNumberMarker: marker})
			return err
		})
		if err != nil {
			if cos.IsNotFoundError(err) {
				return 0, nil // completed or aborted meanwhile
			}
			return 0, fmt.Errorf("list parts of %s: %w", key, err)
		}
		for _, p := range res.Parts {
			i := p.PartNumber - 1
			if i >= 0 && i < len(d.parts) && strings.Trim(p.ETag, `"`) == d.parts[i] {
				n += p.Size
			}
		}
		if !res.IsTruncated {
			return n, nil
		}
		marker = res.NextPartNumberMarker
	}
}

// digest caches a file's ETags by size and modification time.
func (h *holdings) digest(path string) (digest, error) {
	st, err := os.Stat(path)
	if err != nil {
		return digest{}, err
	}
	if d, ok := h.cache[path]; ok && d.size == st.Size() && d.mtime.Equal(st.ModTime()) {
		return d, nil
	}
	d, err := digestFile(path, h.partSize)
	if err == nil {
		if h.cache == nil {
			h.cache = map[string]digest{}
		}
		h.cache[path] = d
	}
	return d, err
}

// retry runs a listing call up to 8 times: the fault plan answers some of
// the driver's own requests with 503 or stalls them too.
func retry(ctx context.Context, f func() error) error {
	var err error
	for i := 0; i < 8; i++ {
		if err = f(); err == nil || cos.IsNotFoundError(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(i+1) * 200 * time.Millisecond):
		}
	}
	return err
}
