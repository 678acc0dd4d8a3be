package session

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// serveTCPWithKey runs the generic listener over loopback TCP with the
// key handshake, as the Windows transport does, and counts the requests
// that reach the handler.
func serveTCPWithKey(t *testing.T, key []byte) (addr string, handled chan request) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	handled = make(chan request, 4)
	s := &listener{l: l, admit: func(c net.Conn) bool { return serverAdmit(c, key) }, remove: func() {}}
	s.wg.Add(1)
	go s.serve(func(r request) reply { handled <- r; return reply{OK: true} })
	t.Cleanup(func() { s.Close() })
	return l.Addr().String(), handled
}

func dialTCP(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, waitBound)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(waitBound))
	return c
}

// The endpoint key: a client that proves it gets its request answered; a
// client that sends a wrong proof is dropped before its request is read
// (the handler never runs, the connection is closed); a client facing a
// server with another key (a stale file's port now held by another
// program) stops after its nonce and sends nothing else.
func TestIPCKeyHandshake(t *testing.T) {
	key := bytes.Repeat([]byte{7}, keyLen)
	addr, handled := serveTCPWithKey(t, key)

	c := dialTCP(t, addr)
	if err := clientProve(c, key); err != nil {
		t.Fatalf("the right key was refused: %v", err)
	}
	if _, err := c.Write([]byte(`{"op":"status"}` + "\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(c); !strings.Contains(string(b), `"ok":true`) {
		t.Errorf("answer %q", b)
	}
	if r := <-handled; r.Op != "status" {
		t.Errorf("handled %+v", r)
	}

	// A wrong proof, then a request: dropped before the request is read.
	c = dialTCP(t, addr)
	nc := make([]byte, keyLen)
	c.Write(nc)
	if _, err := io.ReadFull(c, make([]byte, keyLen+sha256.Size)); err != nil {
		t.Fatal(err)
	}
	c.Write(make([]byte, sha256.Size))
	c.Write([]byte(`{"op":"add","paths":["C:\\Users\\victim\\payroll.xlsx"]}` + "\n"))
	if b, _ := io.ReadAll(c); len(b) != 0 { // EOF or a reset: the server closed with the request unread
		t.Errorf("a wrong proof got an answer: %q", b)
	}
	select {
	case r := <-handled:
		t.Errorf("a request with a wrong proof reached the handler: %+v", r)
	default:
	}

	// A server that cannot prove the key: the client sends only its nonce.
	impostor, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer impostor.Close()
	heard := make(chan []byte, 1)
	go func() {
		s, err := impostor.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		s.Write(make([]byte, keyLen+sha256.Size))
		b, _ := io.ReadAll(s)
		heard <- b
	}()
	c = dialTCP(t, impostor.Addr().String())
	if err := clientProve(c, key); !errors.Is(err, errNotOurServer) {
		t.Errorf("an impostor was believed: %v", err)
	}
	c.Close()
	if b := <-heard; len(b) != keyLen {
		t.Errorf("the client sent the impostor %d bytes, want only its %d-byte nonce", len(b), keyLen)
	}
}

// An endpoint file names a loopback address and a 256-bit key, or it is
// refused; what a listener writes reads back as it was.
func TestParseEndpointInfo(t *testing.T) {
	info, key := newEndpointInfo(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4000})
	b, _ := json.Marshal(info)
	if ap, got, err := parseEndpointInfo(b); err != nil || ap.String() != "127.0.0.1:4000" || !bytes.Equal(got, key) || len(key) != keyLen {
		t.Errorf("round trip of %s: %v %x %v", b, ap, got, err)
	}
	good := strings.Repeat("ab", keyLen)
	for _, c := range []struct {
		in string
		ok bool
	}{
		{`{"addr":"127.0.0.1:4000","key":"` + good + `"}`, true},
		{`{"addr":"[::1]:4000","key":"` + good + `"}`, true},
		{`{"addr":"192.0.2.1:4000","key":"` + good + `"}`, false},
		{`{"addr":"localhost:4000","key":"` + good + `"}`, false},
		{`{"addr":"127.0.0.1:4000","key":"abcd"}`, false},
		{`{"addr":"127.0.0.1:4000","key":"` + strings.Repeat("zz", keyLen) + `"}`, false},
		{`not json`, false},
	} {
		_, key, err := parseEndpointInfo([]byte(c.in))
		if (err == nil) != c.ok || (c.ok && len(key) != keyLen) {
			t.Errorf("%s: key %d bytes, err %v; want ok=%v", c.in, len(key), err, c.ok)
		}
	}
}
