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
// abort; the CRC64 check still applies. It is not on the object-store
// port: the request carries the signing server's signature, not ours.
func (w *worker) signedPut() (*result, error) {
	r := &w.r
	f, err := os.Open(r.Path)
	if err != nil {
		return nil, fmt.Errorf("open file: %w", &localError{code: CodeFileMissing, err: err})
	}
	defer f.Close()
	// One request per file, and COS takes at most 5 GB in one: refuse a
	// bigger file up front (issue 4) instead of asking for a signature and
	// streaming gigabytes into an EntityTooLarge. Not retryable: the file
	// will not shrink.
	if err := auth.CheckSingleUpload(r.Size); err != nil {
		return nil, fmt.Errorf("upload: %w", &localError{code: "EntityTooLarge", err: err})
	}
	var key string
	var rep reply
	var crc uint64
	err = w.retry("upload", func(ctx context.Context) error {
		return w.gated(ctx, func() error {
			if err := checkFile(f, r); err != nil {
				return err
			}
			var err error
			key, rep, crc, err = w.signedOnce(ctx, f)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return finishSingle(f, r, key, rep.ETag, crc, rep.RequestID)
}

// signedOnce asks the signing server for a signature and sends the file.
func (w *worker) signedOnce(ctx context.Context, f *os.File) (string, reply, uint64, error) {
	r := &w.r
	sp, err := w.e.cfg.Signer.PutSign(ctx, strings.TrimPrefix(filepath.Ext(r.Path), "."))
	if err != nil {
		if _, ok := auth.AsServerError(err); ok || errors.Is(err, auth.ErrUnauthorized) {
			return "", reply{}, 0, fmt.Errorf("ask the signing server: %w", err)
		}
		return "", reply{}, 0, &codedError{code: CodeCredentialServer, party: PartyCredentials, msg: "ask the signing server: " + err.Error(), retryable: true}
	}
	u, err := signedURL(sp)
	if err != nil {
		return "", reply{}, 0, &codedError{code: CodeCredentialServer, party: PartyCredentials, msg: err.Error(),
			args: map[string]string{"kind": "incomplete"}}
	}
	body := w.e.newPartReader(ctx, w.rs, f, 0, r.Size)
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u, body)
	if err != nil {
		body.finish()
		return "", reply{}, 0, &codedError{code: CodeCredentialServer, party: PartyCredentials, msg: err.Error()}
	}
	req.ContentLength = r.Size
	if r.Size == 0 {
		req.Body = http.NoBody
	}
	req.Header.Set("Authorization", sp.Authorization)
	if sp.SecurityToken != "" {
		req.Header.Set("x-cos-security-token", sp.SecurityToken)
	}
	resp, err := w.e.rawClient().Do(req)
	sent, sum, locErr := body.finish()
	switch {
	case locErr != nil:
		return "", reply{}, 0, locErr
	case err != nil:
		return "", reply{}, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return "", reply{}, 0, parseCOSError(resp)
	}
	io.Copy(io.Discard, resp.Body)
	if sent != r.Size {
		return "", reply{}, 0, fileChanged()
	}
	rep := reply{ETag: resp.Header.Get("ETag"), CRC64: resp.Header.Get("x-cos-hash-crc64ecma"),
		RequestID: resp.Header.Get("x-cos-request-id"), Status: resp.StatusCode}
	return sp.Key, rep, sum, checkCRC(rep, sum, "upload")
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
