package localcos

import (
	"encoding/xml"
	"net/http"
)

// apiError is a COS error: the HTTP status plus the Code and Message that go
// into the <Error> body (reference §2.9).
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errorf(status int, code, msg string) *apiError {
	return &apiError{Status: status, Code: code, Message: msg}
}

// The errors a client can provoke, with the messages real COS is known to use
// where the reference records one.
var (
	errAccessDenied       = errorf(http.StatusForbidden, "AccessDenied", "Access Denied.")
	errRequestExpired     = errorf(http.StatusForbidden, "AccessDenied", "Request has expired")
	errSignatureMismatch  = errorf(http.StatusForbidden, "SignatureDoesNotMatch", "The Signature you specified is invalid.")
	errInvalidAccessKeyID = errorf(http.StatusForbidden, "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records")
	errTimeTooSkewed      = errorf(http.StatusForbidden, "RequestTimeTooSkewed", "The difference between the request time and the server's time is too large.")
	errExpiredToken       = errorf(http.StatusForbidden, "ExpiredToken", "The provided token has expired.")
	errNoSuchKey          = errorf(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
	errNoSuchBucket       = errorf(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist.")
	errNoSuchUpload       = errorf(http.StatusNotFound, "NoSuchUpload", "The specified multipart upload does not exist.")
	errEntityTooSmall     = errorf(http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.")
	errEntityTooLarge     = errorf(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.")
	errInvalidPart        = errorf(http.StatusBadRequest, "InvalidPart", "One or more of the specified parts could not be found or the ETag did not match.")
	errInvalidPartOrder   = errorf(http.StatusBadRequest, "InvalidPartOrder", "The list of parts was not in ascending order.")
	errMalformedXML       = errorf(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.")
	errMissingLength      = errorf(http.StatusLengthRequired, "MissingContentLength", "You must provide the Content-Length HTTP header.")
	errInvalidRange       = errorf(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable.")
	errPrecondition       = errorf(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the preconditions you specified did not hold.")
	errMethodNotAllowed   = errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	errInternal           = errorf(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
	errSlowDown           = errorf(http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	errTooManyRequests    = errorf(http.StatusTooManyRequests, "TooManyRequests", "Too many requests, please slow down.")
	errIncompleteBody     = errorf(http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	errInvalidDigest      = errorf(http.StatusBadRequest, "InvalidDigest", "The Content-MD5 you specified is not valid.")
	// UNVERIFIED (reference §2.9): COS's code for a Content-MD5 mismatch is not
	// documented; S3 answers 400 BadDigest, so we do too.
	errBadDigest = errorf(http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received.")
	// UNVERIFIED: COS does not document a code for a malformed session token;
	// S3 answers 400 InvalidToken.
	errInvalidToken = errorf(http.StatusBadRequest, "InvalidToken", "The provided token is malformed or otherwise invalid.")
	// UNVERIFIED: the code for a key over 850 bytes; S3 says KeyTooLongError.
	errKeyTooLong       = errorf(http.StatusBadRequest, "KeyTooLongError", "Your key is too long.")
	errMetadataTooLarge = errorf(http.StatusBadRequest, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.")
)

func errInvalidArgument(msg string) *apiError {
	return errorf(http.StatusBadRequest, "InvalidArgument", msg)
}

// errorBody is the <Error> document of reference §2.9.
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
