package auth

import (
	"errors"
	"fmt"
)

// ServerErrorKind says how the organisation's credential or signing server
// failed, so the engine can decide once whether to retry and the session
// layer can name the real cause ("the credential server answered an HTML
// page, not credentials") instead of blaming COS or the network.
type ServerErrorKind string

// Kinds of credential/signing server failure.
const (
	KindUnreachable  ServerErrorKind = "unreachable"  // connection refused, DNS, TLS failure
	KindTimeout      ServerErrorKind = "timeout"      // accepted but did not answer in time
	KindHTTPStatus   ServerErrorKind = "http_status"  // an HTTP error status (Status is set)
	KindUnauthorized ServerErrorKind = "unauthorized" // 401/403 for the login token
	KindHTML         ServerErrorKind = "html"         // an HTML page instead of JSON
	KindNotJSON      ServerErrorKind = "not_json"     // a body that is not JSON
	KindEmpty        ServerErrorKind = "empty"        // an empty body
	KindTooLarge     ServerErrorKind = "too_large"    // a body over the size limit
	KindExpired      ServerErrorKind = "expired"      // credentials that are already expired
	KindIncomplete   ServerErrorKind = "incomplete"   // JSON without the needed fields
	KindRefused      ServerErrorKind = "refused"      // an application error ({code:-1,message}) in the body
	KindTooBig       ServerErrorKind = "file_too_big" // the file breaks the server's size policy
	KindTypeRefused  ServerErrorKind = "type_refused" // the file's Content-Type breaks the server's policy
)

// ServerError is a failure of the organisation's credential (STS) or
// signing server. It never quotes the server's body: a body can hold a
// secret in a shape no redactor knows.
type ServerError struct {
	Server    string          // "sts" or "sign"
	Host      string          // the server's host[:port], when known
	Kind      ServerErrorKind // what went wrong
	Status    int             // HTTP status, when one arrived
	Detail    string          // short, redacted detail for support (never the body)
	Temporary bool            // worth another try later (unreachable, timeout, 5xx, 429)
	Err       error           // the underlying error, if any (redacted text)

	// For KindTypeRefused: the Content-Type the policy's condition names
	// (PolicyPrefix: the type must start with it) and the file's type, so
	// the words can name the condition rather than a missing permission.
	PolicyType   string
	PolicyPrefix bool
	FileType     string
}

func (e *ServerError) Error() string {
	s := fmt.Sprintf("%s server: %s", e.Server, e.Kind)
	if e.Host != "" {
		s = fmt.Sprintf("%s server %s: %s", e.Server, e.Host, e.Kind)
	}
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the underlying error, ErrUnauthorized for a refused
// login token and ErrBadSTSResponse for an unusable credential server
// answer, so existing errors.Is checks keep working.
func (e *ServerError) Unwrap() []error {
	var out []error
	if e.Err != nil {
		out = append(out, e.Err)
	}
	switch e.Kind {
	case KindUnauthorized:
		out = append(out, ErrUnauthorized)
	case KindHTML, KindNotJSON, KindEmpty, KindExpired, KindIncomplete, KindRefused, KindTooLarge:
		if e.Server == ServerSTS {
			out = append(out, ErrBadSTSResponse)
		}
	}
	return out
}

// Message is the plain-words text of e for the session layer: a stable
// code per kind (and server), the host and the redacted detail as
// parameters.
func (e *ServerError) Message() Message {
	server := e.Server
	if server != ServerSign {
		server = ServerSTS
	}
	return msg(Code("server-"+server+"-"+string(e.Kind)), "Host", e.Host, "Status", e.Status, "Detail", e.Detail)
}

// AsServerError finds a *ServerError in err's chain.
func AsServerError(err error) (*ServerError, bool) {
	var se *ServerError
	ok := errors.As(err, &se)
	return se, ok
}
