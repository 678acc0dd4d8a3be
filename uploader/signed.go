package uploader

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
)

// PutSigner is the server-signed mode's source of signatures; *auth.SignServer
// implements it. The server picks the key and signs exactly one PUT.
type PutSigner interface {
	PutSign(ctx context.Context, ext string) (auth.SignedPut, error)
}

// signedPut uploads a file with one server-signed PUT. Without a SecretKey
// there is no multipart, pause keeps nothing, and cancel has nothing to
// abort; the CRC64 check still applies.
func (e *Engine) signedPut(ctx context.Context, t *task, rs *runState) error {
	r := e.record(t)
	f, err := os.Open(r.Path)
	if err != nil {
		return fmt.Errorf("open file: %w", &localError{code: CodeFileMissing, err: err})
	}
	defer f.Close()
	// One request per file, and COS takes at most 5 GB in one: refuse a
	// bigger file up front (issue 4) instead of asking for a signature and
	// streaming gigabytes into an EntityTooLarge. Not retryable: the file
	// will not shrink.
	if err := auth.CheckSingleUpload(r.Size); err != nil {
		return fmt.Errorf("upload: %w", &localError{code: "EntityTooLarge", err: err})
	}
	ext := strings.TrimPrefix(filepath.Ext(r.Path), ".")
	var key, etag, reqID string
	var crc uint64
	err = retrier{e: e, op: "upload"}.do(ctx, func(err error) { e.noteError(t, "upload", err) }, func(ctx context.Context) error {
		if err := e.gate.acquire(ctx); err != nil {
			return err
		}
		defer e.gate.release()
		if err := checkFile(f, &r); err != nil {
			return err
		}
		sp, err := e.cfg.Signer.PutSign(ctx, ext)
		if err != nil {
			// A refused login token is refused again on every try: fail
			// at once with the server's message instead of backing off.
			if errors.Is(err, auth.ErrUnauthorized) {
				return &codedError{code: CodeUnauthorized, msg: "ask the signing server: " + err.Error()}
			}
			return &codedError{code: "SignServerError", msg: "ask the signing server: " + err.Error(), retryable: true}
		}
		u, err := signedURL(sp)
		if err != nil {
			return &localError{code: "SignServerError", err: err}
		}
		body := e.newPartReader(ctx, rs, f, 0, r.Size)
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, body)
		if err != nil {
			body.finish()
			return &localError{code: "SignServerError", err: err}
		}
		req.ContentLength = r.Size
		if r.Size == 0 {
			req.Body = http.NoBody
		}
		req.Header.Set("Authorization", sp.Authorization)
		if sp.SecurityToken != "" {
			req.Header.Set("x-cos-security-token", sp.SecurityToken)
		}
		resp, err := e.rawClient().Do(req)
		sent, sum, locErr := body.finish()
		if locErr != nil {
			return locErr
		}
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return parseCOSError(resp)
		}
		io.Copy(io.Discard, resp.Body)
		if sent != r.Size {
			return fileChanged()
		}
		if err := checkCRC(resp, sum, "upload"); err != nil {
			return err
		}
		rs.committed.Store(r.Size)
		key, crc, etag, reqID = sp.Key, sum, resp.Header.Get("ETag"), resp.Header.Get("x-cos-request-id")
		return nil
	})
	if err != nil {
		return err
	}
	return e.finishSingle(t, f, &r, key, etag, crc, reqID)
}

// signedURL builds the PUT URL from the signing server's host and key.
func signedURL(sp auth.SignedPut) (string, error) {
	if sp.Key == "" || sp.Host == "" {
		return "", fmt.Errorf("the signing server's answer has no host or key")
	}
	base := sp.Host
	if !strings.Contains(base, "://") {
		host := base
		if h, _, err := net.SplitHostPort(base); err == nil {
			host = h
		}
		if auth.IsLoopback(host) {
			base = "http://" + base
		} else {
			base = "https://" + base
		}
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil {
		return "", fmt.Errorf("the signing server's host %q is not a URL: %w", sp.Host, err)
	}
	segs := strings.Split(strings.TrimPrefix(sp.Key, "/"), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	u.RawPath = u.Path + "/" + strings.Join(segs, "/")
	u.Path = u.Path + "/" + strings.TrimPrefix(sp.Key, "/")
	return u.String(), nil
}

// parseCOSError reads a COS <Error> body into the SDK's error type, so the
// retry rules and error records treat both paths alike.
func parseCOSError(resp *http.Response) error {
	er := &cos.ErrorResponse{Response: resp}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if len(data) > 0 {
		xml.Unmarshal(data, er)
	}
	if er.RequestID == "" {
		er.RequestID = resp.Header.Get("x-cos-request-id")
	}
	if er.Code == "" {
		er.Code = http.StatusText(resp.StatusCode)
	}
	return er
}
