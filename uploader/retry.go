package uploader

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// localError marks a failure of the local file, never retried except
// FileInUse (another program holds the file locked for a while).
type localError struct {
	code string
	err  error
}

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// errFileChanged is the plain message the issue asks for.
var errFileChanged = errors.New("the file changed since the upload started")

func fileChanged() error { return &localError{code: CodeFileChanged, err: errFileChanged} }

// codedError is an engine-detected failure of a request (CRC mismatch, a
// malformed answer, ...), with the party at fault.
type codedError struct {
	code      string
	party     Party
	requestID string
	status    int
	msg       string
	args      map[string]string
	retryable bool
}

func (e *codedError) Error() string { return e.msg }

// cosError unwraps the SDK's error types to the COS error response, if any.
func cosError(err error) (*cos.ErrorResponse, bool) {
	_, err = sdkRetryError(err)
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

// failure is an error classified once: how to go on, whose fault it is and
// the code and parameters the edge words it with.
type failure struct {
	verdict   verdict
	code      string
	party     Party
	status    int
	requestID string
	message   string
	args      map[string]string
}

// classify decides how to go on after err. The caller has already checked
// its own context (pause, cancel and shutdown are never retried).
func classify(err error) verdict { return classifyErr(err).verdict }

// classifyErr is the one place that decides whether a failure is
// definitive or transient and whose fault it is (finding 14): a definitive
// failure is never retried, and a credential server's or COS's garbage is
// named as such instead of passing for a network error.
func classifyErr(err error) failure {
	_, cause := sdkRetryError(err)
	var le *localError
	var ce *codedError
	var se *auth.ServerError
	var xe *xml.SyntaxError
	switch {
	case errors.As(err, &le):
		party := PartyFile
		if le.code == CodeJournal {
			party = PartyJournal
		}
		v := fatal
		if le.code == CodeFileInUse {
			v = retry
		}
		return failure{verdict: v, code: le.code, party: party, message: err.Error()}
	case errors.As(err, &ce):
		v := fatal
		if ce.retryable {
			v = retry
		}
		return failure{verdict: v, code: ce.code, party: ce.party, status: ce.status, requestID: ce.requestID, message: ce.msg, args: ce.args}
	case errors.As(err, &se) || errors.As(cause, &se):
		return serverFailure(se)
	case errors.Is(err, auth.ErrUnauthorized) || errors.Is(cause, auth.ErrUnauthorized):
		return failure{verdict: fatal, code: CodeUnauthorized, party: PartyCredentials, message: cause.Error()}
	}
	if er, ok := cosError(err); ok {
		return cosFailure(er)
	}
	if errors.As(cause, &xe) || errors.Is(cause, errNoResult) {
		// COS (or something in its place) answered, but not in COS's
		// language: retrying will not teach it.
		return failure{verdict: fatal, code: CodeBadResponse, party: PartyCOS, message: cause.Error()}
	}
	if msg := cause.Error(); strings.HasPrefix(msg, sdkUnmarshalFailed) {
		// The SDK's fallback parser (Initiate, Complete) quotes the whole
		// body in its error: fuzzing gave it 2 MiB, all of it bound for the
		// journal. Say what happened and how big the answer was instead.
		return failure{verdict: fatal, code: CodeBadResponse, party: PartyCOS,
			message: fmt.Sprintf("COS's answer could not be read (%d bytes that are not COS's XML)", len(msg)-len(sdkUnmarshalFailed))}
	}
	// No COS answer: connection reset, timeout, truncated response.
	return failure{verdict: retry, code: CodeNetwork, party: PartyNetwork, message: cause.Error()}
}

// serverFailure classifies the credential or signing server's failure.
func serverFailure(se *auth.ServerError) failure {
	f := failure{verdict: fatal, code: CodeCredentialServer, party: PartyCredentials, status: se.Status, message: se.Error(),
		args: map[string]string{"kind": string(se.Kind), "status": strconv.Itoa(se.Status), "server": se.Server}}
	if se.Kind == auth.KindUnauthorized {
		f.code = CodeUnauthorized
	}
	if se.PolicyType != "" {
		// The policy's Content-Type condition, so the words can name it
		// rather than a permission (issue 20 finding 10).
		f.args["policy_type"] = se.PolicyType
		f.args["file_type"] = se.FileType
		f.args["policy_prefix"] = strconv.FormatBool(se.PolicyPrefix)
	}
	if se.Temporary {
		f.verdict = retry
	}
	return f
}

// cosFailure classifies an error COS answered.
func cosFailure(er *cos.ErrorResponse) failure {
	f := failure{verdict: fatal, code: er.Code, party: PartyCOS, requestID: er.RequestID, message: er.Message}
	if er.Response != nil {
		f.status = er.Response.StatusCode
		if f.requestID == "" {
			f.requestID = er.Response.Header.Get("x-cos-request-id")
		}
	}
	if f.message == "" {
		f.message = http.StatusText(f.status)
	}
	switch {
	case er.Code == "ExpiredToken" || er.Code == "InvalidToken" && f.status == http.StatusForbidden:
		f.verdict, f.party = refresh, PartyCredentials
	case er.Code == "AccessDenied" && strings.Contains(strings.ToLower(er.Message), "expired"):
		f.verdict, f.party = refresh, PartyCredentials
	case er.Code == "SignatureDoesNotMatch" || er.Code == "InvalidAccessKeyId":
		f.party = PartyCredentials
	case er.Code == "RequestTimeTooSkewed":
		f.verdict = retry // auth.Transport corrects its clock from the response's Date
	case f.status >= 500, f.status == http.StatusTooManyRequests, er.Code == "SlowDown", er.Code == "RequestTimeout":
		f.verdict = retry
	}
	return f
}

// toTaskError turns err into the record a support team needs: codes and
// parameters, and the technical detail in Message.
func toTaskError(op string, err error, now time.Time) TaskError {
	f := classifyErr(err)
	msg := f.message
	if msg == "" {
		msg = err.Error()
	}
	if re, cause := sdkRetryError(err); re != nil {
		msg = strings.Replace(msg, re.Error(), cause.Error(), 1)
	}
	msg = clipMessage(msg)
	return TaskError{Op: op, Code: f.code, HTTPStatus: f.status, RequestID: f.requestID, Message: msg, Time: now, Party: f.party, Args: f.args}
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

// retrier runs one request with the engine's retry policy. It is the only
// retry loop of the engine: every request, Complete included, goes through it.
type retrier struct {
	e  *Engine
	op string
	// cfg is the configuration of a retrier without an engine (Bucket);
	// nil means e's.
	cfg *Config
}

// do calls fn until it succeeds, fails for good, or ctx ends. Each failure
// that will be retried is passed to note (the task's error list).
func (r retrier) do(ctx context.Context, note func(error), fn func(ctx context.Context) error) error {
	cfg := r.cfg
	if cfg == nil {
		cfg = &r.e.cfg
	}
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
			if cfg.Credentials == nil {
				return fmt.Errorf("%s: %w", r.op, err)
			}
			if _, rerr := cfg.Credentials.Refresh(ctx); rerr != nil {
				return fmt.Errorf("%s: refresh credentials: %w", r.op, rerr)
			}
			if refreshes < 3 {
				refreshes++
				continue
			}
			// Expired again after three fresh tokens: a short-lived token
			// on a slow machine or line (it failed a CI run). Go on under
			// the attempts and backoff below, so it ends, but not at once.
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

// sdkUnmarshalFailed starts the SDK's error for a body its fallback
// parser could not read (cos-go-sdk-v5 helper.go); the body follows.
const sdkUnmarshalFailed = "Unmarshal failed, "

// maxMessage bounds an error message kept in the journal and shown: a
// server's answer quoted in an error must not grow every record it lands in
// (a task keeps 20 errors).
const maxMessage = 2048

// clipMessage redacts msg (before cutting, so no part of a secret survives
// the cut unrecognised) and cuts it to maxMessage bytes on a rune boundary.
func clipMessage(msg string) string {
	if len(msg) > 64<<10 {
		msg = msg[:64<<10] // bound the redaction's own work
	}
	msg = auth.Redact(msg)
	if len(msg) <= maxMessage {
		return msg
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "…"
}
