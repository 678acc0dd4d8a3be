package session

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"cosdrop/uploader"
)

// A signature is no promise that COS will serve the object: Tencent's
// sample STS grants have no GetObject, and a link signed with them
// answered 403 at once while CosDrop printed "Valid until …" (issue 20,
// finding 8). So each new link is opened once, for its first byte, before
// it is handed out; a link COS refuses is refused with the reason.

// ErrShareNotReadable is matched (errors.Is) when COS refuses to serve the
// object through the link: the credentials may not read objects.
var ErrShareNotReadable = errors.New("COS refuses to serve the object with these credentials (GetObject is not allowed)")

// ErrShareObjectGone is matched (errors.Is) when the object is no longer in
// the bucket.
var ErrShareObjectGone = errors.New("the object is no longer in the bucket")

// linkCheckTimeout bounds the check of one link.
const linkCheckTimeout = 30 * time.Second

// linkClient is the HTTP client that checks links: the engine's own when
// it has one, else one with the profile's proxy and trusted CAs.
func linkClient(c uploader.Config) *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return &http.Client{Transport: &http.Transport{
		Proxy:           c.Proxy,
		TLSClientConfig: &tls.Config{RootCAs: c.RootCAs, MinVersion: tls.VersionTLS12},
	}}
}

// checked returns l once COS has served its first byte, else why not.
func (sh Sharer) checked(ctx context.Context, l ShareLink) (ShareLink, error) {
	ctx, cancel := context.WithTimeout(ctx, linkCheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.URL, nil)
	if err != nil {
		return ShareLink{}, err
	}
	req.Header.Set("Range", "bytes=0-0")
	client := sh.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return ShareLink{}, fmt.Errorf("checking the link: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusPartialContent:
		return l, nil
	case resp.StatusCode == http.StatusForbidden:
		return ShareLink{}, ErrShareNotReadable
	case resp.StatusCode == http.StatusNotFound:
		return ShareLink{}, ErrShareObjectGone
	}
	return ShareLink{}, fmt.Errorf("checking the link: COS answered %s", resp.Status)
}
