package localcos

import (
	"encoding/xml"
	"net/http"
)

// apiError is a COS error: the HTTP status plus the Code and Message that go
// into the <Error> body (https://cloud.tencent.com/document/product/436/7730).
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errorf(status int, code, msg string) *apiError {
	return &apiError{Status: status, Code: code, Message: msg}
}

// The errors a client can provoke. Every Code is one of COS's published
// error codes (doc 436/7730, the current Chinese table "错误码列表", with its
// HTTP status), except FileAlreadyExists, which COS answers for
// x-cos-forbid-overwrite (see errFileExists). Messages follow real COS
// responses where the reference records one.
var (
	errAccessDenied       = errorf(http.StatusForbidden, "AccessDenied", "Access Denied.")
	errRequestExpired     = errorf(http.StatusForbidden, "AccessDenied", "Request has expired")
	errSignatureMismatch  = errorf(http.StatusForbidden, "SignatureDoesNotMatch", "The Signature you specified is invalid.")
	errInvalidAccessKeyID = errorf(http.StatusForbidden, "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records")
	errTimeTooSkewed      = errorf(http.StatusForbidden, "RequestTimeTooSkewed", "The difference between the request time and the server's time is too large.")
	errExpiredToken       = errorf(http.StatusForbidden, "ExpiredToken", "The provided token has expired.")
	// errInvalidToken answers a forged, altered or foreign session token.
	// COS has no InvalidToken code (doc 436/7730): a bad
	// token is refused like a bad signature, 403 AccessDenied
	// ("签名或者权限不正确，拒绝访问").
	errInvalidToken     = errorf(http.StatusForbidden, "AccessDenied", "The security token you provided is invalid.")
	errNoSuchKey        = errorf(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
	errNoSuchBucket     = errorf(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist.")
	errNoSuchUpload     = errorf(http.StatusNotFound, "NoSuchUpload", "The specified multipart upload does not exist.")
	errEntityTooSmall   = errorf(http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.")
	errEntityTooLarge   = errorf(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.")
	errInvalidPart      = errorf(http.StatusBadRequest, "InvalidPart", "One or more of the specified parts could not be found or the ETag did not match.")
	errInvalidPartOrder = errorf(http.StatusBadRequest, "InvalidPartOrder", "The list of parts was not in ascending order.")
	errMalformedXML     = errorf(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.")
	errMissingLength    = errorf(http.StatusLengthRequired, "MissingContentLength", "You must provide the Content-Length HTTP header.")
	errInvalidRange     = errorf(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable.")
	errPrecondition     = errorf(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the preconditions you specified did not hold.")
	errMethodNotAllowed = errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	errInternal         = errorf(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
	errSlowDown         = errorf(http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	// errTooManyRequests is only ever sent by the fault plan's 429 rule: COS
	// itself has no 429 code (doc 436/7730), but proxies and gateways in
	// front of it do, and clients must cope.
	errTooManyRequests = errorf(http.StatusTooManyRequests, "TooManyRequests", "Too many requests, please slow down.")
	// errIncompleteBody: the older COS tables (doc 436/7730, intl revision)
	// list the code with this spelling, "ImcompleteBody": "The actual
	// content length of the request is inconsistent with the specified
	// Content-Length".
	errIncompleteBody = errorf(http.StatusBadRequest, "ImcompleteBody", "The actual content length of the request is inconsistent with the specified Content-Length.")
	errInvalidDigest  = errorf(http.StatusBadRequest, "InvalidDigest", "The Content-MD5 you specified is not valid.")
	// errBadDigest: doc 436/7730 "BadDigest 提供的 Content-MD5 值与服务端收到的文件
	// MD5 值不一致", as in the real response quoted in
	// https://github.com/rclone/rclone/issues/8483.
	errBadDigest = errorf(http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified is not match.")
	// errBadSHA1: doc 436/7730 "InvalidSHA1Digest 请求内容 SHA1 校验不合法", for
	// an x-cos-content-sha1 that is malformed or does not match the body.
	errBadSHA1 = errorf(http.StatusBadRequest, "InvalidSHA1Digest", "The x-cos-content-sha1 you specified does not match the content.")
	// errKeyTooLong: doc 436/7730 "KeyTooLong Key 过长".
	errKeyTooLong = errorf(http.StatusBadRequest, "KeyTooLong", "Your key is too long.")
	// errMetadataTooLarge: COS has no MetadataTooLarge code; the limits of
	// doc 7749 (2 KB per header, 4 KB in all) are a request parameter
	// error, InvalidArgument.
	errMetadataTooLarge = errorf(http.StatusBadRequest, "InvalidArgument", "Your metadata headers exceed the maximum allowed metadata size (2 KB per header, 4 KB in all).")
	// errStorageClass: doc 436/7730 "NotSupportedStorageClass 指定的存储类型不支持".
	errStorageClass = errorf(http.StatusBadRequest, "NotSupportedStorageClass", "The storage class you specified is not supported.")
	// errFileExists answers a write with x-cos-forbid-overwrite: true to a
	// key that exists. The code is not in the doc 7730 table; it is what
	// COS answered in apache/opendal#7526 ("single-writer T1/T2 scenarios
	// behave correctly (200 / 409 FileAlreadyExists)", verified end to end
	// against ap-guangzhou). The message is ours (UNVERIFIED).
	errFileExists = errorf(http.StatusConflict, "FileAlreadyExists", "The object already exists and x-cos-forbid-overwrite is true.")
)

func errInvalidArgument(msg string) *apiError {
	return errorf(http.StatusBadRequest, "InvalidArgument", msg)
}

// errorBody is the <Error> document of https://cloud.tencent.com/document/product/436/7730.
type errorBody struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Resource  string   `xml:"Resource"`
	RequestID string   `xml:"RequestId"`
	TraceID   string   `xml:"TraceId"`
	// ServerTime lets clients (the JS SDK does) correct their clock from an
	// auth error without parsing Date.
	ServerTime string `xml:"ServerTime,omitempty"`
}
