package session

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
)

// Where a transport has no owner-only socket (Windows, ipc_windows.go),
// the endpoint listens on loopback TCP, which any local user may reach. It
// writes its address and a random 256-bit key to a file only its user may
// read, and both ends prove they know the key before any request:
//
//	client -> server  32-byte nonce nc
//	server -> client  32-byte nonce ns, HMAC-SHA256(key, "server" | nc | ns)
//	client -> server  HMAC-SHA256(key, "client" | nc | ns), then the request
//
// The server compares the client's proof in constant time (hmac.Equal) and
// drops the connection before reading a request otherwise; the client
// sends nothing of its request to a server that cannot prove the key. The
// key itself never crosses the socket, so a program that takes over the
// port of a window that died learns nothing from a client that still
// reads the old file, and cannot answer it either.

// keyLen is the endpoint key's length: 256 bits.
const keyLen = 32

// endpointInfo is the endpoint file's content.
type endpointInfo struct {
	Addr string `json:"addr"` // 127.0.0.1:port
	Key  string `json:"key"`  // hex, keyLen bytes
}

// newEndpointInfo describes a listener at addr with a new random key.
func newEndpointInfo(addr net.Addr) (endpointInfo, []byte) {
	key := make([]byte, keyLen)
	_, _ = rand.Read(key) // never fails (crypto/rand)
	return endpointInfo{Addr: addr.String(), Key: hex.EncodeToString(key)}, key
}

// parseEndpointInfo reads an endpoint file's content: a loopback address
// and a key of the right length, or an error.
func parseEndpointInfo(b []byte) (netip.AddrPort, []byte, error) {
	var info endpointInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return netip.AddrPort{}, nil, fmt.Errorf("endpoint file: %w", err)
	}
	ap, err := netip.ParseAddrPort(info.Addr)
	if err != nil || !ap.Addr().IsLoopback() {
		return netip.AddrPort{}, nil, fmt.Errorf("endpoint file: address %q is not on loopback", info.Addr)
	}
	key, err := hex.DecodeString(info.Key)
	if err != nil || len(key) != keyLen {
		return netip.AddrPort{}, nil, errors.New("endpoint file: malformed key")
	}
	return ap, key, nil
}

// errNotOurServer: the endpoint answered without proving the key (a stale
// file whose port another program now holds).
var errNotOurServer = errors.New("the local endpoint did not prove its key")

func proof(key []byte, role string, nc, ns []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(role))
	m.Write(nc)
	m.Write(ns)
	return m.Sum(nil)
}

// serverAdmit runs the server's side of the handshake on a new connection;
// true when the client proved the key. The caller has set a deadline.
func serverAdmit(c net.Conn, key []byte) bool {
	nc := make([]byte, keyLen)
	if _, err := io.ReadFull(c, nc); err != nil {
		return false
	}
	ns := make([]byte, keyLen)
	_, _ = rand.Read(ns)
	if _, err := c.Write(append(ns, proof(key, "server", nc, ns)...)); err != nil {
		return false
	}
	got := make([]byte, sha256.Size)
	if _, err := io.ReadFull(c, got); err != nil {
		return false
	}
	return hmac.Equal(got, proof(key, "client", nc, ns))
}

// clientProve runs the client's side; nil when the server proved the key
// and the client's proof is sent. The caller has set a deadline.
func clientProve(c net.Conn, key []byte) error {
	nc := make([]byte, keyLen)
	_, _ = rand.Read(nc)
	if _, err := c.Write(nc); err != nil {
		return err
	}
	answer := make([]byte, keyLen+sha256.Size)
	if _, err := io.ReadFull(c, answer); err != nil {
		return fmt.Errorf("%w: %w", errNotOurServer, err)
	}
	ns := answer[:keyLen]
	if !hmac.Equal(answer[keyLen:], proof(key, "server", nc, ns)) {
		return errNotOurServer
	}
	_, err := c.Write(proof(key, "client", nc, ns))
	return err
}
