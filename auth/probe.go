package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
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
	// Plain explains the result in plain words: what works, or what the
	// user loses without it.
	Plain string
	Err   error
}

// ProbeReport is the outcome of Probe.
type ProbeReport struct {
	Results []ProbeResult
	// Notes are cleanup problems and similar remarks that do not affect
	// uploads (a probe object that could not be deleted).
	Notes []string
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

// probeAction describes an action for the report.
var probeWords = map[string][2]string{ // action -> {works, missing}
	"PutObject":               {"can upload files", "cannot upload files: PutObject is not allowed here"},
	"HeadObject":              {"can check uploaded files", "cannot check uploaded files (HeadObject is missing): skipping identical files and recovering an upload whose last answer was lost will not work"},
	"ListMultipartUploads":    {"can find unfinished large uploads", "cannot find unfinished large uploads (ListMultipartUploads is missing): large uploads cannot resume after a restart"},
	"InitiateMultipartUpload": {"can upload large files in parts", "cannot upload large files in parts (InitiateMultipartUpload is missing): files over the part size will fail"},
	"AbortMultipartUpload":    {"can clean up cancelled large uploads", "cannot clean up cancelled large uploads (AbortMultipartUpload is missing): their parts stay in the bucket and cost storage until a lifecycle rule removes them"},
	"put-sign":                {"the signing server signs PUT uploads", "the signing server refused to sign a PUT upload"},
	"post-policy":             {"the signing server signs form (POST) uploads", "the signing server refused to sign a form (POST) upload"},
}

func result(action string, err error) ProbeResult {
	w := probeWords[action]
	if err == nil {
		return ProbeResult{Action: action, Status: Allowed, Plain: w[0]}
	}
	var e *cos.ErrorResponse
	if errors.As(err, &e) {
		if e.Code == "AccessDenied" && e.Message != "Request has expired" {
			return ProbeResult{Action: action, Status: Denied, Plain: w[1], Err: err}
		}
	}
	if errors.Is(err, ErrUnauthorized) {
		return ProbeResult{Action: action, Status: Denied, Plain: w[1] + ": " + err.Error(), Err: err}
	}
	return ProbeResult{Action: action, Status: Failed, Plain: fmt.Sprintf("%s: %s", action, Redact(err.Error())), Err: err}
}

// notFound reports whether err is a COS 404: the action itself was
// permitted, its target just does not exist.
func notFound(err error) bool {
	var e *cos.ErrorResponse
	return errors.As(err, &e) && e.Response != nil && e.Response.StatusCode == http.StatusNotFound
}

// Probe checks, with a profile's credentials, every action an upload needs
// under the profile's prefix: put, head, list multipart uploads, initiate
// and abort. It removes what it created (a 24-byte object and one
// multipart upload) and reports each action in plain words. For a
// server-signed profile, pass sign instead of prov: it asks the signing
// server for one PUT signature and one form policy, without uploading.
// base may be nil.
func Probe(ctx context.Context, p Profile, prov Provider, sign *SignServer, base http.RoundTripper) ProbeReport {
	var rep ProbeReport
	if p.Mode == ModeServerSigned || prov == nil {
		if sign == nil {
			rep.Notes = append(rep.Notes, "nothing to probe: the profile has no credentials")
			return rep
		}
		_, err := sign.PutSign(ctx, "txt")
		rep.Results = append(rep.Results, result("put-sign", err))
		_, err = sign.PostPolicy(ctx, "txt")
		rep.Results = append(rep.Results, result("post-policy", err))
		return rep
	}
	u, err := p.BucketURL()
	if err != nil {
		rep.Results = append(rep.Results, ProbeResult{Action: "PutObject", Status: Failed, Plain: err.Error(), Err: err})
		return rep
	}
	bu, err := parseURL(u)
	if err != nil {
		rep.Results = append(rep.Results, ProbeResult{Action: "PutObject", Status: Failed, Plain: err.Error(), Err: err})
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
		rep.Notes = append(rep.Notes, "stopped after the first request: COS could not be reached with this profile")
		return rep
	}

	_, err = c.Object.Head(ctx, key, nil)
	if putErr != nil && notFound(err) {
		err = nil // allowed; there is just nothing to see
	}
	rep.Results = append(rep.Results, result("HeadObject", err))

	_, _, err = c.Bucket.ListMultipartUploads(ctx, &cos.ListMultipartUploadsOptions{Prefix: p.StaticPrefix(), MaxUploads: 1})
	rep.Results = append(rep.Results, result("ListMultipartUploads", err))

	ini, _, iniErr := c.Object.InitiateMultipartUpload(ctx, key, nil)
	rep.Results = append(rep.Results, result("InitiateMultipartUpload", iniErr))
	uploadID := "cosdrop-probe-no-such-upload"
	if iniErr == nil {
		uploadID = ini.UploadID
	}
	_, err = c.Object.AbortMultipartUpload(ctx, key, uploadID)
	if iniErr != nil && notFound(err) {
		err = nil // NoSuchUpload: the abort itself was permitted
	}
	rep.Results = append(rep.Results, result("AbortMultipartUpload", err))
	if iniErr == nil && err != nil {
		rep.Notes = append(rep.Notes, fmt.Sprintf("could not abort the probe's multipart upload of %s; remove it in the COS console (upload ID %s)", key, uploadID))
	}

	if putErr == nil {
		if _, err := c.Object.Delete(ctx, key); err != nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("could not delete the probe object %s (%s); it is 24 bytes, remove it in the COS console", key, Redact(err.Error())))
		}
	}
	return rep
}
