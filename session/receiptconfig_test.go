package session

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cos "github.com/tencentyun/cos-go-sdk-v5"

	"cosdrop/auth"
	"cosdrop/profile"
	"cosdrop/receipt"
	"cosdrop/uploader"
)

// TestReceiptWordsEnglish: a receipt's words are English whatever the
// user's language (support reads them anywhere), while Explain and
// NoteText still follow the user's, and the window's translator override
// does not reach them.
func TestReceiptWordsEnglish(t *testing.T) {
	inLocale(t, "zh_CN.UTF-8")
	defer reloadForTest()
	te := uploaderTaskError("NoSuchBucket")
	if got := ExplainEnglish(te); !strings.Contains(got, "bucket does not exist") {
		t.Errorf("ExplainEnglish in zh_CN = %q", got)
	}
	if got := Explain(te); !strings.Contains(got, "存储桶") {
		t.Errorf("Explain in zh_CN = %q, want Chinese", got)
	}
	srv := uploader.TaskError{Code: uploader.CodeCredentialServer, Args: map[string]string{"kind": string(auth.KindUnreachable), "server": "sts"}}
	if got := ExplainEnglish(srv); !strings.Contains(got, "could not reach the credential server") {
		t.Errorf("ExplainEnglish of a credential server failure = %q", got)
	}
	n := uploader.Note{Code: uploader.NoteSkippedIdentical}
	if got := NoteEnglish(n); !strings.HasPrefix(got, "Skipped: an identical file") {
		t.Errorf("NoteEnglish = %q", got)
	}
	SetTranslator(func(s string, _ ...any) string { return "window:" + s }, nil)
	defer SetTranslator(nil, nil)
	if got := ExplainEnglish(te); strings.HasPrefix(got, "window:") {
		t.Errorf("the window's translator reached a receipt: %q", got)
	}
}

// TestReceiptsFor: the profile's receipts fields reach the engine, the
// flags win, the prefix ends in "/", and no prefix means no receipts.
func TestReceiptsFor(t *testing.T) {
	p := profile.Profile{Name: "staff", Bucket: "examplebucket-1250000000", Region: "ap-guangzhou",
		ReceiptsPrefix: ".cosdrop/receipts", ReceiptsWho: "Front desk", ReceiptsPaths: receipt.PathsNone}
	r := receiptsFor(p, Overrides{})
	if r.Prefix != ".cosdrop/receipts/" || r.Label != "Front desk" || r.Paths != receipt.PathsNone || r.Profile != "staff" ||
		r.Bucket != p.Bucket || r.Region != p.Region || r.Explain == nil || r.Note == nil {
		t.Errorf("from the profile: %+v", r)
	}
	if r := receiptsFor(p, Overrides{ReceiptsPrefix: "x/", Who: "Bob"}); r.Prefix != "x/" || r.Label != "Bob" {
		t.Errorf("flags over the profile: %+v", r)
	}
	if r := receiptsFor(profile.Profile{ReceiptsWho: "x"}, Overrides{}); r.Prefix != "" {
		t.Errorf("no prefix, yet receipts: %+v", r)
	}
	if err := CheckReceiptFlags("", "Bob", false); err == nil {
		t.Error("--who without --receipts-prefix or a profile accepted")
	}
	if err := CheckReceiptFlags("", "Bob", true); err != nil {
		t.Errorf("--who with a profile refused: %v", err)
	}
	for url, want := range map[string]string{
		"http://127.0.0.1:9000/examplebucket-1250000000": "examplebucket-1250000000",
		"https://b-125.cos.ap-guangzhou.myqcloud.com":    "b-125",
		"http://127.0.0.1:9000":                          "127.0.0.1:9000",
	} {
		if got := bucketOfURL(url); got != want {
			t.Errorf("bucketOfURL(%s) = %q, want %q", url, got, want)
		}
	}
}

// TestWindowSessionWritesReceipts: a profile's receipts_prefix reaches
// the engine the window opens (Opener.Open): a drop leaves its receipt
// under the prefix, labelled by receipts_who, and `cosdrop status` asks the
// running engine how many wait (none, once written).
func TestWindowSessionWritesReceipts(t *testing.T) {
	o, ps, p := profileHome(t)
	p.ReceiptsPrefix, p.ReceiptsWho = ".cosdrop/receipts", "Front desk"
	if err := ps.Put(p); err != nil {
		t.Fatal(err)
	}
	s, err := o.Open(context.Background(), p.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f := filepath.Join(t.TempDir(), "a.txt")
	if err := os.WriteFile(f, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	if sn := uploadOne(t, s, f); sn.State != uploader.Done {
		t.Fatalf("upload: %+v", sn)
	}
	u, _ := url.Parse(p.Endpoint)
	c := cos.NewClient(&cos.BaseURL{BucketURL: u}, &http.Client{Transport: auth.NewTransport(auth.NewStatic(auth.Credentials{
		SecretID: p.SecretID, SecretKey: mustSecret(t, o, p)}), nil)})
	c.DisableURLCheck()
	var keys []string
	for deadline := time.Now().Add(waitBound); ; time.Sleep(5 * time.Millisecond) { // poll, bounded by waitBound
		res, _, err := c.Bucket.Get(context.Background(), &cos.BucketGetOptions{Prefix: ".cosdrop/receipts/"})
		keys = nil
		if err == nil {
			for _, o := range res.Contents {
				keys = append(keys, o.Key)
			}
		}
		if n, nerr := PendingReceipts(s.StateDir()); len(keys) == 1 && nerr == nil && n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no receipt written within %v: %v", waitBound, keys)
		}
	}
	if !strings.Contains(keys[0], "_front-desk_") {
		t.Errorf("receipt key %s does not name the label", keys[0])
	}
}

// mustSecret is the profile's SecretKey from the opener's store.
func mustSecret(t *testing.T, o *Opener, p profile.Profile) string {
	t.Helper()
	key, err := o.Secrets.Get(context.Background(), auth.SecretKeyAccount(p.Name))
	if err != nil {
		t.Fatal(err)
	}
	return key
}
