package uploader

import (
	"context"
	"errors"
	"testing"

	"cosdrop/auth"
)

// statStore answers HEAD with 403 and the one-byte GET with an object,
// counting both.
type statStore struct {
	bucketStore
	heads, peeks int
}

func (s *statStore) head(context.Context, string) (objectInfo, error) {
	s.heads++
	return objectInfo{}, cosErrorResp(403, "AccessDenied")
}

func (s *statStore) peek(context.Context, string) (objectInfo, error) {
	s.peeks++
	return objectInfo{Found: true, Size: 5, CRC64: 42}, nil
}

// A HEAD refused twice (once more with fresh credentials) sends Stat to
// the ranged GET, and later Stats go there at once.
func TestBucketStatFallsBackToRangedGet(t *testing.T) {
	st := &statStore{}
	b := &Bucket{cfg: Config{Credentials: auth.NewStatic(auth.Credentials{SecretID: "AKIDx", SecretKey: "k"}), MaxAttempts: 1}, store: st}
	for range 2 {
		got, err := b.Stat(context.Background(), "k")
		if err != nil || !got.Found || !got.ByGet || got.CRC64 != "42" || got.Size != 5 {
			t.Fatalf("Stat: %+v, %v", got, err)
		}
	}
	if st.heads != 2 || st.peeks != 2 {
		t.Fatalf("%d HEADs and %d GETs, want 2 and 2", st.heads, st.peeks)
	}
}

func TestOpenBucketRefusesServerSigned(t *testing.T) {
	_, err := OpenBucket(Config{BucketURL: "http://127.0.0.1:1", Signer: &auth.SignServer{}})
	if !errors.Is(err, ErrNoReadCredentials) {
		t.Fatalf("server-signed: %v", err)
	}
}
