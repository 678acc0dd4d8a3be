package localcos

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

func TestParseFaults(t *testing.T) {
	f, err := ParseFaults("seed=7; bandwidth=2MiB; skew=-20m; token-life=5s; 500:share=0.25,api=UploadPart; reset:after=1MiB,times=2; stall:delay=5s,nth=3; complete-drop:times=1; 503")
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{
		{Kind: Fail500, API: "UploadPart", Share: 0.25},
		{Kind: Reset, After: 1 << 20, Times: 2},
		{Kind: Stall, Delay: 5 * time.Second, Nth: 3},
		{Kind: CompleteDrop, Times: 1},
		{Kind: SlowDown},
	}
	if len(f.rules) != len(want) {
		t.Fatalf("%d rules", len(f.rules))
	}
	for i, r := range f.rules {
		if !reflect.DeepEqual(*r, want[i]) {
			t.Fatalf("rule %d: %+v, want %+v", i, *r, want[i])
		}
	}
	if f.seed != 7 || f.bandwidth != 2<<20 || f.clockSkew != -20*time.Minute || f.tokenLife != 5*time.Second {
		t.Fatalf("settings: %+v", f)
	}
	for _, bad := range []string{"boom", "500:share=2", "reset:after=lots", "seed=x", "color=red", "stall:delay"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Fatalf("%q parsed", bad)
		}
	}
}

// The same seed gives the same decisions, and Times bounds a rule.
func TestFaultsDeterministic(t *testing.T) {
	run := func() []bool {
		f := NewFaults(99).Add(Rule{Kind: Fail500, Share: 0.3, Times: 10})
		var out []bool
		for i := 0; i < 200; i++ {
			out = append(out, f.decide("PutObject").err != nil)
		}
		return out
	}
	a, b := run(), run()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different decisions")
	}
	n := 0
	for _, x := range a {
		if x {
			n++
		}
	}
	if n != 10 {
		t.Fatalf("fired %d times, want the bound of 10", n)
	}
}

func TestFault5xxRetriedBySDK(t *testing.T) {
	s := startServer(t, nil)
	s.Faults().Add(Rule{Kind: Fail500, API: "PutObject", Nth: 1})
	c := permClient(t, s)
	if _, err := c.Object.Put(bg, "k", strings.NewReader("body"), nil); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.CountStatus("PutObject", 500) != 1 || st.CountStatus("PutObject", 200) != 1 || st.Faults[Fail500] != 1 {
		t.Fatalf("stats: %+v", st)
	}
	s.Faults().Add(Rule{Kind: SlowDown, API: "HeadObject"})
	_, err := c.Object.Head(bg, "k", nil)
	if err == nil {
		t.Fatal("HEAD under SlowDown succeeded")
	}
	if s.Stats().CountStatus("HeadObject", 503) == 0 {
		t.Fatal("no 503 counted")
	}
	_, err = c.Object.Get(bg, "k", nil)
	s.Faults().Clear()
	if err != nil {
		t.Fatal(err)
	}
	s.Faults().Add(Rule{Kind: SlowDown, API: "GetObject", Times: 5})
	_, err = c.Object.Get(bg, "k", nil)
	cosErr(t, err, 503, "SlowDown")
}

func TestFaultResetMidBody(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	init, _, err := c.Object.InitiateMultipartUpload(bg, "r", nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Faults().Add(Rule{Kind: Reset, API: "UploadPart", After: 100 << 10})
	_, err = c.Object.UploadPart(bg, "r", init.UploadID, 1, bytes.NewReader(patterned(1<<20)), nil)
	if err == nil {
		t.Fatal("reset part upload succeeded")
	}
	var ce *cos.ErrorResponse
	if errorsAs(err, &ce) {
		t.Fatalf("a reset must look like a network error, got %v", err)
	}
	lp, _, err := c.Object.ListParts(bg, "r", init.UploadID, nil)
	if err != nil || len(lp.Parts) != 0 {
		t.Fatalf("a cut part must not be stored: %v %+v", err, lp)
	}
	st := s.Stats()
	// The SDK retries network errors; every attempt was cut.
	if n := st.CountStatus("UploadPart", 0); n < 1 || st.Faults[Reset] != n || st.BytesReceived < n*(100<<10) {
		t.Fatalf("stats: %+v", st)
	}
	s.Faults().Clear()
	if _, err := c.Object.UploadPart(bg, "r", init.UploadID, 1, bytes.NewReader(patterned(1<<20)), nil); err != nil {
		t.Fatal(err)
	}
}

func TestFaultStall(t *testing.T) {
	s := startServer(t, nil)
	s.Faults().Add(Rule{Kind: Stall, API: "PutObject", After: 10, Delay: time.Minute, Times: 1})
	short := &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testSecret}, Timeout: 300 * time.Millisecond}
	u, _ := url.Parse(s.URL())
	c := cos.NewClient(&cos.BaseURL{BucketURL: u}, short)
	c.Conf.RetryOpt.Count = 1
	if _, err := c.Object.Put(bg, "k", strings.NewReader(strings.Repeat("x", 100)), nil); err == nil {
		t.Fatal("stalled PUT succeeded")
	}
	// The stall ends when the client gives up; the next request is served.
	if _, err := permClient(t, s).Object.Put(bg, "k", strings.NewReader("x"), nil); err != nil {
		t.Fatal(err)
	}
}

func TestFaultCompleteErrorAndDrop(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	data := patterned(1<<20 + 10)
	init, _, err := c.Object.InitiateMultipartUpload(bg, "c", nil)
	if err != nil {
		t.Fatal(err)
	}
	opt := &cos.CompleteMultipartUploadOptions{}
	for i, p := range [][]byte{data[:1<<20], data[1<<20:]} {
		r, err := c.Object.UploadPart(bg, "c", init.UploadID, i+1, bytes.NewReader(p), nil)
		if err != nil {
			t.Fatal(err)
		}
		opt.Parts = append(opt.Parts, cos.Object{PartNumber: i + 1, ETag: r.Header.Get("ETag")})
	}
	s.Faults().Add(Rule{Kind: CompleteError, Times: 1})
	_, resp, err := c.Object.CompleteMultipartUpload(bg, "c", init.UploadID, opt)
	if err == nil || resp == nil || resp.StatusCode != 200 {
		t.Fatalf("200-then-error Complete: %v", err)
	}
	if _, err := c.Object.Head(bg, "c", nil); !cos.IsNotFoundError(err) {
		t.Fatalf("object visible after failed Complete: %v", err)
	}
	s.Faults().Add(Rule{Kind: CompleteDrop, Times: 1})
	_, _, err = c.Object.CompleteMultipartUpload(bg, "c", init.UploadID, opt)
	if err == nil {
		t.Fatal("dropped Complete reported success")
	}
	// The SDK retried the dropped Complete and got NoSuchUpload, but the
	// object is there, whole.
	head, err := c.Object.Head(bg, "c", nil)
	if err != nil || head.ContentLength != int64(len(data)) {
		t.Fatalf("object after dropped Complete: %v", err)
	}
	st := s.Stats()
	if st.CountStatus("CompleteMultipartUpload", 0) != 1 || st.Faults[CompleteDrop] != 1 || st.Faults[CompleteError] != 1 {
		t.Fatalf("stats: %+v", st)
	}
}

// The bandwidth cap is a lower bound on transfer time: 300 KiB at 100 KiB/s
// cannot finish in under 1.5 s (the first 64 KiB burst is free).
func TestFaultBandwidthCap(t *testing.T) {
	s := startServer(t, nil)
	s.Faults().SetBandwidth(100 << 10)
	c := permClient(t, s)
	start := time.Now()
	if _, err := c.Object.Put(bg, "slow", bytes.NewReader(patterned(300<<10)), nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 1500*time.Millisecond {
		t.Fatalf("300 KiB at 100 KiB/s took %v", d)
	}
}

func TestStatsEndpoint(t *testing.T) {
	s := startServer(t, nil)
	c := permClient(t, s)
	if _, err := c.Object.Put(bg, "k", strings.NewReader("12345"), nil); err != nil {
		t.Fatal(err)
	}
	c.Object.Head(bg, "missing", nil)
	resp, err := http.Get(s.STSURL() + "/-/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	if st.CountStatus("PutObject", 200) != 1 || st.CountStatus("HeadObject", 404) != 1 || st.BytesReceived != 5 {
		t.Fatalf("stats: %+v", st)
	}
}

// waitBound ends a wait for something the test can observe; it is meant to
// end a stuck test, not to time a slow one.
const waitBound = 2 * time.Minute

// until polls cond until it holds, failing the test after waitBound.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, waitBound)
		}
		time.Sleep(5 * time.Millisecond) // poll interval, bounded by the deadline
	}
}

// TestStatsInFlight: a request a stall holds shows in Stats.InFlight, and
// an InitiateMultipartUpload whose client went away during the stall still
// makes its upload, as COS does with a request it received (the soak kills
// the uploader there: the upload it leaves is known only to the server).
func TestStatsInFlight(t *testing.T) {
	s := startServer(t, nil)
	s.Faults().Add(Rule{Kind: Stall, API: "InitiateMultipartUpload", Delay: time.Minute, Times: 1})
	c := permClient(t, s)
	c.Conf.RetryOpt.Count = 1
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() {
		_, _, err := c.Object.InitiateMultipartUpload(ctx, "big.bin", nil)
		done <- err
	}()
	until(t, "the Initiate in flight", func() bool { return s.Stats().InFlight["InitiateMultipartUpload"] == 1 })
	cancel() // the client is killed while the stall holds its request
	if err := <-done; err == nil {
		t.Fatal("the stalled Initiate answered")
	}
	until(t, "the Initiate handled", func() bool { return len(s.Stats().InFlight) == 0 })
	res, _, err := c.Bucket.ListMultipartUploads(bg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Uploads) != 1 || res.Uploads[0].Key != "big.bin" {
		t.Fatalf("open uploads %+v, want the one the cut-off Initiate made", res.Uploads)
	}
}
