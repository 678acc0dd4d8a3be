package linesim

import (
	"io"
	"net"
	"testing"
	"time"
)

// BenchmarkOneConnection checks the line on the real clock, where timing
// belongs: one connection pushing 12 MiB through a 40 ms, 12 MiB/s line
// should use most of its capacity (a delay line, not stop-and-wait), and a
// new connection's first answer should take about two round trips (the
// handshake, then the request and its answer). It reports "efficiency"
// (payload / capacity / wall time) and "first-answer-rtts".
//
//	go test -run '^$' -bench . ./internal/linesim/
func BenchmarkOneConnection(b *testing.B) {
	const rate, rtt = 12 << 20, 40 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() { // reads everything, then answers one byte
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				io.Copy(io.Discard, io.LimitReader(c, 1))
				c.Write([]byte{1})
				io.Copy(io.Discard, c)
				c.Write([]byte{2})
				c.Close()
			}()
		}
	}()
	l, err := Start(Config{Target: ln.Addr().String(), RTT: rtt, Upstream: rate})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	for range b.N {
		start := time.Now()
		c, err := net.Dial("tcp", l.Addr())
		if err != nil {
			b.Fatal(err)
		}
		one := make([]byte, 1)
		c.Write(one)
		io.ReadFull(c, one)
		first := time.Since(start)
		start = time.Now()
		c.Write(make([]byte, rate))
		c.(*net.TCPConn).CloseWrite()
		io.ReadFull(c, one) // the server saw the end of the 12 MiB
		d := time.Since(start)
		c.Close()
		b.ReportMetric(first.Seconds()/rtt.Seconds(), "first-answer-rtts")
		b.ReportMetric(1/d.Seconds(), "efficiency") // rate bytes at rate B/s
	}
}
