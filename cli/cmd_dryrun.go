package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"cosdrop/auth"
	"cosdrop/profile"
	"cosdrop/session"
	"cosdrop/uploader"
)

// `cosdrop upload --dry-run`: what each file would get (key,
// headers, link) and what the rules leave out, from the same walk, key
// templates and rules as the engine (uploader.Plan). It needs no
// credentials, opens no journal and sends no request.

// multiFlag is a repeatable string flag (--exclude A --exclude B).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// dryRunPlan is the destination and rules a dry run applies.
type dryRunPlan struct {
	bucketURL string // "" when unknown (the Sandbox)
	cfg       uploader.Config
	linker    session.Linker // the profile's link template, or --link-template
}

// dryRunSigner stands for a signing server in a dry run: it marks the
// mode (the server picks each key) and is never asked.
type dryRunSigner struct{}

func (dryRunSigner) Sign(context.Context, string, int64) (auth.SignedUpload, error) {
	return auth.SignedUpload{}, errors.New("dry run: nothing is signed")
}

// dryRunConfig is uploadConfig without credentials: the profile's (or the
// flags') bucket, prefix and rules, with the flags on top.
func dryRunConfig(f uploadFlags) (dryRunPlan, error) {
	var plan dryRunPlan
	o := session.Overrides{Exclude: f.exclude, NoDefaultExcludes: f.noDefaultExcludes}
	prefix := f.prefix
	switch {
	case f.profile != "" && (f.endpoint != "" || f.bucket != "" || f.region != ""):
		return plan, errors.New(tr("use either --profile or --endpoint/--bucket/--region, not both"))
	case f.profile != "":
		p, err := profile.NewProfiles(profile.ConfigDir()).Get(f.profile)
		if errors.Is(err, profile.ErrNoProfile) && f.profile == session.SandboxName {
			break // the window's Sandbox: default rules, a local bucket
		}
		if err != nil {
			return plan, err
		}
		o.Rules = p.Rules
		if prefix == "" {
			prefix = p.Prefix
		}
		plan.bucketURL, _ = p.BucketURL()
		plan.linker = session.NewLinker(p, plan.bucketURL, f.linkTemplate)
		if p.Spec().Signs == profile.SignsByServer {
			plan.cfg.Signer = dryRunSigner{}
		}
	case f.endpoint != "":
		plan.bucketURL = strings.TrimRight(f.endpoint, "/")
	case f.bucket != "" && f.region != "":
		u, err := (profile.Profile{Bucket: f.bucket, Region: f.region}).BucketURL()
		if err != nil {
			return plan, err
		}
		plan.bucketURL = u
	default:
		return plan, errors.New(tr("say where to upload: --profile P, or --endpoint URL, or --bucket B --region R"))
	}
	if plan.linker.BucketURL == "" {
		plan.linker = session.NewLinker(profile.Profile{Bucket: f.bucket, Region: f.region}, plan.bucketURL, f.linkTemplate)
	}
	rules, err := session.EffectiveRules(o)
	if err != nil {
		return plan, err
	}
	plan.cfg.Prefix, plan.cfg.Exclude, plan.cfg.Headers = prefix, rules.Excluded, rules.HeadersFor
	return plan, nil
}

// dryRunLink is the link a file at key would get: the profile's link
// template (or --link-template), "" when it cannot be made (the Sandbox's
// address is known only while it runs).
func dryRunLink(plan dryRunPlan, key string) string {
	if plan.bucketURL == "" || key == "" {
		return ""
	}
	l, err := plan.linker.Link(key)
	if err != nil {
		return ""
	}
	return l
}

// dryRunEvent is one --dry-run --json line.
type dryRunEvent struct {
	Event      string              `json:"event"` // "would-upload", "excluded", "would-fail", "dry-run-summary"
	Path       string              `json:"path,omitempty"`
	Key        string              `json:"key,omitempty"`
	Size       int64               `json:"size,omitempty"`
	Headers    map[string]string   `json:"headers,omitempty"`
	Link       string              `json:"link,omitempty"`
	ExcludedBy string              `json:"excluded_by,omitempty"`
	Error      *uploader.TaskError `json:"error,omitempty"`
	// Summary.
	Files    *int  `json:"files,omitempty"`
	Excluded *int  `json:"excluded,omitempty"`
	Failed   *int  `json:"failed,omitempty"`
	Bytes    int64 `json:"bytes,omitempty"`
}

// headerMap is the headers a file would be sent with, by HTTP name.
func headerMap(h auth.ObjectHeaders) map[string]string {
	out := map[string]string{"Content-Type": h.ContentType}
	for k, vs := range h.Header() {
		out[k] = strings.Join(vs, ", ")
	}
	return out
}

// runDryRun prints the plan for paths and returns the exit code: 0, or 1
// when a file would fail at once.
func runDryRun(f uploadFlags, paths []string) int {
	plan, err := dryRunConfig(f)
	if err != nil {
		errLine(err)
		return 2
	}
	plan.cfg.Now = time.Now
	items := uploader.Plan(context.Background(), plan.cfg, paths...)
	if f.json {
		return printDryRunJSON(os.Stdout, plan, items)
	}
	return printDryRun(os.Stdout, plan, items)
}

func printDryRunJSON(w io.Writer, plan dryRunPlan, items []uploader.Planned) int {
	enc := json.NewEncoder(w)
	files, excluded, failed, bytes := 0, 0, 0, int64(0)
	for _, p := range items {
		ev := dryRunEvent{Path: p.Path, Key: p.Key, Size: p.Size}
		switch {
		case p.ExcludedBy != "":
			ev.Event, ev.ExcludedBy, ev.Key = "excluded", p.ExcludedBy, ""
			excluded++
		case p.Error != nil:
			ev.Event, ev.Error = "would-fail", p.Error
			failed++
		default:
			ev.Event, ev.Headers, ev.Link = "would-upload", headerMap(p.Headers), dryRunLink(plan, p.Key)
			files++
			bytes += p.Size
		}
		enc.Encode(ev)
	}
	enc.Encode(dryRunEvent{Event: "dry-run-summary", Files: &files, Excluded: &excluded, Failed: &failed, Bytes: bytes})
	if failed > 0 {
		return 1
	}
	return 0
}

func printDryRun(w io.Writer, plan dryRunPlan, items []uploader.Planned) int {
	files, excluded, failed, bytes := 0, 0, 0, int64(0)
	for _, p := range items {
		switch {
		case p.ExcludedBy != "":
			fmt.Fprintf(w, "%s %s: %s\n", tr("excluded"), safe(p.Path), safe(fmt.Sprintf(tr("matches the exclude pattern %q"), p.ExcludedBy)))
			excluded++
		case p.Error != nil:
			fmt.Fprintf(w, "%s %s: %s\n", tr("would fail"), safe(p.Path), safe(errText(p.Error)))
			failed++
		default:
			key := p.Key
			if key == "" {
				key = tr("(the signing server picks the key)")
			}
			fmt.Fprintf(w, "%s %s -> %s (%s)\n", tr("would upload"), safe(p.Path), safe(key), humanBytes(p.Size))
			hm := headerMap(p.Headers)
			names := make([]string, 0, len(hm))
			for k := range hm {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				fmt.Fprintf(w, "    %s: %s\n", k, safe(hm[k]))
			}
			if link := dryRunLink(plan, p.Key); link != "" {
				fmt.Fprintf(w, "    %s %s\n", tr("link:"), safe(link))
			}
			files++
			bytes += p.Size
		}
	}
	fmt.Fprintf(os.Stderr, tr("Dry run: %d files (%s) would be uploaded, %d excluded, %d would fail. Nothing was uploaded or recorded.")+"\n",
		files, humanBytes(bytes), excluded, failed)
	if failed > 0 {
		return 1
	}
	return 0
}
