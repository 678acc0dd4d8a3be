package localcos

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
)

// anonymousRead reports whether q only reads an object (GET or HEAD of a
// key, with no sub-resource such as ?acl or ?uploadId): what a public-read
// bucket serves to anyone (the AllUsers group's READ, per
// https://cloud.tencent.com/document/product/436/13327). READ also lets
// anyone list the bucket; localcos does not serve that unsigned, since
// nothing CosDrop does lists anonymously, and stricter is not lenient.
func anonymousRead(q *request) bool {
	if q.key == "" || q.r.Method != http.MethodGet && q.r.Method != http.MethodHead {
		return false
	}
	for k := range q.query {
		if !strings.HasPrefix(k, "response-") {
			return false
		}
	}
	return true
}

// authenticate checks the request's signature, time window and, for
// temporary credentials, the token's expiry and policy.
func (s *Server) authenticate(q *request) error {
	a, present, ok := requestAuth(q.r, q.query)
	if !present {
		if s.cfg.PublicRead && anonymousRead(q) {
			return nil
		}
		// Buckets are private: anonymous requests are refused.
		return errAccessDenied
	}
	if !ok {
		return errorf(errAccessDenied.Status, "AccessDenied", "Authorization is malformed.")
	}
	token := q.r.Header.Get("x-cos-security-token")
	if token == "" {
		token = q.param("x-cos-security-token")
	}
	secret, cred, err := s.lookupKey(a.AK, token)
	if err != nil {
		return err
	}
	hs := httpString(q.r.Method, q.r.URL.Path, a, q.query, signedHeaders(q.r))
	want := signature(secret, a.KeyTime, a.SignTime, hs)
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(a.Signature))) != 1 {
		return errSignatureMismatch
	}
	if err := checkTime(q.r, a, q.now); err != nil {
		return err
	}
	if cred != nil {
		if s.tokenExpired(cred, q.now) {
			return errExpiredToken
		}
		q.cred = cred
		return s.authorize(q, nil)
	}
	return nil
}

// lookupKey finds the SecretKey for a SecretId: the permanent key, or a
// temporary one whose session token must come with it.
func (s *Server) lookupKey(ak, token string) (secret string, cred *tempCred, err error) {
	if ak == s.cfg.SecretID {
		// A token sent with the permanent key is ignored, as it is harmless.
		return s.cfg.SecretKey, nil, nil
	}
	if !strings.HasPrefix(ak, tempIDPrefix) {
		return "", nil, errInvalidAccessKeyID
	}
	if token == "" {
		// UNVERIFIED: a temporary SecretId without its token; S3 answers
		// InvalidAccessKeyId, so we do too.
		return "", nil, errInvalidAccessKeyID
	}
	c, ok := s.parseToken(token)
	if !ok || c.ID != ak {
		return "", nil, errInvalidToken
	}
	return s.tempSecret(c.ID), c, nil
}

// authorize applies a temporary credential's policy (policy.go) to the
// request; form is the POST form, nil for other requests. The target of a
// bucket-level action is its prefix parameter: UNVERIFIED how CAM matches
// bucket-level list actions against an object-prefix resource; like S3's
// s3:prefix condition, the listing must ask for a prefix inside the allowed
// one.
func (s *Server) authorize(q *request, form postForm) error {
	c := q.cred
	target := q.key
	if q.key == "" {
		target = q.param("prefix")
	}
	if c.Policy == nil {
		// A token issued before policies: its action list and prefix.
		if !slices.Contains(c.Actions, "*") && !slices.Contains(c.Actions, q.api) || !strings.HasPrefix(target, c.Prefix) {
			return errAccessDenied
		}
		return nil
	}
	rc := requestContext{api: q.api, region: s.cfg.Region, bucket: q.bucket, target: target,
		values: conditionValues(q.api, q.r.Header, form, q.r.ContentLength, q.param("prefix"))}
	if !c.Policy.allows(rc) {
		return errAccessDenied
	}
	return nil
}
