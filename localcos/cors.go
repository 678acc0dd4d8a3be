package localcos

import (
	"net/http"
)

// The sandbox behaves like a bucket whose CORS rules allow every origin,
// method and header, which is what browser uploads (POST Object) need.

// exposedHeaders are the response headers browser code may read.
const exposedHeaders = "ETag, Content-Length, x-cos-request-id, x-cos-hash-crc64ecma, x-cos-version-id, Location, Date"

func setCORS(h http.Header, origin string) {
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", exposedHeaders)
	h.Add("Vary", "Origin")
}

// preflight answers OPTIONS. Like COS, a preflight needs Origin and
// Access-Control-Request-Method and carries no signature.
func (s *Server) preflight(q *request) error {
	origin := q.r.Header.Get("Origin")
	method := q.r.Header.Get("Access-Control-Request-Method")
	if origin == "" || method == "" {
		// COS's table (doc 436/7730) has no AccessForbidden: a refused
		// preflight is a 403 AccessDenied.
		return errorf(http.StatusForbidden, "AccessDenied", "CORSResponse: This CORS request is not allowed.")
	}
	h := q.w.Header()
	h.Set("Access-Control-Allow-Methods", "GET, PUT, POST, DELETE, HEAD")
	if rh := q.r.Header.Get("Access-Control-Request-Headers"); rh != "" {
		h.Set("Access-Control-Allow-Headers", rh)
	}
	h.Set("Access-Control-Max-Age", "600")
	h.Set("Content-Length", "0")
	q.w.WriteHeader(http.StatusOK)
	return nil
}
