package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"cosdrop/profile"
	"cosdrop/session"
	"cosdrop/uploader"
)

// uploadLinks prints the link of each finished, verified file of an
// upload (`cosdrop upload --links`), the profile's link template applied
// (or --link-template's). A nil *uploadLinks prints nothing.
type uploadLinks struct {
	linker session.Linker
	copied []string // the links given, for --clipboard to copy back
}

// newUploadLinks is the link printer the flags ask for: nil without
// --links or --link-template (which implies --links). A template that
// does not validate is refused before anything is uploaded.
func newUploadLinks(f uploadFlags, spec session.Engine) (*uploadLinks, error) {
	if !f.links && f.linkTemplate == "" {
		return nil, nil
	}
	if f.linkTemplate != "" {
		if err := profile.CheckLinkTemplate(f.linkTemplate); err != nil {
			return nil, fmt.Errorf("--link-template: %w", err)
		}
	}
	p := profile.Profile{Bucket: f.bucket, Region: f.region}
	if f.profile == session.SandboxName {
		p = profile.Profile{Bucket: session.SandboxBucket, Region: session.SandboxRegion}
	}
	if f.profile != "" {
		got, err := profile.NewProfiles(profile.ConfigDir()).Get(f.profile)
		if err == nil {
			p = got
		} else if !errors.Is(err, profile.ErrNoProfile) || f.profile != session.SandboxName {
			return nil, err
		}
	}
	return &uploadLinks{linker: session.NewLinker(p, spec.Config.BucketURL, f.linkTemplate)}, nil
}

// link is s's link, or why it has none ("" and "" for a task that is not
// finished: a failure says its own reason).
func (l *uploadLinks) link(s uploader.Snapshot) (link, why string) {
	if l == nil || (s.State != uploader.Done && s.State != uploader.Skipped) {
		return "", ""
	}
	if ok, why := session.Linkable(s); !ok {
		return "", why
	}
	u, err := l.linker.Link(s.Key)
	if err != nil {
		return "", session.ShareErrText(err)
	}
	l.copied = append(l.copied, u)
	return u, ""
}

// addJSON fills a --json event's link (or no_link, the reason).
func (l *uploadLinks) addJSON(ev *jsonEvent, s uploader.Snapshot) {
	ev.Link, ev.NoLink = l.link(s)
}

// print writes the link on a line of its own to w, right under the
// file's result line, so it can be copied or piped as it is; a file
// without a link gets the reason on stderr.
func (l *uploadLinks) print(w io.Writer, s uploader.Snapshot) {
	link, why := l.link(s)
	switch {
	case link != "":
		fmt.Fprintln(w, safe(link))
	case why != "":
		fmt.Fprintf(os.Stderr, "%s: %s\n", safe(s.Path), why)
	}
}

func init() {
	register("link", "Print the link, or a share link, of uploaded objects", runLink)
}

const linkSynopsis = "[--profile P | --endpoint URL --bucket B --region R] [--sts-url U] [--link-template T] [--expires 24h] KEY..."

// runLink prints the link of each object key named (the profile's link
// template), or with --expires a share link valid that long, capped by
// what the profile's credentials allow (the cap goes to stderr). It
// trusts the keys it is given: the window and `upload --links` give links
// only for objects CosDrop checked.
func runLink(args []string) int {
	var f uploadFlags
	var expires string
	fs := newFlagSet("link", linkSynopsis)
	fs.StringVar(&f.profile, "profile", "", tr("profile to upload with (see 'cosdrop profile')"))
	fs.StringVar(&f.endpoint, "endpoint", "", tr("COS endpoint URL (instead of a profile), e.g. http://127.0.0.1:9000"))
	fs.StringVar(&f.bucket, "bucket", "", tr("bucket name-APPID (instead of a profile)"))
	fs.StringVar(&f.region, "region", "", tr("bucket region, e.g. ap-guangzhou (instead of a profile)"))
	fs.StringVar(&f.stsURL, "sts-url", "", tr("credential server URL for temporary credentials"))
	fs.StringVar(&f.linkTemplate, "link-template", "", tr("link template for --links: {key} {filename} {url} {bucket} {region}"))
	fs.StringVar(&expires, "expires", "", tr("print a share link valid this long (e.g. 1h, 24h, 7d) instead of the plain link"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(os.Stderr, tr("Name at least one object key."))
		fs.Usage()
		return 2
	}
	if f.profile == session.SandboxName {
		fmt.Fprintln(os.Stderr, tr("Sandbox links work only while the window runs: use Copy link on a row there."))
		return 2
	}
	var life time.Duration
	if expires != "" {
		var err error
		if life, err = parseLife(expires); err != nil {
			fmt.Fprintf(os.Stderr, tr("--expires %q must be a duration such as 1h, 24h or 7d")+"\n", expires)
			return 2
		}
	}
	spec, err := uploadConfig(f)
	if err != nil {
		errLine(err)
		return 2
	}
	defer closeAll(spec.Closers)
	f.links = true
	links, err := newUploadLinks(f, spec)
	if err != nil {
		errLine(err)
		return 2
	}
	code := 0
	for _, key := range fs.Args() {
		if life == 0 {
			l, err := links.linker.Link(key)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %s\n", safe(key), safe(session.ShareErrText(err)))
				code = 1
				continue
			}
			fmt.Println(l)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), session.OpenTimeout)
		l, err := session.SharerFor(spec.Config, false).Link(ctx, uploader.Snapshot{State: uploader.Done, Verified: true, Key: key}, life)
		cancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %s\n", safe(key), safe(session.ShareErrText(err)))
			code = 1
			continue
		}
		fmt.Println(l.URL)
		fmt.Fprintf(os.Stderr, "%s: %s\n", safe(key), session.ShareText(l))
	}
	return code
}

// parseLife reads a link's life: a Go duration ("90m", "24h") or whole
// days ("7d").
func parseLife(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, errors.New("bad days")
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, errors.New("bad duration")
	}
	return d, nil
}
