package localcos

import (
	"net/http"
	"strings"
)

// Request headers COS checks before it stores anything (doc 436/7749 PUT
// Object, 436/7746 Initiate Multipart Upload, 436/14690 POST Object).

// storageClasses is the documented list of x-cos-storage-class values (doc
// 436/7749); anything else is 400 NotSupportedStorageClass (doc
// 436/7730). UNVERIFIED: whether COS accepts other letter cases; the SDK
// and the docs write them upper-case, and so must clients here.
var storageClasses = map[string]bool{
	"STANDARD": true, "STANDARD_IA": true, "ARCHIVE": true, "DEEP_ARCHIVE": true,
	"INTELLIGENT_TIERING": true, "MAZ_STANDARD": true, "MAZ_STANDARD_IA": true,
	"MAZ_INTELLIGENT_TIERING": true,
}

// objectACLs are the preset ACLs of an object (doc 436/30752, quoted in the
// condition-key guide: "Preset ACLs for objects: default, private,
// public-read, authenticated-read, bucket-owner-read,
// bucket-owner-full-control"). Others are a request parameter error,
// 400 InvalidArgument.
var objectACLs = map[string]bool{
	"default": true, "private": true, "public-read": true, "authenticated-read": true,
	"bucket-owner-read": true, "bucket-owner-full-control": true,
}

// forbidOverwrite reads x-cos-forbid-overwrite (doc 7749: "true" forbids
// overwriting an object of the same name in a bucket without versioning;
// "false" or absent allows it).
func forbidOverwrite(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "true") }

// forbids is forbidOverwrite for this server's bucket: on a bucket with
// versioning enabled (Config.Versioning) COS ignores the header, so the
// write goes through and the object is replaced (doc 7749, doc 7746).
func (s *Server) forbids(v string) bool { return !s.cfg.Versioning && forbidOverwrite(v) }

// validMetaName reports whether the part of an x-cos-meta-* name after the
// prefix is allowed: doc 7749 "仅支持 -、数字、字母" (letters, digits and '-').
func validMetaName(suffix string) bool {
	if suffix == "" {
		return false
	}
	for _, c := range suffix {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// checkUploadHeaders validates what an upload request says about the
// object; h is the request's headers or, for POST, its form fields.
func checkUploadHeaders(h http.Header) *apiError {
	if v := h.Get("x-cos-storage-class"); v != "" && !storageClasses[v] {
		return errStorageClass
	}
	if v := h.Get("x-cos-acl"); v != "" && !objectACLs[v] {
		return errInvalidArgument("The x-cos-acl you specified is not a valid object ACL.")
	}
	for k := range h {
		lk := strings.ToLower(k)
		if suffix, ok := strings.CutPrefix(lk, "x-cos-meta-"); ok && !validMetaName(suffix) {
			return errInvalidArgument("The metadata name " + k + " may contain only letters, digits and '-'.")
		}
	}
	return nil
}

// sha1Header reads x-cos-content-sha1 (doc 7749: "RFC 3174 中定义的 160-bit
// 内容 SHA-1 算法校验值"): "" when absent; a malformed value is 400
// InvalidSHA1Digest, like a mismatch (doc 436/7730).
func sha1Header(h http.Header) (string, *apiError) {
	v := strings.ToLower(strings.TrimSpace(h.Get("x-cos-content-sha1")))
	if v == "" {
		return "", nil
	}
	if len(v) != 40 || strings.Trim(v, "0123456789abcdef") != "" {
		return "", errBadSHA1
	}
	return v, nil
}

// checkKeyRules refuses the object keys COS's naming rules forbid
// (https://cloud.tencent.com/document/product/436/13324, 命名规范): a key
// may not start with "/" or "\\", and may not hold the ASCII controls CAN,
// EM, SUB and ESC (24-27); CR and LF are refused as well (the checks of
// issue 20 against COS). Other characters are allowed, so localcos is
// no stricter than COS. UNVERIFIED: the error code; COS publishes none
// for this rule, and a request parameter error is InvalidArgument.
func checkKeyRules(key string) *apiError {
	if strings.HasPrefix(key, "/") || strings.HasPrefix(key, "\\") {
		return errInvalidArgument("The object key must not start with '/' or '\\'.")
	}
	if strings.ContainsAny(key, "\r\n\x18\x19\x1a\x1b") {
		return errInvalidArgument("The object key contains a character COS does not allow (CR, LF, CAN, EM, SUB or ESC).")
	}
	return nil
}
