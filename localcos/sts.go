package localcos

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The credential server mimics the sample servers of Tencent's guides
// (https://github.com/tencentyun/qcloud-cos-sts-sdk nodejs/demo/sts-server.js,
// https://github.com/tencentyun/cos-demo server/upload-sign): /sts hands
// out temporary credentials, /put-sign signs one
// PUT for a key it picks, /post-policy signs a browser form upload.

// stsResponse is the Node/Python sample server's JSON shape.
type stsResponse struct {
	Credentials struct {
		TmpSecretID  string `json:"tmpSecretId"`
		TmpSecretKey string `json:"tmpSecretKey"`
		SessionToken string `json:"sessionToken"`
	} `json:"credentials"`
	StartTime   int64  `json:"startTime"`
	ExpiredTime int64  `json:"expiredTime"`
	Expiration  string `json:"expiration"`
	RequestID   string `json:"requestId"`
}

// PutSignResponse is the answer of GET /put-sign: PUT the file to
// http://CosHost/CosKey with these Authorization and x-cos-security-token
// headers.
type PutSignResponse struct {
	CosHost       string `json:"cosHost"`
	CosKey        string `json:"cosKey"`
	Authorization string `json:"authorization"`
	SecurityToken string `json:"securityToken"`
}

// PostPolicyResponse is the answer of GET /post-policy: the form fields of a
// browser upload to http://CosHost/ with key CosKey.
type PostPolicyResponse struct {
	CosHost        string `json:"cosHost"`
	CosKey         string `json:"cosKey"`
	Policy         string `json:"policy"`
	QSignAlgorithm string `json:"qSignAlgorithm"`
	QAk            string `json:"qAk"`
	QKeyTime       string `json:"qKeyTime"`
	QSignature     string `json:"qSignature"`
	SecurityToken  string `json:"securityToken"`
}

func (s *Server) stsHandler() http.Handler {
	mux := http.NewServeMux()
	// The sample servers answer /sts on any method (express app.all).
	mux.HandleFunc("GET /sts", s.guard("sts:/sts", s.serveSTS))
	mux.HandleFunc("POST /sts", s.guard("sts:/sts", s.serveSTS))
	mux.HandleFunc("GET /put-sign", s.guard("sts:/put-sign", s.servePutSign))
	mux.HandleFunc("GET /post-policy", s.guard("sts:/post-policy", s.servePostPolicy))
	mux.HandleFunc("GET /-/stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Stats())
	})
	return mux
}

// guard enforces the bearer token, counts the request and answers with
// JSON errors, as a login-protected sample server would.
func (s *Server) guard(name string, h func(w http.ResponseWriter, r *http.Request) int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if origin := r.Header.Get("Origin"); origin != "" {
			w.Header().Set("Access-Control-Allow-Origin", origin)
		}
		status := http.StatusUnauthorized
		if want := s.cfg.STSAuthToken; want != "" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="localcos"`)
				writeJSON(w, status, map[string]string{"code": "Unauthorized", "message": "A valid Authorization: Bearer token is required."})
				s.stats.request(name, status, 0, 0)
				s.logf("%s %s %d", r.Method, r.URL.Path, status)
				return
			}
		}
		status = h(w, r)
		s.stats.request(name, status, 0, 0)
		s.logf("%s %s %d", r.Method, r.URL.Path, status)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func jsonError(w http.ResponseWriter, status int, code, msg string) int {
	writeJSON(w, status, map[string]string{"code": code, "message": msg})
	return status
}

// serveSTS issues upload credentials, like GetFederationToken behind a
// sample server. Parameters (query, or form for POST): policy, a CAM policy
// document (policy.go) that replaces the default grant; prefix narrows the
// default grant's key prefix; duration (seconds, 1..7200) overrides the
// lifetime. The default grant is Config.STSActions (SampleActions unless
// set) on every key under prefix.
func (s *Server) serveSTS(w http.ResponseWriter, r *http.Request) int {
	if err := r.ParseForm(); err != nil {
		return jsonError(w, http.StatusBadRequest, "InvalidParameter", "cannot read the parameters")
	}
	life := s.cfg.STSLifetime
	if v := r.Form.Get("duration"); v != "" {
		n, err := strconv.Atoi(v)
		// 7200 s: GetFederationToken's maximum for a root account (DurationSeconds in
		// https://github.com/TencentCloud/tencentcloud-sdk-go/blob/master/tencentcloud/sts/v20180813/models.go).
		if err != nil || n < 1 || n > 7200 {
			return jsonError(w, http.StatusBadRequest, "InvalidParameter", "duration must be 1..7200 seconds")
		}
		life = time.Duration(n) * time.Second
	}
	var pol *Policy
	if raw := r.Form.Get("policy"); raw != "" {
		p, err := parsePolicy(raw)
		if err != nil {
			// STS answers a bad policy with InvalidParameter.PolicyError... in
			// its own shape; the samples pass such errors through as JSON.
			return jsonError(w, http.StatusBadRequest, "InvalidParameter", err.Error())
		}
		pol = p
	} else {
		p := UploadPolicy(s.cfg.Region, s.cfg.Bucket, r.Form.Get("prefix"), s.cfg.STSActions)
		pol = &p
	}
	now := s.now()
	id, secret, token, c := s.issue(now, life, pol)
	var out stsResponse
	out.Credentials.TmpSecretID, out.Credentials.TmpSecretKey, out.Credentials.SessionToken = id, secret, token
	out.StartTime, out.ExpiredTime = c.Start, c.Expire
	out.Expiration = time.Unix(c.Expire, 0).UTC().Format(time.RFC3339)
	out.RequestID = s.newRequestID(now)
	writeJSON(w, http.StatusOK, out)
	return http.StatusOK
}

// keyPolicy grants one action on exactly one key, as cos-demo
// server/upload-sign/nodejs/app.js does for its signed uploads.
func (s *Server) keyPolicy(action, key string) *Policy {
	return &Policy{Version: "2.0", Statement: []Statement{{Effect: "allow", Action: []string{"name/cos:" + action},
		Resource: []string{"qcs::cos:" + s.cfg.Region + ":uid/" + appID(s.cfg.Bucket) + ":" + s.cfg.Bucket + "/" + key}}}}
}

var extPattern = regexp.MustCompile(`^[A-Za-z0-9]{0,16}$`)

// newKey picks a random, dated key with the given extension.
func newKey(now time.Time, ext string) string {
	k := now.UTC().Format("2006/01/02/") + randomHex(20)
	if ext != "" {
		k += "." + ext
	}
	return k
}

func (s *Server) servePutSign(w http.ResponseWriter, r *http.Request) int {
	ext := r.URL.Query().Get("ext")
	if !extPattern.MatchString(ext) {
		return jsonError(w, http.StatusBadRequest, "InvalidParameter", "ext must be up to 16 letters or digits")
	}
	now := s.now()
	key := newKey(now, ext)
	id, secret, token, c := s.issue(now, s.cfg.STSLifetime, s.keyPolicy("PutObject", key))
	host := s.cosLn.Addr().String()
	keyTime := strconv.FormatInt(c.Start, 10) + ";" + strconv.FormatInt(c.Expire, 10)
	// Only host is signed, so the browser may send any Content-Type/Length.
	a := authFields{HeaderList: []string{"host"}}
	hs := httpString(http.MethodPut, "/"+key, a, nil, map[string][]string{"Host": {host}})
	auth := "q-sign-algorithm=sha1&q-ak=" + id + "&q-sign-time=" + keyTime + "&q-key-time=" + keyTime +
		"&q-header-list=host&q-url-param-list=&q-signature=" + signature(secret, keyTime, keyTime, hs)
	writeJSON(w, http.StatusOK, PutSignResponse{CosHost: host, CosKey: key, Authorization: auth, SecurityToken: token})
	return http.StatusOK
}

func (s *Server) servePostPolicy(w http.ResponseWriter, r *http.Request) int {
	ext := r.URL.Query().Get("ext")
	if !extPattern.MatchString(ext) {
		return jsonError(w, http.StatusBadRequest, "InvalidParameter", "ext must be up to 16 letters or digits")
	}
	now := s.now()
	key := newKey(now, ext)
	id, secret, token, c := s.issue(now, s.cfg.STSLifetime, s.keyPolicy("PostObject", key))
	keyTime := strconv.FormatInt(c.Start, 10) + ";" + strconv.FormatInt(c.Expire, 10)
	policy := map[string]any{
		"expiration": time.Unix(c.Expire, 0).UTC().Format("2006-01-02T15:04:05.000Z"),
		"conditions": []any{
			map[string]string{"q-sign-algorithm": "sha1"},
			map[string]string{"q-ak": id},
			map[string]string{"q-sign-time": keyTime},
			map[string]string{"bucket": s.cfg.Bucket},
			[]any{"eq", "$key", key},
			[]any{"content-length-range", 0, maxPutSize},
			map[string]string{"x-cos-security-token": token},
		},
	}
	raw, _ := json.Marshal(policy)
	writeJSON(w, http.StatusOK, PostPolicyResponse{
		CosHost: s.cosLn.Addr().String(), CosKey: key, Policy: base64.StdEncoding.EncodeToString(raw),
		QSignAlgorithm: "sha1", QAk: id, QKeyTime: keyTime,
		QSignature: hmacSHA1Hex(signKey(secret, keyTime), sha1Hex(string(raw))), SecurityToken: token,
	})
	return http.StatusOK
}
