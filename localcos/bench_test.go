package localcos

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	cos "github.com/tencentyun/cos-go-sdk-v5"
)

// benchClient keeps connections alive across iterations, as a real
// uploader would.
func benchClient(b *testing.B, s *Server) *cos.Client {
	u, _ := url.Parse(s.URL())
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	b.Cleanup(tr.CloseIdleConnections)
	return cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: &cos.AuthorizationTransport{SecretID: testID, SecretKey: testSecret, Transport: tr}})
}

const benchSize = 16 << 20

// BenchmarkPut measures PUT Object throughput over loopback with the real
// SDK (signature, CRC64 check) and the real on-disk commit (fsync + rename).
func BenchmarkPut(b *testing.B) {
	s := startServer(b, func(c *Config) { c.STSAddr = "" })
	c := benchClient(b, s)
	data := patterned(benchSize)
	b.SetBytes(benchSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Object.Put(bg, "bench/put-"+strconv.Itoa(i%4), bytes.NewReader(data), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUploadPart measures Upload Part throughput the same way.
func BenchmarkUploadPart(b *testing.B) {
	s := startServer(b, func(c *Config) { c.STSAddr = "" })
	c := benchClient(b, s)
	init, _, err := c.Object.InitiateMultipartUpload(bg, "bench/parts", nil)
	if err != nil {
		b.Fatal(err)
	}
	data := patterned(benchSize)
	b.SetBytes(benchSize)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Object.UploadPart(bg, "bench/parts", init.UploadID, i%maxParts+1, bytes.NewReader(data), nil); err != nil {
			b.Fatal(err)
		}
	}
}
