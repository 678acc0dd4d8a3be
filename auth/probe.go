package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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
	var pe interface{ Localize(Translator) string }
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
	// Public is whether COS serves the bucket's files to anyone (a plain
	// link opens), learnt by an unsigned GET; nil when unknown.
	Public *bool
	// Versioned is whether the bucket has versioning enabled (GET Bucket
	// versioning); nil when the credentials may not read it (Tencent's
	// sample grants do not allow GetBucketVersioning).
	Versioned *bool
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

// UploadsWork reports whether every action an upload of any size needs
// was allowed (the "upload" and "large-files" features, or the signing
// server's signatures), whatever else was denied.
func (r ProbeReport) UploadsWork() bool {
	need := map[string]bool{"put-sign": true, "post-policy": true}
	for _, f := range Features {
		if f.ID == "upload" || f.ID == "large-files" {
			for _, a := range f.Actions {
				need[a] = true
			}
		}
	}
	seen := false
	for _, res := range r.Results {
		if need[res.Action] {
			if res.Status != Allowed {
				return false
			}
			seen = true
		}
	}
	return seen
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
	"GetObject":               {"can read uploaded files (share links open)", "cannot read uploaded files (GetObject is missing): share links made with these credentials would not open, so CosDrop does not offer them"},
	"ListMultipartUploads":    {"can find unfinished large uploads", "cannot find unfinished large uploads (ListMultipartUploads is missing): large uploads cannot resume after a restart"},
	"InitiateMultipartUpload": {"can upload large files in parts", "cannot upload large files in parts (InitiateMultipartUpload is missing): files over the part size will fail"},
	"AbortMultipartUpload":    {"can clean up cancelled large uploads", "cannot clean up cancelled large uploads (AbortMultipartUpload is missing): their parts stay in the bucket and cost storage until a lifecycle rule removes them"},
	"UploadPart":              {"can send the parts of large files", "cannot send the parts of large files (UploadPart is missing): files over the part size will fail"},
	"ListParts":               {"can see which parts of a large upload arrived", "cannot see which parts of a large upload arrived (ListParts is missing): large uploads cannot resume after a restart"},
	"CompleteMultipartUpload": {"can finish large uploads", "cannot finish large uploads (CompleteMultipartUpload is missing): files over the part size will fail"},
	"put-sign":                {"the signing server signs PUT uploads", "the signing server refused to sign a PUT upload"},
	"post-policy":             {"the signing server signs form (POST) uploads", "the signing server refused to sign a form (POST) upload"},
	// ReceiptsAction: PutObject under the profile's receipts_prefix.
	ReceiptsAction: {"can write each drop's receipt under the receipts prefix", "cannot write receipts: PutObject is not allowed under the receipts prefix, so each drop's receipt waits on this computer and support cannot read it. Ask your administrator to allow PutObject there, or set receipts_prefix inside the folder uploads go to"},
}

// ReceiptsAction is the probe's name for PutObject under the receipts
// prefix (ProbeTarget.ReceiptsPrefix), reported apart from uploads.
const ReceiptsAction = "PutObject-receipts"

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

// The probe creates nothing. Test connection used to leave an object and
// an open multipart upload behind under Tencent's sample STS grant, which
// allows neither DeleteObject nor AbortMultipartUpload (issue 21, finding
// 4). Each write is sent so that COS checks the permission and then
// refuses the request for a reason of its own: COS authorizes a request
// before it reads it, so 403 AccessDenied means the action is not allowed
// and any other refusal means it is. The PUT carries a Content-MD5 that
// does not match its body (400 BadDigest, https://cloud.tencent.com/document/product/436/7730),
// the Initiate a storage class COS does not know (400
// NotSupportedStorageClass, same table), and the multipart calls an
// upload ID that does not exist (404 NoSuchUpload).

// probeStorageClass is a storage class COS does not have.
const probeStorageClass = "COSDROP_PROBE"

// wrongMD5 is the Content-MD5 of the empty body, sent with a body that is
// not empty.
const wrongMD5 = "1B2M2Y8AsgTpgAmY7PhCfg=="

// refusedAfterAuth turns COS's refusal of a probe request for a reason
// other than permission (the request was authorized, then refused) into
// nil: the action is allowed.
func refusedAfterAuth(err error) error {
	var e *cos.ErrorResponse
	if errors.As(err, &e) && e.Response != nil && e.Response.StatusCode != http.StatusForbidden &&
		e.Response.StatusCode >= 400 && e.Response.StatusCode < 500 {
		return nil
	}
	return err
}

// probeMultipart checks the multipart actions on key without opening an
// upload: initiate (refused for its storage class), send a 1-byte part,
// list the parts, complete and abort (against an upload that does not
// exist). Should COS ever open the upload anyway, it is aborted, or the
// notes say where it was left.
func probeMultipart(ctx context.Context, c *cos.Client, key string, notes *[]Message) []ProbeResult {
	var out []ProbeResult
	ini, _, iniErr := c.Object.InitiateMultipartUpload(ctx, key, &cos.InitiateMultipartUploadOptions{
		ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{XCosStorageClass: probeStorageClass}})
	out = append(out, result("InitiateMultipartUpload", refusedAfterAuth(iniErr)))
	for _, call := range []struct {
		action string
		do     func() error
	}{
		{"UploadPart", func() error {
			_, err := c.Object.UploadPart(ctx, key, noSuchUpload, 1, strings.NewReader("p"), nil)
			return err
		}},
		{"ListParts", func() error { _, _, err := c.Object.ListParts(ctx, key, noSuchUpload, nil); return err }},
		{"CompleteMultipartUpload", func() error {
			_, _, err := c.Object.CompleteMultipartUpload(ctx, key, noSuchUpload,
				&cos.CompleteMultipartUploadOptions{Parts: []cos.Object{{PartNumber: 1, ETag: `"0"`}}})
			return err
		}},
		{"AbortMultipartUpload", func() error { _, err := c.Object.AbortMultipartUpload(ctx, key, noSuchUpload); return err }},
	} {
		err := call.do()
		if notFound(err) {
			err = nil // NoSuchUpload: the action itself was permitted
		}
		out = append(out, result(call.action, err))
	}
	if iniErr == nil { // opened after all: remove it, or say where it is
		if _, err := c.Object.AbortMultipartUpload(ctx, key, ini.UploadID); err != nil {
			*notes = append(*notes, msg(CodeProbeNoteAbortFailed, "Key", key, "UploadID", ini.UploadID))
		}
	}
	return out
}

// notFound reports whether err is a COS 404: the action itself was
// permitted, its target just does not exist.
func notFound(err error) bool {
	var e *cos.ErrorResponse
	return errors.As(err, &e) && e.Response != nil && e.Response.StatusCode == http.StatusNotFound
}

// ProbeTarget is what the probe needs of a profile: where its bucket
// answers, the prefix every upload shares, what the profile says of
// public reads, and whether a signing server, not COS credentials, is to
// be asked.
type ProbeTarget struct {
	// BucketURL is the bucket's endpoint; when it is empty BucketErr says
	// why (a profile problem, worded by its Localize).
	BucketURL string
	BucketErr error
	// Prefix is the key prefix every upload of the profile shares.
	Prefix string
	// PublicRead is what the profile claims: plain links open.
	PublicRead bool
	// ServerSigned asks the signing server for signatures instead.
	ServerSigned bool
	// ReceiptsPrefix, when set, is where the profile writes receipts: the
	// probe checks a PUT there too (ReceiptsAction).
	ReceiptsPrefix string
}

// Key is the one key Test connection names, under the profile's prefix:
// it is never written (see the probe's requests above), and a fixed name
// keeps a rerun from naming another.
func (t ProbeTarget) Key() string { return t.Prefix + ".cosdrop-probe" }

// Probe checks, with a profile's credentials, every action CosDrop uses
// under the profile's prefix: put, head, get, list multipart uploads,
// initiate, upload part, list parts, complete and abort. It creates
// nothing (see above) and reports each action in plain words. For a
// server-signed profile, pass sign instead of prov: it asks the signing
// server for one PUT signature and one form policy, without uploading.
// base may be nil.
func Probe(ctx context.Context, p ProbeTarget, prov Provider, sign *SignServer, base http.RoundTripper) ProbeReport {
	var rep ProbeReport
	if p.ServerSigned || prov == nil {
		if sign == nil {
			rep.Notes = append(rep.Notes, msg(CodeProbeNoteNoCredentials))
			return rep
		}
		return probeSigner(ctx, sign)
	}
	c, err := probeClient(p, prov, base)
	if err != nil {
		rep.Results = append(rep.Results, result("PutObject", err))
		return rep
	}
	key := p.Key()
	putErr := probePut(ctx, c, key, &rep.Notes)
	rep.Results = append(rep.Results, result("PutObject", refusedAfterAuth(putErr)))
	var ce *cos.ErrorResponse
	if putErr != nil && !errors.As(putErr, &ce) {
		// Not an answer from COS (unreachable, TLS, credential server
		// down): every other action would fail the same way.
		rep.Notes = append(rep.Notes, msg(CodeProbeNoteUnreachable))
		return rep
	}
	if p.ReceiptsPrefix != "" {
		err := probePut(ctx, c, p.ReceiptsPrefix+".cosdrop-probe", &rep.Notes)
		rep.Results = append(rep.Results, result(ReceiptsAction, refusedAfterAuth(err)))
	}
	_, err = c.Object.Head(ctx, key, nil)
	rep.Results = append(rep.Results, result("HeadObject", allowedIfMissing(err)))
	_, err = c.Object.Get(ctx, key, &cos.ObjectGetOptions{Range: "bytes=0-0"})
	rep.Results = append(rep.Results, result("GetObject", allowedIfMissing(err)))
	_, _, err = c.Bucket.ListMultipartUploads(ctx, &cos.ListMultipartUploadsOptions{Prefix: p.Prefix, MaxUploads: 1})
	rep.Results = append(rep.Results, result("ListMultipartUploads", err))
	rep.Results = append(rep.Results, probeMultipart(ctx, c, key, &rep.Notes)...)
	probePublic(ctx, &rep, p, key, base)
	probeVersioning(ctx, &rep, c)
	return rep
}

// probeVersioning learns whether the bucket keeps versions, where the
// credentials allow. It matters for conflict safety: COS honours
// x-cos-forbid-overwrite only on buckets whose versioning is off (PUT
// Object, https://cloud.tencent.com/document/product/436/7749; Initiate
// Multipart Upload, https://cloud.tencent.com/document/product/436/7746),
// so on a versioned bucket a racing upload of the same name replaces the
// object (the older one is kept as a version). Suspended buckets are
// treated as versioned: the documents honour the header only where
// versioning was never turned on.
func probeVersioning(ctx context.Context, rep *ProbeReport, c *cos.Client) {
	v, _, err := c.Bucket.GetVersioning(ctx)
	if err != nil || v == nil {
		return
	}
	versioned := v.Status != ""
	rep.Versioned = &versioned
	if versioned {
		rep.Notes = append(rep.Notes, msg(CodeProbeNoteVersioned))
	}
}

// probePublic asks COS, without a signature, for the probe key (never
// written): 404 means anyone may read the bucket's files, 403 that it is
// private. A profile that says otherwise gets a note: its plain links
// would not open, or could.
func probePublic(ctx context.Context, rep *ProbeReport, p ProbeTarget, key string, base http.RoundTripper) {
	if p.BucketURL == "" {
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(p.BucketURL, "/")+"/"+escapeKey(key), nil)
	if err != nil {
		return
	}
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil {
		return
	}
	resp.Body.Close()
	var public bool
	switch resp.StatusCode {
	case http.StatusNotFound:
		public = true
	case http.StatusForbidden:
	default:
		return
	}
	rep.Public = &public
	switch {
	case public && !p.PublicRead:
		rep.Notes = append(rep.Notes, msg(CodeProbeNotePublicUnset))
	case !public && p.PublicRead:
		rep.Notes = append(rep.Notes, msg(CodeProbeNotePrivateBucket))
	}
}

// probePut sends the probe's PUT of key, whose Content-MD5 does not match
// its body so COS authorizes it and then refuses it; should COS take it
// anyway, the object is deleted, or the notes say where it was left.
func probePut(ctx context.Context, c *cos.Client, key string, notes *[]Message) error {
	_, err := c.Object.Put(ctx, key, strings.NewReader("CosDrop permission probe"),
		&cos.ObjectPutOptions{ObjectPutHeaderOptions: &cos.ObjectPutHeaderOptions{ContentMD5: wrongMD5}})
	if err == nil { // COS took the body despite its digest: remove it
		if _, derr := c.Object.Delete(ctx, key); derr != nil {
			*notes = append(*notes, msg(CodeProbeNoteDeleteFailed, "Key", key, "Reason", Redact(derr.Error())))
		}
	}
	return err
}

// allowedIfMissing: a 404 for the probe key (never written) means the
// read was allowed.
func allowedIfMissing(err error) error {
	if notFound(err) {
		return nil
	}
	return err
}

// probeClient is a COS client for the profile's bucket with prov's
// credentials, trying each request once.
func probeClient(p ProbeTarget, prov Provider, base http.RoundTripper) (*cos.Client, error) {
	if p.BucketURL == "" {
		return nil, p.BucketErr
	}
	bu, err := url.Parse(p.BucketURL)
	if err != nil {
		return nil, fmt.Errorf("bucket URL %q: %w", p.BucketURL, err)
	}
	c := cos.NewClient(&cos.BaseURL{BucketURL: bu}, &http.Client{Transport: NewTransport(prov, base)})
	c.DisableURLCheck()
	c.Conf.RetryOpt.Count = 1
	return c, nil
}
