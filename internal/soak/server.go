//go:build linux

// Package soak drives the real `cosdrop` binary against `cosdrop serve-local`
// under a fault plan while SIGKILLing and restarting the uploader, then
// checks every object against the files (see soak_test.go, `make soak` and
// `make soak-short`). It uses only the command lines, the credential
// server's /-/stats endpoint, the server's request log and COS's HTTP API
// (through cos-go-sdk-v5), so it holds whatever the engine becomes.
package soak

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"cosdrop/localcos"
)

// server is one `cosdrop serve-local` process in its own process group.
type server struct {
	cmd      *exec.Cmd
	endpoint string // COS listener, e.g. http://127.0.0.1:40123
	stsURL   string // credential server root, e.g. http://127.0.0.1:40124
	log      *requestLog
	done     chan struct{}
	logFile  *os.File
}

var (
	endpointRE = regexp.MustCompile(`COS endpoint: (http://127\.0\.0\.1:[0-9]+)`)
	stsRE      = regexp.MustCompile(`Credential server: (http://127\.0\.0\.1:[0-9]+)`)
)

// startServer runs serve-local on loopback ports it picks itself, with the
// permanent key id/key, the data directory and the fault plan, and waits
// (bounded) for it to print its addresses. Its request log (stderr) is
// parsed into a requestLog and copied to logPath.
func startServer(ctx context.Context, bin, dataDir, plan, id, key, logPath string) (*server, error) {
	args := []string{"serve-local", "--addr", "127.0.0.1:0", "--sts-addr", "127.0.0.1:0", "--data", dataDir}
	if plan != "" {
		args = append(args, "--faults", plan)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dataDir, "LANG=C.UTF-8",
		"TENCENTCLOUD_SECRET_ID=" + id, "TENCENTCLOUD_SECRET_KEY=" + key}
	// Own process group (killed as one); SIGKILL if the driver dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("start serve-local: %w", err)
	}
	s := &server{cmd: cmd, log: &requestLog{}, done: make(chan struct{}), logFile: lf}
	go func() { s.log.follow(io.TeeReader(stderr, lf)); close(s.done) }()

	addrs := make(chan [2]string, 1)
	go func() {
		var ep, sts string
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := endpointRE.FindStringSubmatch(sc.Text()); m != nil {
				ep = m[1]
			}
			if m := stsRE.FindStringSubmatch(sc.Text()); m != nil {
				sts = m[1]
			}
			if ep != "" && sts != "" {
				addrs <- [2]string{ep, sts}
				ep = ""
			}
		}
	}()
	select {
	case a := <-addrs:
		s.endpoint, s.stsURL = a[0], a[1]
		return s, nil
	case <-time.After(waitBound):
	case <-ctx.Done():
	}
	s.stop()
	return nil, fmt.Errorf("serve-local did not print its addresses within %v", waitBound)
}

// stats reads the server's counters from the credential listener.
func (s *server) stats(ctx context.Context) (localcos.Stats, error) {
	var st localcos.Stats
	ctx, cancel := context.WithTimeout(ctx, waitBound)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.stsURL+"/-/stats", nil)
	if err != nil {
		return st, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return st, fmt.Errorf("server stats: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("server stats: HTTP %d", resp.StatusCode)
	}
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// settle waits (bounded by limit) until no connection to the COS listener
// is open and the counters have not moved for quiet, so the requests a
// killed client left open have ended and are counted. (The server counts a
// request's body when the request ends; after a kill it still reads what
// the kernel buffered, at the capped rate, for seconds.)
func (s *server) settle(ctx context.Context, quiet, limit time.Duration) (localcos.Stats, error) {
	deadline := time.Now().Add(limit)
	last, err := s.stats(ctx)
	if err != nil {
		return last, err
	}
	stable := time.Now()
	for time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond) // polling interval of a bounded poll
		cur, err := s.stats(ctx)
		if err != nil {
			return cur, err
		}
		if cur.BytesReceived != last.BytesReceived || totalRequests(cur) != totalRequests(last) || openConns(s.endpoint) > 0 {
			last, stable = cur, time.Now()
			continue
		}
		if time.Since(stable) >= quiet {
			return cur, nil
		}
	}
	return last, fmt.Errorf("the server did not settle within %v after the run (%d connections open)", limit, openConns(s.endpoint))
}

// openConns counts TCP connections on the endpoint's local port that are
// established or half-closed (Linux /proc/net/tcp: states 01 and 08).
func openConns(endpoint string) int {
	i := strings.LastIndex(endpoint, ":")
	port, err := strconv.Atoi(endpoint[i+1:])
	if err != nil {
		return 0
	}
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return 0
	}
	suffix := fmt.Sprintf(":%04X", port)
	n := 0
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 3 && strings.HasSuffix(f[1], suffix) && (f[3] == "01" || f[3] == "08") {
			n++
		}
	}
	return n
}

func totalRequests(st localcos.Stats) int64 {
	var n int64
	for api := range st.Requests {
		n += st.Count(api)
	}
	return n
}

// stop sends SIGTERM to the server's group, then SIGKILL after 10 s.
func (s *server) stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	pgid := s.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	waited := make(chan struct{})
	go func() { s.cmd.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-waited
	}
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
	}
	s.logFile.Close()
}

// logLine is one request line of the server's log:
// "PUT UploadPart /bucket/key 200 in=1048576 out=0 REQUESTID".
type logLine struct {
	at     time.Time // when the driver read it
	api    string
	status int
	in     int64
}

// parseLogLine reads a request line; ok is false for any other line.
func parseLogLine(s string) (l logLine, ok bool) {
	f := strings.Fields(s)
	if len(f) < 6 {
		return l, false
	}
	n := len(f)
	if !strings.HasPrefix(f[n-3], "in=") || !strings.HasPrefix(f[n-2], "out=") {
		return l, false
	}
	status, err1 := strconv.Atoi(f[n-4])
	in, err2 := strconv.ParseInt(strings.TrimPrefix(f[n-3], "in="), 10, 64)
	if err1 != nil || err2 != nil {
		return l, false
	}
	return logLine{api: f[1], status: status, in: in}, true
}

// requestLog keeps the body-carrying requests (PutObject, UploadPart) of
// the server's log with the time each line arrived.
type requestLog struct {
	mu    sync.Mutex
	lines []logLine
}

func (r *requestLog) follow(rd io.Reader) {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l, ok := parseLogLine(sc.Text())
		if !ok || !bodyAPI(l.api) {
			continue
		}
		l.at = time.Now()
		r.mu.Lock()
		r.lines = append(r.lines, l)
		r.mu.Unlock()
	}
	io.Copy(io.Discard, rd)
}

func bodyAPI(api string) bool { return api == "PutObject" || api == "UploadPart" }

// window sums the body bytes of requests whose line arrived in [from, to):
// answered 200; answered 400 (IncompleteBody: the client stopped sending
// mid-body, or BadDigest); and answered otherwise (status 0 is a reset by
// the fault plan; 403, 429 and 5xx refusals rarely carry read bytes).
func (r *requestLog) window(from, to time.Time) (ok, abandoned, failed int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range r.lines {
		if l.at.Before(from) || !l.at.Before(to) {
			continue
		}
		switch l.status {
		case http.StatusOK:
			ok += l.in
		case http.StatusBadRequest:
			abandoned += l.in
		default:
			failed += l.in
		}
	}
	return ok, abandoned, failed
}
