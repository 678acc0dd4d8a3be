package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// ProbeStatus is the outcome of one probed action.
type ProbeStatus int

// Probe outcomes.
const (
	// Allowed: COS accepted the action.
	Allowed ProbeStatus = iota
	// Denied: COS answered 403 AccessDenied: the credentials lack this
	// permission.
	Denied
	// Failed: anything else (network, wrong key, missing bucket); the
	// message says what.
	Failed
)

// ProbeResult is one action of a permission probe.
type ProbeResult struct {
	Action string // COS API name, e.g. "HeadObject"
	Status ProbeStatus
	// Message explains the result in plain words: what works, or what
	// the user loses without it. Its code is ProbeCode(Action, Status).
	Message Message
	// Detail is the server's or the network's own words (redacted),
	// shown after the message untranslated; empty when allowed.
	Detail string
	// Plain is Message and Detail in English, for logs.
	Plain string
	Err   error
}

// Localize is the result in the user's language. A profile problem in
// Detail (a bad bucket name) is translated too.
func (r ProbeResult) Localize(tr Translator) string {
	s := r.Message.Localize(tr)
	var pe *ProfileError
	switch {
	case errors.As(r.Err, &pe):
		s += ": " + pe.Localize(tr)
	case r.Detail != "":
		s += ": " + r.Detail
	}
	return s
}

// ProbeReport is the outcome of Probe.
type ProbeReport struct {
	Results []ProbeResult
	// Notes are cleanup problems and similar remarks that do not affect
	// uploads (a probe object that could not be deleted).
	Notes []Message
}

// OK reports whether every action was allowed.
func (r ProbeReport) OK() bool {
	for _, res := range r.Results {
		if res.Status != Allowed {
			return false
		}
	}
	return len(r.Results) > 0
}

// Missing lists the actions COS denied.
func (r ProbeReport) Missing() []string {
	var out []string
	for _, res := range r.Results {
		if res.Status == Denied {
			out = append(out, res.Action)
		}
	}
	return out
}

// probeWords are the English texts of each action's allowed and denied
// codes (see ProbeCode).
var probeWords = map[string][2]string{ // action -> {works, missing}
	"PutObject":               {"can upload files", "cannot upload files: PutObject is not allowed here"},
	"HeadObject":              {"can check uploaded files", "cannot check uploaded files (HeadObject is missing): skipping identical files and recovering an upload whose last answer was lost will not work"},
	"ListMultipartUploads":    {"can find unfinished large uploads", "cannot find unfinished large uploads (ListMultipartUploads is missing): large uploads cannot resume after a restart"},
	"InitiateMultipartUpload": {"can upload large files in parts", "cannot upload large files in parts (InitiateMultipartUpload is missing): files over the part size will fail"},
	"AbortMultipartUpload":    {"can clean up cancelled large uploads", "cannot clean up cancelled large uploads (AbortMultipartUpload is missing): their parts stay in the bucket and cost storage until a lifecycle rule removes them"},
	"UploadPart":              {"can send the parts of large files", "cannot send the parts of large files (UploadPart is missing): files over the part size will fail"},
	"ListParts":               {"can see which parts of a large upload arrived", "cannot see which parts of a large upload arrived (ListParts is missing): large uploads cannot resume after a restart"},
	"CompleteMultipartUpload": {"can finish large uploads", "cannot finish large uploads (CompleteMultipartUpload is missing): files over the part size will fail"},
	"put-sign":                {"the signing server signs PUT uploads", "the signing server refused to sign a PUT upload"},
	"post-policy":             {"the signing server signs form (POST) uploads", "the signing server refused to sign a form (POST) upload"},
}

func result(action string, err error) ProbeResult {
	r := ProbeResult{Action: action, Status: Failed, Err: err}
	var e *cos.ErrorResponse
	switch {
	case err == nil:
		r.Status = Allowed
	case errors.As(err, &e) && e.Code == "AccessDenied" && e.Message != "Request has expired":
		r.Status = Denied
	case errors.As(err, &e) && e.Code == "" && e.Response != nil && e.Response.StatusCode == http.StatusForbidden:
		// A HEAD answer has no body to name its error: COS's 403 to a
		// HeadObject the policy lacks looks like this.
		r.Status = Denied
	case errors.Is(err, ErrUnauthorized):
		r.Status, r.Detail = Denied, Redact(err.Error())
	default:
		r.Detail = Redact(err.Error())
	}
	r.Message = msg(ProbeCode(action, r.Status), "Action", action)
	if r.Status == Allowed || r.Status == Denied {
		r.Message.Params = nil // the text names the action itself
	}
	r.Plain = r.Message.String()
	if r.Detail != "" {
		r.Plain += ": " + r.Detail
	}
	return r
}

// probeSigner asks the signing server for what the profile uses: a PUT
// signature and a form policy, or only the one its sign method names. A
// server that offers only post-policy is fine (CosDrop then uploads with
// POST); the report says so in a note instead of a failure.
func probeSigner(ctx context.Context, sign *SignServer) ProbeReport {
	var rep ProbeReport
	var putErr, postErr error
	if sign.method != SignPost {
		_, putErr = sign.PutSign(ctx, "txt")
	}
	if sign.method != SignPut {
		_, postErr = sign.PostPolicy(ctx, "txt")
	}
	switch {
	case sign.method == SignPut:
		rep.Results = append(rep.Results, result("put-sign", putErr))
	case sign.method == SignPost:
		rep.Results = append(rep.Results, result("post-policy", postErr))
	case putErr != nil && notOffered(putErr) && postErr == nil:
		rep.Results = append(rep.Results, result("post-policy", nil))
		rep.Notes = append(rep.Notes, msg(CodeProbeNotePostOnly))
	default:
		rep.Results = append(rep.Results, result("put-sign", putErr), result("post-policy", postErr))
	}
	return rep
}

// noSuchUpload is the upload ID the probe uses where it must not create
// anything: COS checks the permission first (403), then the upload (404
// NoSuchUpload, which means the action itself is allowed).
const noSuchUpload = "cosdrop-probe-no-such-upload"

// probeMultipart checks the multipart actions on key: initiate, send a
// 1-byte part, list the parts, complete (against an upload that does not
// exist, so no object is written) and abort.
func probeMultipart(ctx context.Context, c *cos.Client, key string, notes *[]Message) []ProbeResult {
	var out []ProbeResult
	ini, _, iniErr := c.Object.InitiateMultipartUpload(ctx, key, nil)
	out = append(out, result("InitiateMultipartUpload", iniErr))
	uploadID := noSuchUpload
	if iniErr == nil {
		uploadID = ini.UploadID
	}
	allowedUnlessDenied := func(err error) error {
		if notFound(err) {
			return nil // NoSuchUpload: the action itself was permitted
		}
		return err
	}
	_, err := c.Object.UploadPart(ctx, key, uploadID, 1, strings.NewReader("p"), nil)
	out = append(out, result("UploadPart", allowedUnlessDenied(err)))
	_, _, err = c.Object.ListParts(ctx, key, uploadID, nil)
	out = append(out, result("ListParts", allowedUnlessDenied(err)))
	_, _, err = c.Object.CompleteMultipartUpload(ctx, key, noSuchUpload,
		&cos.CompleteMultipartUploadOptions{Parts: []cos.Object{{PartNumber: 1, ETag: `"0"`}}})
	out = append(out, result("CompleteMultipartUpload", allowedUnlessDenied(err)))
	_, err = c.Object.AbortMultipartUpload(ctx, key, uploadID)
	out = append(out, result("AbortMultipartUpload", allowedUnlessDenied(err)))
	if iniErr == nil && err != nil {
		*notes = append(*notes, msg(CodeProbeNoteAbortFailed, "Key", key, "UploadID", uploadID))
	}
	return out
}

// notFound reports whether err is a COS 404: the action itself was
// permitted, its target just does not exist.
func notFound(err error) bool {
	var e *cos.ErrorResponse
	return errors.As(err, &e) && e.Response != nil && e.Response.StatusCode == http.StatusNotFound
}

// Probe checks, with a profile's credentials, every action an upload needs
// under the profile's prefix: put, head, list multipart uploads, initiate,
// upload part, list parts, complete and abort. It removes what it created (a 24-byte object and one
// multipart upload) and reports each action in plain words. For a
// server-signed profile, pass sign instead of prov: it asks the signing
// server for one PUT signature and one form policy, without uploading.
// base may be nil.
func Probe(ctx context.Context, p Profile, prov Provider, sign *SignServer, base http.RoundTripper) ProbeReport {
	var rep ProbeReport
	if p.Mode == ModeServerSigned || prov == nil {
		if sign == nil {
			rep.Notes = append(rep.Notes, msg(CodeProbeNoteNoCredentials))
			return rep
		}
		return probeSigner(ctx, sign)
	}
	u, err := p.BucketURL()
	if err != nil {
		rep.Results = append(rep.Results, result("PutObject", err))
		return rep
	}
	bu, err := parseURL(u)
	if err != nil {
		rep.Results = append(rep.Results, result("PutObject", err))
		return rep
	}
	c := cos.NewClient(&cos.BaseURL{BucketURL: bu}, &http.Client{Transport: NewTransport(prov, base)})
	c.DisableURLCheck()
	c.Conf.RetryOpt.Count = 1

	var rnd [6]byte
	rand.Read(rnd[:])
	key := p.StaticPrefix() + ".cosdrop-probe-" + hex.EncodeToString(rnd[:]) + ".txt"

	_, putErr := c.Object.Put(ctx, key, strings.NewReader("CosDrop permission probe"), nil)
	rep.Results = append(rep.Results, result("PutObject", putErr))
	var ce *cos.ErrorResponse
	if putErr != nil && !errors.As(putErr, &ce) {
		// Not an answer from COS (unreachable, TLS, credential server
		// down): every other action would fail the same way.
		rep.Notes = append(rep.Notes, msg(CodeProbeNoteUnreachable))
		return rep
	}

	_, err = c.Object.Head(ctx, key, nil)
	if putErr != nil && notFound(err) {
		err = nil // allowed; there is just nothing to see
	}
	rep.Results = append(rep.Results, result("HeadObject", err))

	_, _, err = c.Bucket.ListMultipartUploads(ctx, &cos.ListMultipartUploadsOptions{Prefix: p.StaticPrefix(), MaxUploads: 1})
	rep.Results = append(rep.Results, result("ListMultipartUploads", err))

	rep.Results = append(rep.Results, probeMultipart(ctx, c, key, &rep.Notes)...)

	if putErr == nil {
		if _, err := c.Object.Delete(ctx, key); err != nil {
			rep.Notes = append(rep.Notes, msg(CodeProbeNoteDeleteFailed, "Key", key, "Reason", Redact(err.Error())))
		}
	}
	return rep
}
