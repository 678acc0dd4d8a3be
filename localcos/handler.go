package localcos

import (
	"crypto/tls"
	"encoding/xml"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// bucketName is the <name>-<appid> form COS requires.
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*-[0-9]+$`)

// virtualHost matches <bucket>.cos.<region>.<anything>.
var virtualHost = regexp.MustCompile(`^([a-z0-9][a-z0-9-]*-[0-9]+)\.cos\.([a-z0-9-]+)\.`)

func bucketRoot(dataDir, bucket string) string { return filepath.Join(dataDir, bucket) }

// maxKeyLen is COS's limit on object keys, in bytes (https://cloud.tencent.com/document/product/436/13324).
const maxKeyLen = 850

// request is the state of one COS request as it moves through the handler.
type request struct {
	s      *Server
	w      *respWriter
	r      *http.Request
	id     string
	api    string
	bucket string
	key    string
	query  map[string][]string
	now    time.Time
	cred   *tempCred // nil for the permanent key or an anonymous preflight
	// reset is set when a fault cut the body: the connection is reset
	// instead of answering.
	reset bool
	// act is what the fault plan decided for this request.
	act faultAction
	// received counts body bytes read.
	received int64
}

// scheme is how the client reached us, for Location headers and elements
// (COS's carry it: doc 7742's example "http://examplebucket-...").
func (q *request) scheme() string {
	if q.r.TLS != nil {
		return "https"
	}
	return "http"
}

func (q *request) has(param string) bool { _, ok := q.query[param]; return ok }
func (q *request) param(p string) string { return first(q.query[p]) }

// serveCOS is the COS listener's handler.
func (s *Server) serveCOS(rw http.ResponseWriter, r *http.Request) {
	now := s.now()
	w := &respWriter{ResponseWriter: rw}
	q := &request{s: s, w: w, r: r, now: now, query: parseQuery(r.URL.RawQuery), act: faultAction{stallAt: -1, resetAt: -1}}
	q.id = s.newRequestID(now)
	h := w.Header()
	h.Set("Server", "tencent-cos")
	h.Set("Date", now.UTC().Format(http.TimeFormat))
	h.Set("x-cos-request-id", q.id)
	if origin := r.Header.Get("Origin"); origin != "" {
		setCORS(h, origin)
	}

	var err error
	if aerr := s.route(q); aerr != nil {
		err = aerr
	} else {
		done := s.stats.handling(q.api)
		err = s.dispatch(q)
		done()
	}
	if err != nil && !q.reset {
		q.writeError(err)
	}
	status := w.status
	if q.reset {
		status = 0 // counted as "no response"
	}
	s.stats.request(q.api, status, q.received, w.written)
	s.logf("%s %s %s %d in=%d out=%d %s", r.Method, q.api, logKey(q), status, q.received, w.written, q.id)
	if q.reset {
		s.resetConn(w)
	}
}

func logKey(q *request) string {
	if q.key == "" {
		return "/" + q.bucket + "/"
	}
	return "/" + q.bucket + "/" + q.key
}

// route resolves the bucket and key from Host and path, and names the API.
func (s *Server) route(q *request) *apiError {
	r := q.r
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	if m := virtualHost.FindStringSubmatch(strings.ToLower(host)); m != nil {
		q.bucket = m[1]
		q.api = apiName(q, path != "")
		if m[1] != s.cfg.Bucket || m[2] != s.cfg.Region {
			return errNoSuchBucket
		}
		q.key = path
	} else {
		// An IP, localhost or any other host: the default bucket, unless
		// the path starts with it (path-style addressing).
		q.bucket = s.cfg.Bucket
		if b, rest, _ := strings.Cut(path, "/"); b == s.cfg.Bucket {
			path = rest
		}
		q.key = path
		q.api = apiName(q, path != "")
	}
	if len(q.key) > maxKeyLen {
		return errKeyTooLong
	}
	if q.api == "PutObject" || q.api == "InitiateMultipartUpload" {
		return checkKeyRules(q.key) // the writes that name a new object (POST: postFile)
	}
	return nil
}

// apiName names the operation the way COS's docs and CAM actions do; it is
// the key of the request counters and of token policies.
func apiName(q *request, hasKey bool) string {
	m := q.r.Method
	if m == http.MethodOptions {
		return "OptionsObject"
	}
	if !hasKey {
		switch {
		case m == http.MethodGet && q.has("uploads"):
			return "ListMultipartUploads"
		case m == http.MethodGet && q.has("versioning"):
			return "GetBucketVersioning"
		case m == http.MethodGet:
			return "GetBucket"
		case m == http.MethodHead:
			return "HeadBucket"
		case m == http.MethodPost && strings.HasPrefix(strings.ToLower(q.r.Header.Get("Content-Type")), "multipart/form-data"):
			return "PostObject"
		case m == http.MethodPost && q.has("delete"):
			return "DeleteMultipleObjects"
		}
		return "Unknown"
	}
	switch m {
	case http.MethodPut:
		if q.has("partNumber") || q.has("uploadId") {
			return "UploadPart"
		}
		return "PutObject"
	case http.MethodGet:
		if q.has("uploadId") {
			return "ListParts"
		}
		return "GetObject"
	case http.MethodHead:
		return "HeadObject"
	case http.MethodDelete:
		if q.has("uploadId") {
			return "AbortMultipartUpload"
		}
		return "DeleteObject"
	case http.MethodPost:
		if q.has("uploads") {
			return "InitiateMultipartUpload"
		}
		if q.has("uploadId") {
			return "CompleteMultipartUpload"
		}
	}
	return "Unknown"
}

// dispatch applies faults and authentication, then runs the API.
func (s *Server) dispatch(q *request) error {
	if q.api == "OptionsObject" {
		return s.preflight(q)
	}
	act := s.faults.decide(q.api)
	q.act = act
	if act.err != nil {
		return act.err
	}
	if act.stallBefore > 0 {
		s.stall(q, act.stallBefore)
	}
	if q.api == "Unknown" {
		return errMethodNotAllowed
	}
	if q.api != "PostObject" {
		if err := s.authenticate(q); err != nil {
			return err
		}
	}
	body := s.bodyReader(q, act)
	switch q.api {
	case "PutObject":
		return s.putObject(q, body)
	case "PostObject":
		return s.postObject(q, body)
	case "GetObject", "HeadObject":
		return s.getObject(q)
	case "DeleteObject":
		return s.deleteObject(q)
	case "DeleteMultipleObjects":
		return s.deleteMultiple(q, body)
	case "GetBucket":
		return s.getBucket(q)
	case "HeadBucket":
		q.w.WriteHeader(http.StatusOK)
		return nil
	case "InitiateMultipartUpload":
		return s.initiateUpload(q)
	case "UploadPart":
		return s.uploadPart(q, body)
	case "ListParts":
		return s.listParts(q)
	case "CompleteMultipartUpload":
		return s.completeUpload(q, body, act)
	case "AbortMultipartUpload":
		return s.abortUpload(q)
	case "ListMultipartUploads":
		return s.listUploads(q)
	case "GetBucketVersioning":
		return s.getVersioning(q)
	}
	return errMethodNotAllowed
}

// stall waits d, or until the client gives up or the server closes.
func (s *Server) stall(q *request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-q.r.Context().Done():
	case <-s.ctx.Done():
	}
}

// writeError sends the <Error> document (or, for HEAD, only the status).
func (q *request) writeError(err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		q.s.logf("internal error on %s %s: %v", q.api, logKey(q), err)
		ae = errInternal
	}
	h := q.w.Header()
	h.Set("x-cos-trace-id", q.id)
	if q.w.status != 0 {
		return // a response is already on its way; nothing more can be said
	}
	// Headers set for a success that did not happen must not leak out.
	for _, k := range []string{"ETag", "x-cos-hash-crc64ecma", "Last-Modified", "Content-Range", "Accept-Ranges"} {
		h.Del(k)
	}
	if q.r.Method == http.MethodHead {
		h.Del("Content-Length")
		q.w.WriteHeader(ae.Status)
		return
	}
	body := errorBody{Code: ae.Code, Message: ae.Message, Resource: q.resource(), RequestID: q.id, TraceID: q.id}
	if ae.Code == "RequestTimeTooSkewed" || ae == errRequestExpired {
		body.ServerTime = q.now.UTC().Format(time.RFC3339)
	}
	out, _ := xml.Marshal(body)
	out = append([]byte(xml.Header), out...)
	h.Set("Content-Type", "application/xml")
	h.Del("Content-Length")
	q.w.WriteHeader(ae.Status)
	q.w.Write(out)
}

// resource is what COS puts in <Resource>: the host and path.
func (q *request) resource() string { return q.r.Host + q.r.URL.EscapedPath() }

// resetConn aborts the connection with a TCP RST, as a flaky network would.
func (s *Server) resetConn(w *respWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn() // reset the TCP connection under TLS, no close_notify
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}
