//go:build linux

package soak

// Unit tests of the soak driver's own arithmetic (they run in `make unit`;
// the soaks themselves need -tags soak).

import (
	"crypto/md5"
	"encoding/hex"
	"hash/crc64"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseLogLine(t *testing.T) {
	cases := []struct {
		line   string
		ok     bool
		api    string
		status int
		in     int64
	}{
		{"PUT UploadPart /examplebucket-1250000000/tree/large/video 0.mp4 200 in=2097152 out=0 NmIw==", true, "UploadPart", 200, 2097152},
		{"PUT PutObject /examplebucket-1250000000/tree/d001/报告 00001.pdf 0 in=256 out=0 NmIw", true, "PutObject", 0, 256},
		{"GET /sts 200", false, "", 0, 0},
		{"Stopping the sandbox server...", false, "", 0, 0},
		{"internal error on UploadPart /b/k: disk full", false, "", 0, 0},
	}
	for _, c := range cases {
		l, ok := parseLogLine(c.line)
		if ok != c.ok || l.api != c.api || l.status != c.status || l.in != c.in {
			t.Errorf("parseLogLine(%q) = %+v, %v; want %s %d in=%d, %v", c.line, l, ok, c.api, c.status, c.in, c.ok)
		}
	}
}

func TestRequestLogWindow(t *testing.T) {
	t0 := time.Now()
	r := &requestLog{lines: []logLine{
		{at: t0, api: "PutObject", status: 200, in: 10},
		{at: t0.Add(time.Second), api: "UploadPart", status: 0, in: 5},
		{at: t0.Add(2 * time.Second), api: "UploadPart", status: 400, in: 7},
		{at: t0.Add(3 * time.Second), api: "UploadPart", status: 200, in: 100},
	}}
	if ok, ab, failed := r.window(t0, t0.Add(2*time.Second)); ok != 10 || ab != 0 || failed != 5 {
		t.Errorf("window [0,2s) = %d ok, %d abandoned, %d failed; want 10, 0, 5", ok, ab, failed)
	}
	if ok, ab, failed := r.window(t0.Add(2*time.Second), t0.Add(time.Hour)); ok != 100 || ab != 7 || failed != 0 {
		t.Errorf("window [2s,1h) = %d ok, %d abandoned, %d failed; want 100, 7, 0", ok, ab, failed)
	}
}

// A kill is charged with what it cut and with what the next run resent;
// resends after a run that failed on its own, or in the first run, are not
// a kill's.
func TestKillLedger(t *testing.T) {
	r := &Result{InFlightBound: 8, Kills: 2, Runs: []runRecord{
		{killed: true, cut: 1, resent: 3, faultWaste: 2, abandoned: 4}, // run 1's resend is no kill's
		{killed: true, cut: 2, resent: 6},                              // kill 1: 1 + 6 = 7
		{exit: 1, resent: 5},                                           // kill 2: 2 + 5 = 7
		{resent: 4},                                                    // after a failed run
	}}
	l := r.killLedger()
	if l.lost != 14 || l.maxLost != 7 || l.cut != 3 || l.faultWaste != 2 || l.abandoned != 4 || l.otherResent != 7 || l.over != 0 {
		t.Errorf("ledger %+v; want lost 14, max 7, cut 3, fault waste 2, other 7, over 0", l)
	}
	r.InFlightBound = 6
	if l := r.killLedger(); l.over != 2 {
		t.Errorf("with a 6-byte window, %d kills over; want 2", l.over)
	}
	tab := r.Table()
	for _, want := range []string{"bytes lost per kill", "open multipart uploads", "faults injected"} {
		if !strings.Contains(tab, want) {
			t.Errorf("table lacks %q:\n%s", want, tab)
		}
	}
}

// The ETags the holdings measure compares: a simple PUT's is the MD5; a
// multipart file has one MD5 per part (the last one short) and its CRC-64.
func TestDigestFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	data := make([]byte, 5<<10+3)
	randReader{rand.New(rand.NewPCG(1, 2))}.Read(data)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := digestFile(p, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if sum := md5.Sum(data); d.etag != hex.EncodeToString(sum[:]) || d.parts != nil {
		t.Errorf("simple: etag %s parts %v", d.etag, d.parts)
	}
	d, err = digestFile(p, 2<<10)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.parts) != 3 {
		t.Fatalf("%d parts, want 3", len(d.parts))
	}
	if sum := md5.Sum(data[4<<10:]); d.parts[2] != hex.EncodeToString(sum[:]) {
		t.Errorf("last part MD5 %s, want %x", d.parts[2], sum)
	}
	if want := strconv.FormatUint(crc64.Checksum(data, crcTable), 10); d.crc != want {
		t.Errorf("crc %s, want %s", d.crc, want)
	}
	// COS's CRC-64 of "123456789" is CRC-64/XZ's check value.
	if got := crc64.Checksum([]byte("123456789"), crcTable); got != 0x995dc9bbdf1939fa {
		t.Errorf("CRC-64 check value %#x", got)
	}
}

// An in-place rewrite keeps the inode and size and changes the bytes.
func TestOverwriteInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	p := filepath.Join(t.TempDir(), "big")
	if err := writeRandom(p, 1<<16, rng); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(p)
	st1, _ := os.Stat(p)
	if err := overwriteInPlace(p, 0, 1<<16, rng); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(p)
	st2, _ := os.Stat(p)
	if len(after) != len(before) || string(after) == string(before) || !os.SameFile(st1, st2) {
		t.Errorf("rewrite: %d -> %d bytes, changed %v, same file %v", len(before), len(after), string(after) != string(before), os.SameFile(st1, st2))
	}
}

// settle's connection count sees an open loopback connection and its end.
func TestOpenConns(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ep := "http://" + ln.Addr().String()
	if n := openConns(ep); n != 0 {
		t.Fatalf("%d connections before any", n)
	}
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	if n := openConns(ep); n != 1 {
		t.Errorf("%d connections on the server's port, want 1", n)
	}
	c.Close() // the server's side is now half-closed (CLOSE_WAIT): still open
	if n := openConns(ep); n != 1 {
		t.Errorf("%d connections after the client closed, want 1 (CLOSE_WAIT)", n)
	}
	s.Close()
	if n := openConns(ep); n != 0 {
		t.Errorf("%d connections after both closed, want 0", n)
	}
}

// A run's failures are reported by its "failed" events.
func TestFailures(t *testing.T) {
	p := filepath.Join(t.TempDir(), "run.log")
	out := `{"event":"progress","totals":{}}
{"event":"failed","task":3,"path":"/t/tree/big.bin","key":"tree/big.bin","state":"failed","error":{"Op":"complete","Code":"NoSuchUpload","HTTPStatus":404}}
{"event":"summary","exit_code":1}
`
	if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	got := failures(p)
	if !strings.Contains(got, "/t/tree/big.bin") || !strings.Contains(got, "NoSuchUpload") || strings.Contains(got, "summary") {
		t.Errorf("failures = %q", got)
	}
}
