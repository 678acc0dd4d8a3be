package auth

import (
	"net"
	"strings"
)

// IsLoopback reports whether host (without port) is this machine: an
// address in 127.0.0.0/8, ::1, or exactly "localhost". Other names under
// .localhost are not trusted: a resolver may send them anywhere.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
