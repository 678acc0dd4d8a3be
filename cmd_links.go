package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"cosdrop/auth"
	"cosdrop/session"
	"cosdrop/uploader"
)

// uploadLinks prints the link of each finished, verified file of an
// upload (`cosdrop upload --links`), the profile's link template applied
// (or --link-template's). A nil *uploadLinks prints nothing.
type uploadLinks struct {
	linker session.Linker
}

// newUploadLinks is the link printer the flags ask for: nil without
// --links or --link-template (which implies --links). A template that
// does not validate is refused before anything is uploaded.
func newUploadLinks(f uploadFlags, spec session.Engine) (*uploadLinks, error) {
	if !f.links && f.linkTemplate == "" {
		return nil, nil
	}
	if f.linkTemplate != "" {
		if err := auth.CheckLinkTemplate(f.linkTemplate); err != nil {
			return nil, fmt.Errorf("--link-template: %w", err)
		}
	}
	p := auth.Profile{Bucket: f.bucket, Region: f.region}
	if f.profile == session.SandboxName {
		p = auth.Profile{Bucket: session.SandboxBucket, Region: session.SandboxRegion}
	}
	if f.profile != "" {
		got, err := auth.NewProfiles(auth.ConfigDir()).Get(f.profile)
		if err == nil {
			p = got
		} else if !errors.Is(err, auth.ErrNoProfile) || f.profile != session.SandboxName {
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
		fmt.Fprintln(w, link)
	case why != "":
		fmt.Fprintf(os.Stderr, "%s: %s\n", s.Path, why)
	}
}
