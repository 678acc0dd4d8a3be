package uploader

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
)

// verdict is what the engine does after a failed request.
type verdict int

const (
	fatal   verdict = iota // give up: the task fails with this error
	retry                  // back off and try again (counts against MaxAttempts)
	refresh                // refresh credentials, then try again at once (free)
)

// localError marks a failure of the local file, never retried.
type localError struct {
	code string
	err  error
}

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// errFileChanged is the plain message the issue asks for.
var errFileChanged = errors.New("the file changed since the upload started")

func fileChanged() error { return &localError{code: CodeFileChanged, err: errFileChanged} }

// codedError is an engine-detected failure of a request (CRC mismatch, ...).
type codedError struct {
	code      string
	requestID string
	status    int
	msg       string
	retryable bool
}

func (e *codedError) Error() string { return e.msg }

// cosError unwraps the SDK's error types to the COS error response, if any.
func cosError(err error) (*cos.ErrorResponse, bool) {
	var re *cos.RetryError
	if errors.As(err, &re) && len(re.Errs) > 0 {
		err = re.Errs[len(re.Errs)-1]
	}
	var er *cos.ErrorResponse
	if errors.As(err, &er) {
		return er, true
	}
	return nil, false
}

// CodeUnauthorized marks a task failed because the credential or signing
// server refused the login token (its own message is in TaskError.Message).
const CodeUnauthorized = "Unauthorized"

// sdkRetryError finds the SDK's *cos.RetryError in err's chain. The SDK
// joins every attempt's error into it without an Unwrap method, and for a
// reader it cannot size (ours) the first entry is always a spurious "can't
// get reader content length": only the last entry is the real failure.
func sdkRetryError(err error) (*cos.RetryError, error) {
	var re *cos.RetryError
	if errors.As(err, &re) && len(re.Errs) > 0 {
		return re, re.Errs[len(re.Errs)-1]
	}
	return nil, err
}

// unauthorized reports whether err is the credential (or signing) server
// refusing the login token. Found by the end-to-end tests: it reaches the
// engine as a transport error, which used to be retried MaxAttempts times
// with backoff (about half a minute) and reported as a network error,
// although the same token will be refused every time.
func unauthorized(err error) bool {
	_, cause := sdkRetryError(err)
	return errors.Is(err, auth.ErrUnauthorized) || errors.Is(cause, auth.ErrUnauthorized)
}

// classify decides how to go on after err. The caller has already checked
// its own context (pause, cancel and shutdown are never retried).
func classify(err error) verdict {
	var le *localError
	if errors.As(err, &le) {
		return fatal
	}
	if unauthorized(err) {
		return fatal
	}
	var ce *codedError
	if errors.As(err, &ce) {
		if ce.retryable {
			return retry
		}
		return fatal
	}
	if er, ok := cosError(err); ok {
		status := 0
		if er.Response != nil {
			status = er.Response.StatusCode
		}
		switch {
		case er.Code == "ExpiredToken" || er.Code == "InvalidToken" && status == http.StatusForbidden:
			return refresh
		case er.Code == "AccessDenied" && strings.Contains(strings.ToLower(er.Message), "expired"):
			return refresh
		case er.Code == "RequestTimeTooSkewed":
			return retry // auth.Transport corrects its clock from the response's Date
		case status >= 500, status == http.StatusTooManyRequests, er.Code == "SlowDown", er.Code == "RequestTimeout":
			return retry
		}
		return fatal
	}
	// No COS answer: connection reset, timeout, truncated or garbled
	// response, 200 with an error body. All are worth another try.
	return retry
}

// toTaskError turns err into the record a support team needs.
func toTaskError(op string, err error, now time.Time) TaskError {
	te := TaskError{Op: op, Message: err.Error(), Time: now}
	var le *localError
	var ce *codedError
	switch {
	case errors.As(err, &le):
		te.Code = le.code
	case errors.As(err, &ce):
		te.Code, te.RequestID, te.HTTPStatus = ce.code, ce.requestID, ce.status
	default:
		if er, ok := cosError(err); ok {
			te.Code, te.Message, te.RequestID = er.Code, er.Message, er.RequestID
			if er.Response != nil {
				te.HTTPStatus = er.Response.StatusCode
				if te.RequestID == "" {
					te.RequestID = er.Response.Header.Get("x-cos-request-id")
				}
			}
			if te.Message == "" {
				te.Message = http.StatusText(te.HTTPStatus)
			}
		} else if unauthorized(err) {
			te.Code = CodeUnauthorized
		} else {
			te.Code = CodeNetwork
		}
		// Show the real failure, not the SDK's list of every attempt's
		// error with its spurious first entry (see sdkRetryError).
		if re, cause := sdkRetryError(err); re != nil {
			te.Message = strings.Replace(te.Message, re.Error(), cause.Error(), 1)
		}
	}
	return te
}

// backoff returns the wait before try number attempt+1: exponential from
// base, capped at max, with "equal jitter" (half fixed, half random) so
// parallel parts that failed together do not retry together.
func backoff(attempt int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	half := d / 2
	return half + rand.N(half+1)
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retrier runs one request with the engine's retry policy.
type retrier struct {
	e  *Engine
	op string
}

// do calls fn until it succeeds, fails for good, or ctx ends. Each failure
// that will be retried is passed to note (the task's error list).
func (r retrier) do(ctx context.Context, note func(error), fn func(ctx context.Context) error) error {
	cfg := &r.e.cfg
	refreshes := 0
	for attempt := 1; ; {
		err := fn(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		switch classify(err) {
		case refresh:
			if refreshes < 3 && cfg.Credentials != nil {
				refreshes++
				if _, rerr := cfg.Credentials.Refresh(ctx); rerr != nil {
					return fmt.Errorf("%s: refresh credentials: %w", r.op, rerr)
				}
				continue
			}
			return fmt.Errorf("%s: %w", r.op, err)
		case fatal:
			return fmt.Errorf("%s: %w", r.op, err)
		}
		if attempt >= cfg.MaxAttempts {
			return fmt.Errorf("%s: gave up after %d attempts: %w", r.op, attempt, err)
		}
		if note != nil {
			note(fmt.Errorf("%s (attempt %d): %w", r.op, attempt, err))
		}
		if err := sleepCtx(ctx, backoff(attempt, cfg.RetryBase, cfg.RetryMax)); err != nil {
			return context.Cause(ctx)
		}
		attempt++
	}
}
