package uploader

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
)

// PutSigner is the server-signed mode's source of signatures; *auth.SignServer
// implements it. The server picks the key and signs exactly one PUT.
type PutSigner interface {
	Sign(ctx context.Context, name string, size int64) (auth.SignedUpload, error)
}

// signedPut uploads a file with one server-signed PUT. Without a SecretKey
// there is no multipart, pause keeps nothing, and cancel has nothing to
// abort; the CRC64 check still applies. It is not on the object-store
// port: the request carries the signing server's signature, not ours.
func (w *worker) signedPut() (*result, error) {
	r := &w.r
	f, err := w.openRetrying()
	if err != nil {
		return nil, err
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
	var notSent []string
	err = w.retry("upload", func(ctx context.Context) error {
		return w.gatedSized(ctx, r.Size, func(ctx context.Context) error {
			if err := checkFile(f, r); err != nil {
				return err
			}
			var err error
			key, rep, crc, notSent, err = w.signedOnce(ctx, f)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	res, err := finishSingle(f, r, key, rep.ETag, crc, rep.RequestID)
	if res != nil && len(notSent) > 0 {
		res.note = note(NoteHeadersNotSent, "headers", strings.Join(notSent, ", "))
	}
	return res, err
}

// signedOnce asks the signing server for a signature and sends the file
// with the rules' headers; notSent names those the signature does not
// allow.
func (w *worker) signedOnce(ctx context.Context, f *os.File) (key string, rep reply, crc uint64, notSent []string, err error) {
	key, rep, crc, err = w.signedSend(ctx, f, &notSent)
	return key, rep, crc, notSent, err
}

// signedSend is signedOnce's work.
func (w *worker) signedSend(ctx context.Context, f *os.File, notSent *[]string) (string, reply, uint64, error) {
	r := &w.r
	up, err := w.e.cfg.Signer.Sign(ctx, r.Path, r.Size)
	if err == nil {
		*notSent, err = up.ApplyHeaders(w.headers(), r.Size)
	}
	if err != nil {
		if _, ok := auth.AsServerError(err); ok || errors.Is(err, auth.ErrUnauthorized) {
			return "", reply{}, 0, fmt.Errorf("ask the signing server: %w", err)
		}
		return "", reply{}, 0, &codedError{code: CodeCredentialServer, party: PartyCredentials, msg: "ask the signing server: " + err.Error(),
			args: map[string]string{"kind": "incomplete"}}
	}
	body := w.e.newPartReader(ctx, w.rs, f, 0, r.Size)
	req, err := up.NewRequest(ctx, body, r.Size)
	if err != nil {
		body.finish()
		return "", reply{}, 0, &codedError{code: CodeCredentialServer, party: PartyCredentials, msg: err.Error()}
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
	return up.Key, rep, sum, checkCRC(rep, sum, "upload")
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
