package uploader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// Bucket reads a bucket with an engine configuration's credentials, proxy
// and retries, but without a journal: a support machine reading receipts
// (`cosdrop receipts`, the window's Receipts view) lists and reads objects
// it never uploaded, and must not lock or create an upload journal to do
// so. It is safe for concurrent use.
type Bucket struct {
	cfg   Config
	store bucketStore
	// headDenied: COS refused HeadObject with fresh credentials, so Stat
	// goes straight to the one-byte GET (as the engine's conflict check).
	headDenied atomic.Bool
}

// bucketStore is what Bucket asks of COS: cosStore's head and peek, which
// the engine uses too, and the two reads only a reader needs.
type bucketStore interface {
	head(ctx context.Context, key string) (objectInfo, error)
	peek(ctx context.Context, key string) (objectInfo, error)
	listObjects(ctx context.Context, prefix, marker string, max int) (ObjectPage, error)
	getSmall(ctx context.Context, key string, limit int64) ([]byte, string, error)
}

// ErrNoReadCredentials is OpenBucket's refusal for a server-signed
// profile: the signing server signs uploads only, so there are no
// credentials to list or read with.
var ErrNoReadCredentials = errors.New("this profile's uploads are signed by a server, so it has no credentials to list or read the bucket with")

// OpenBucket returns a reader of cfg's bucket. Only BucketURL,
// Credentials, HTTPClient, Proxy, RootCAs and the retry settings are used.
func OpenBucket(cfg Config) (*Bucket, error) {
	cfg.setDefaults()
	if cfg.Signer != nil || cfg.Credentials == nil {
		return nil, ErrNoReadCredentials
	}
	if _, err := url.Parse(cfg.BucketURL); err != nil || cfg.BucketURL == "" {
		return nil, fmt.Errorf("uploader: invalid bucket URL %q", cfg.BucketURL)
	}
	c, _ := newCOSClient(cfg)
	return &Bucket{cfg: cfg, store: cosStore{c: c}}, nil
}

// ObjectPage is one page of a listing, in COS's (ascending key) order.
type ObjectPage struct {
	Objects []ListedObject
	// Next is the marker of the next page; "" when the listing ended.
	Next string
}

// ListedObject is what a listing says of an object.
type ListedObject struct {
	Key      string
	Size     int64
	Modified time.Time
	ETag     string
}

// ObjectStat is what COS says of one object now.
type ObjectStat struct {
	Found bool
	Size  int64
	// CRC64 is x-cos-hash-crc64ecma as COS sends it (decimal), "" when
	// COS sent none.
	CRC64     string
	ETag      string
	RequestID string
	// ByGet: HeadObject was refused, so the headers came from a one-byte
	// ranged GET.
	ByGet bool
}

// ReadError is a listing or read COS (or the network, or the credential
// server) did not answer: TaskError says whose fault, the status and
// COS's request ID.
type ReadError struct {
	TaskError
	Key string
	err error
}

func (e *ReadError) Error() string { return e.Op + " " + e.Key + ": " + e.err.Error() }

// Unwrap returns the cause.
func (e *ReadError) Unwrap() error { return e.err }

// Denied reports COS refusing the request to these credentials (403): a
// permission the grant lacks.
func (e *ReadError) Denied() bool { return e.HTTPStatus == 403 && e.Party == PartyCOS }

// readErr wraps a failed request of op on key.
func readErr(op, key string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err // the caller's own end, not COS's answer
	}
	return &ReadError{TaskError: toTaskError(op, err, time.Now()), Key: key, err: err}
}

// retry runs fn with the engine's retry policy.
func (b *Bucket) retry(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	return retrier{cfg: &b.cfg, op: op}.do(ctx, nil, fn)
}

// List returns up to max objects under prefix after marker ("" = from
// the start). COS returns at most 1,000 per page.
func (b *Bucket) List(ctx context.Context, prefix, marker string, max int) (ObjectPage, error) {
	var page ObjectPage
	err := b.retry(ctx, "list objects", func(ctx context.Context) error {
		var err error
		page, err = b.store.listObjects(ctx, prefix, marker, max)
		return err
	})
	return page, readErr("list objects", prefix, err)
}

// Get returns the body of key, at most limit+1 bytes (so a caller can tell
// an object larger than limit), and COS's request ID.
func (b *Bucket) Get(ctx context.Context, key string, limit int64) ([]byte, string, error) {
	var body []byte
	var id string
	err := b.retry(ctx, "get", func(ctx context.Context) error {
		var err error
		body, id, err = b.store.getSmall(ctx, key, limit)
		return err
	})
	return body, id, readErr("get", key, err)
}

// Stat asks COS for key's size and CRC64: a HEAD, or when COS refuses
// HeadObject to these credentials (after one refresh, since a HEAD's 403
// has no body to tell an expired token from a missing permission), the
// headers of a one-byte ranged GET. Found is false when COS has no
// object at key.
func (b *Bucket) Stat(ctx context.Context, key string) (ObjectStat, error) {
	if !b.headDenied.Load() {
		for try := 0; ; try++ {
			info, err := b.statWith(ctx, "head", key, b.store.head)
			if err == nil || !isForbidden(err) {
				return statOf(info, false), readErr("head", key, err)
			}
			if try > 0 {
				b.headDenied.Store(true)
				break
			}
			if _, rerr := b.cfg.Credentials.Refresh(ctx); rerr != nil {
				return ObjectStat{}, readErr("head", key, fmt.Errorf("refresh credentials: %w", rerr))
			}
		}
	}
	info, err := b.statWith(ctx, "get", key, b.store.peek)
	return statOf(info, true), readErr("get", key, err)
}

func (b *Bucket) statWith(ctx context.Context, op, key string, fn func(context.Context, string) (objectInfo, error)) (objectInfo, error) {
	var info objectInfo
	err := b.retry(ctx, op, func(ctx context.Context) error {
		var err error
		info, err = fn(ctx, key)
		return err
	})
	return info, err
}

func statOf(info objectInfo, byGet bool) ObjectStat {
	st := ObjectStat{Found: info.Found, Size: info.Size, ETag: info.ETag, RequestID: info.RequestID, ByGet: byGet}
	// objectInfo keeps 0 for "no CRC64 sent"; 0 is the CRC64 of no
	// bytes only (for others a 2^-64 chance).
	if info.Found && (info.CRC64 != 0 || info.Size == 0) {
		st.CRC64 = strconv.FormatUint(info.CRC64, 10)
	}
	return st
}

func (s cosStore) listObjects(ctx context.Context, prefix, marker string, max int) (ObjectPage, error) {
	// encoding-type=url: a key may hold bytes XML cannot carry.
	res, _, err := s.c.Bucket.Get(ctx, &cos.BucketGetOptions{Prefix: prefix, Marker: marker, MaxKeys: max, EncodingType: "url"})
	if err != nil {
		return ObjectPage{}, err
	}
	if res == nil {
		return ObjectPage{}, errNoResult
	}
	var page ObjectPage
	for _, o := range res.Contents {
		key, err := url.PathUnescape(o.Key)
		if err != nil {
			return ObjectPage{}, &codedError{code: CodeBadResponse, party: PartyCOS, msg: fmt.Sprintf("COS listed a key that is not URL-encoded: %q", o.Key)}
		}
		t, _ := time.Parse(time.RFC3339, o.LastModified)
		page.Objects = append(page.Objects, ListedObject{Key: key, Size: o.Size, Modified: t, ETag: o.ETag})
	}
	if !res.IsTruncated {
		return page, nil
	}
	next, _ := url.PathUnescape(res.NextMarker)
	if next == "" && len(page.Objects) > 0 {
		next = page.Objects[len(page.Objects)-1].Key // COS sends NextMarker only with a delimiter
	}
	if next == "" || next <= marker {
		return ObjectPage{}, errEndlessListing
	}
	page.Next = next
	return page, nil
}

func (s cosStore) getSmall(ctx context.Context, key string, limit int64) ([]byte, string, error) {
	resp, err := s.c.Object.Get(ctx, key, nil)
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	return body, resp.Header.Get("x-cos-request-id"), err
}
