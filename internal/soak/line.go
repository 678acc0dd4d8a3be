//go:build linux

package soak

import (
	"fmt"
	"net/url"
	"time"

	"cosdrop/internal/linesim"
)

// startLine puts a line (internal/linesim: half the round trip each way,
// one upstream capacity shared by every connection, a round trip per new
// connection) before the server's COS endpoint. The soaks cap the line,
// not the server: a cap in the server (serve-local's bandwidth fault)
// lets socket buffers swallow megabytes at once, which no line does.
func startLine(endpoint string, rtt time.Duration, rate int64) (*linesim.Line, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("the server's endpoint %q: %w", endpoint, err)
	}
	l, err := linesim.Start(linesim.Config{Target: u.Host, RTT: rtt, Upstream: rate})
	if err != nil {
		return nil, fmt.Errorf("start the line: %w", err)
	}
	return l, nil
}

// stop ends the line (if any) and the server.
func (st *stage) stop() {
	if st.line != nil {
		st.line.Close()
	}
	st.srv.stop()
}
