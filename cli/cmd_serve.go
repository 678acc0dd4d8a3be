package cli

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"cosdrop/localcos"
	"cosdrop/uploader"
)

func init() {
	register("serve-local", "Run the local COS-compatible sandbox server", runServeLocal)
}

// runServeLocal starts localcos with its credential server and serves until
// SIGINT or SIGTERM.
func runServeLocal(args []string) int {
	fs := newFlagSet("serve-local", "[flags]")
	addr := fs.String("addr", "127.0.0.1:9000", tr("COS listener address (port 0 picks a free port)"))
	stsAddr := fs.String("sts-addr", "127.0.0.1:9001", tr("credential server address; empty for none"))
	data := fs.String("data", defaultSandboxDir(), tr("directory holding objects and multipart uploads"))
	bucket := fs.String("bucket", localcos.DefaultBucket, tr("default bucket, used when the host is an IP or localhost"))
	region := fs.String("region", localcos.DefaultRegion, tr("region the server answers for"))
	faults := fs.String("faults", "", tr("fault plan, e.g. \"seed=1;500:share=0.1;reset:after=1MiB,times=2\" (see localcos.Faults)"))
	lifetime := fs.Duration("sts-lifetime", localcos.DefaultSTSLifetime, tr("lifetime of issued temporary credentials"))
	stsToken := fs.String("sts-auth-token", "", tr("require \"Authorization: Bearer TOKEN\" on the credential server"))
	quiet := fs.Bool("quiet", false, tr("do not log one line per request"))
	useTLS := fs.Bool("tls", false, tr("serve HTTPS with a certificate from a CA generated at start; its certificate is written to the data directory"))
	publicRead := fs.Bool("public-read", false, tr("make the bucket public-read: anyone may download its objects without a signature, so plain links open"))
	stsAllow := fs.String("sts-allow", "", tr("COS actions the credential server grants besides the sample servers' upload-only set, comma-separated, e.g. HeadObject,DeleteObject"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	plan, err := localcos.ParseFaults(*faults)
	if err != nil {
		fmt.Fprintf(os.Stderr, tr("Invalid --faults: %v")+"\n", err)
		return 2
	}
	id, key := os.Getenv("TENCENTCLOUD_SECRET_ID"), os.Getenv("TENCENTCLOUD_SECRET_KEY")
	generated := id == "" || key == ""
	if generated {
		id, key = "AKID"+randomToken(32), randomToken(32)
	}
	var log io.Writer = os.Stderr
	if *quiet {
		log = nil
	}
	srv, err := localcos.Start(localcos.Config{
		Addr: *addr, STSAddr: *stsAddr, DataDir: *data, Bucket: *bucket, Region: *region,
		SecretID: id, SecretKey: key, STSLifetime: *lifetime, STSAuthToken: *stsToken, Faults: plan, Log: log, TLS: *useTLS,
		PublicRead: *publicRead, STSActions: stsActions(*stsAllow),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, tr("Cannot start the sandbox server: %v")+"\n", err)
		return 1
	}
	if generated {
		// The generated pair is shown once, so the
		// user can configure a client; it is never logged or stored.
		fmt.Println(tr("No TENCENTCLOUD_SECRET_ID/TENCENTCLOUD_SECRET_KEY set; generated a key pair for this run:"))
		fmt.Printf("  TENCENTCLOUD_SECRET_ID=%s\n  TENCENTCLOUD_SECRET_KEY=%s\n", id, key)
	}
	fmt.Printf(tr("COS endpoint: %s (bucket %s, region %s, data %s)")+"\n", srv.URL(), *bucket, *region, *data)
	if ca := srv.CAFile(); ca != "" {
		fmt.Printf(tr("CA certificate (trust it in clients): %s")+"\n", ca)
	}
	if u := srv.STSURL(); u != "" {
		fmt.Printf(tr("Credential server: %s (GET /sts, /put-sign?ext=jpg, /post-policy?ext=jpg, /-/stats)")+"\n", u)
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	signal.Stop(sig)
	fmt.Fprintln(os.Stderr, tr("Stopping the sandbox server..."))
	if err := srv.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "%v\n", err)
		return 1
	}
	return 0
}

// defaultSandboxDir keeps the server's objects in the data directory, beside
// the upload journals: they are data, not configuration (which may be
// synced or backed up as small files).
func defaultSandboxDir() string {
	return filepath.Join(uploader.DefaultStateDir(), "serve-local")
}

func randomToken(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// stsActions is the credential server's grant: the sample servers'
// upload-only set plus the COS API names in allow ("HeadObject,DeleteObject"),
// so a test or a demo can play an organisation whose staff may also check
// and delete what they uploaded; nil (localcos's default, the sample set)
// when allow is empty.
func stsActions(allow string) []string {
	var out []string
	for _, a := range strings.Split(allow, ",") {
		if a = strings.TrimPrefix(strings.TrimSpace(a), "name/cos:"); a != "" {
			out = append(out, "name/cos:"+a)
		}
	}
	if out == nil {
		return nil
	}
	return append(append([]string(nil), localcos.SampleActions...), out...)
}
