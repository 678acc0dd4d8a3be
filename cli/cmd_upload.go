package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"cosdrop/profile"
	"cosdrop/session"
	"cosdrop/uploader"
)

func init() {
	register("upload", "Upload files and folders", runUpload)
}

var uploadSynopsis = "[--profile P | --endpoint URL --bucket B --region R] [--prefix T] [--sts-url U] " +
	"[--concurrency N] [--part-size SIZE] [--limit RATE | --bwlimit SPEC] [--on-conflict " + strings.Join(profile.PolicyNames(true), "|") + "] [--state-dir DIR] [--json] [--links] [--link-template T] [--set-aside-damaged] [--exclude PATTERN]... [--no-default-excludes] [--dry-run] [--receipts-prefix PREFIX [--who LABEL]] PATH... | --clipboard"

type uploadFlags struct {
	profile, endpoint, bucket, region, prefix, stsURL string
	concurrency                                       int
	partSize, limit, onConflict, stateDir             string
	bwlimit                                           string // --bwlimit: a rate or a timetable (cmd_bwlimit.go)
	json, setAside                                    bool
	links                                             bool      // --links: print each verified file's link (cmd_links.go)
	linkTemplate                                      string    // --link-template: overrides the profile's
	exclude                                           multiFlag // cmd_dryrun.go
	noDefaultExcludes, dryRun                         bool
	clipboard                                         bool   // --clipboard: upload what the clipboard holds (cmd_paste.go)
	receiptsPrefix, who                               string // --receipts-prefix, --who: each drop's receipt in the bucket
}

// destFlags registers the flags that say where and with what credentials
// to upload (upload, watch and cleanup share them); profileHelp words
// --profile for the command.
func (f *uploadFlags) destFlags(fs *flag.FlagSet, profileHelp string) {
	fs.StringVar(&f.profile, "profile", "", profileHelp)
	fs.StringVar(&f.endpoint, "endpoint", "", tr("COS endpoint URL (instead of a profile), e.g. http://127.0.0.1:9000"))
	fs.StringVar(&f.bucket, "bucket", "", tr("bucket name-APPID (instead of a profile)"))
	fs.StringVar(&f.region, "region", "", tr("bucket region, e.g. ap-guangzhou (instead of a profile)"))
	fs.StringVar(&f.stsURL, "sts-url", "", tr("credential server URL for temporary credentials"))
	fs.StringVar(&f.stateDir, "state-dir", "", tr("directory of the upload journal"))
}

// register registers the flags upload and watch share: destFlags and how
// to upload.
func (f *uploadFlags) register(fs *flag.FlagSet, profileHelp string) {
	f.destFlags(fs, profileHelp)
	fs.StringVar(&f.prefix, "prefix", "", tr("key prefix template: {date} {yyyy} {mm} {dd} {filename} {relpath}"))
	fs.IntVar(&f.concurrency, "concurrency", 0, tr("requests in flight at once (default: found while uploading)"))
	fs.StringVar(&f.partSize, "part-size", "", tr("multipart part size, e.g. 16MiB (default: automatic)"))
	fs.StringVar(&f.limit, "limit", "", tr("bandwidth limit, e.g. 10MiB (per second; default: none)"))
	fs.StringVar(&f.bwlimit, "bwlimit", "", tr("bandwidth limit or timetable, e.g. 2MiB/s or \"mon-fri 08:00-19:00 2MiB/s; otherwise unlimited\" (default: the profile's bandwidth_schedule, else none)"))
	fs.StringVar(&f.onConflict, "on-conflict", "", trChoices("when the object exists: {{.Choices}}", profile.PolicyNames(true)))
	fs.BoolVar(&f.json, "json", false, tr("print one JSON event per line instead of progress"))
	fs.BoolVar(&f.setAside, "set-aside-damaged", false, tr("if the journal is damaged, move it aside, keep the tasks that can be read, and carry on"))
	fs.StringVar(&f.receiptsPrefix, "receipts-prefix", "", tr("write a receipt of each drop under this folder of the bucket, e.g. .cosdrop/receipts/ (default: the profile's receipts_prefix, else none)"))
	fs.StringVar(&f.who, "who", "", tr("the sender's label in receipts (default: the profile's receipts_who)"))
}

func runUpload(args []string) int {
	var f uploadFlags
	fs := newFlagSet("upload", uploadSynopsis)
	f.register(fs, tr("profile to upload with (see 'cosdrop profile')"))
	fs.BoolVar(&f.links, "links", false, tr("print each uploaded and verified file's link (the profile's link template)"))
	fs.StringVar(&f.linkTemplate, "link-template", "", tr("link template for --links: {key} {filename} {url} {bucket} {region}"))
	fs.Var(&f.exclude, "exclude", tr("leave out files of dropped folders matching this pattern (repeatable; adds to the profile's rules)"))
	fs.BoolVar(&f.noDefaultExcludes, "no-default-excludes", false, tr("do not leave out .git, .DS_Store, Office lock files and other default excludes"))
	fs.BoolVar(&f.dryRun, "dry-run", false, tr("print each file's key, headers and link, and what is excluded; upload and record nothing"))
	fs.BoolVar(&f.clipboard, "clipboard", false, tr("upload what the clipboard holds (a screenshot, copied files, or their paths) and copy the links back"))
	paths, code, ok := parseInterspersed(fs, args)
	if !ok {
		return code
	}
	if f.dryRun && !f.clipboard && len(paths) > 0 {
		return runDryRun(f, paths)
	}
	add, code, ok := uploadInput(&f, fs, paths)
	if !ok {
		return code
	}
	spec, err := uploadConfig(f)
	if err != nil {
		errLine(err)
		return 2
	}
	links, err := newUploadLinks(f, spec)
	if err != nil {
		closeAll(spec.Closers)
		errLine(err)
		return 2
	}
	e, closers, err := session.Start(spec)
	if err != nil && session.IsDamaged(err) && f.setAside {
		res, aerr := session.SetAsideJournal(spec.Config.StateDir)
		if aerr != nil {
			errLine(aerr)
			return 1
		}
		fmt.Fprintln(os.Stderr, session.SetAsideText(res))
		if spec, err = uploadConfig(f); err == nil {
			e, closers, err = session.Start(spec)
		}
	}
	if err != nil {
		errLine(err)
		return 1
	}
	ctx, stop, sigCode := interruptContext()
	defer stop()
	followBandwidth(ctx, f, spec, e)
	out := newUploadOutput(f.json)
	out.links = links
	out.sigCode = sigCode
	events := e.Events()
	_, cursor := e.Changes(math.MaxUint64) // the feed's present: only what this run changes
	batch := add(e)
	code = watchBatch(ctx, e, batch, cursor, events, out)
	if f.clipboard {
		copyLinks(links.copied)
	}
	if err := closeAll(closers); err != nil {
		fmt.Fprintln(os.Stderr, tr("Error:"), safe(err.Error()))
		if code == 0 {
			code = 1
		}
	}
	return code
}

// uploadConfig turns the flags into an engine configuration through the
// session layer, the one profile-to-engine mapping the window uses too: a
// profile, or an endpoint/bucket with credentials from the environment or
// --sts-url. Its flags override the profile's settings.
func uploadConfig(f uploadFlags) (session.Engine, error) {
	o := session.Overrides{Prefix: f.prefix, OnConflict: f.onConflict, Concurrency: f.concurrency,
		StateDir: f.stateDir, ResumeExisting: true, Exclude: f.exclude, NoDefaultExcludes: f.noDefaultExcludes,
		ReceiptsPrefix: f.receiptsPrefix, Who: f.who}
	if f.receiptsPrefix != "" || f.who != "" {
		if err := session.CheckReceiptFlags(f.receiptsPrefix, f.who, f.profile != ""); err != nil {
			return session.Engine{}, err
		}
	}
	if f.partSize != "" {
		n, err := parseSize(f.partSize)
		if err != nil || n < uploader.MinPartSize {
			return session.Engine{}, fmt.Errorf(tr("--part-size %q must be a size of at least 1MiB, e.g. 16MiB"), f.partSize)
		}
		o.PartSize = n
	}
	if f.limit != "" {
		n, err := parseSize(strings.TrimSuffix(f.limit, "/s"))
		if err != nil {
			return session.Engine{}, fmt.Errorf(tr("--limit %q must be a rate such as 10MiB or 500KB"), f.limit)
		}
		o.RateLimit = n
	}
	if err := bwlimitOverride(f, &o); err != nil {
		return session.Engine{}, err
	}
	if f.concurrency < 0 || f.concurrency > 256 {
		return session.Engine{}, errors.New(tr("--concurrency must be between 0 (found while uploading) and 256"))
	}
	if f.profile == "" {
		return session.FlagsEngine(session.Flags{Endpoint: f.endpoint, Bucket: f.bucket, Region: f.region, STSURL: f.stsURL}, o)
	}
	if f.endpoint != "" || f.bucket != "" || f.region != "" {
		return session.Engine{}, errors.New(tr("use either --profile or --endpoint/--bucket/--region, not both"))
	}
	p, err := profile.NewProfiles(profile.ConfigDir()).Get(f.profile)
	if errors.Is(err, profile.ErrNoProfile) && f.profile == session.SandboxName {
		// The window's built-in Sandbox: the same local bucket and journal.
		if o.OnConflict == "" {
			o.OnConflict = "rename"
		}
		spec, _, err := (&session.Opener{DataDir: session.DefaultDataDir()}).SandboxEngine(o)
		return spec, err
	}
	if err != nil {
		return session.Engine{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), session.OpenTimeout)
	defer cancel()
	return session.ProfileEngine(ctx, p, secretStore, filepath.Join(session.DefaultDataDir(), session.CLIStateName(p.Name)), o)
}

var sizeRE = regexp.MustCompile(`^(?i)\s*([0-9]+(?:\.[0-9]+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$`)

// parseSize reads "16MiB", "8M", "500KB", "1048576". K/M/G and their
// KiB/MiB/GiB forms are binary (what users of 'ls -h' expect); KB/MB/GB
// are decimal.
func parseSize(s string) (int64, error) {
	m := sizeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("bad size %q", s)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, err
	}
	mult := map[string]float64{"": 1, "b": 1, "k": 1 << 10, "kib": 1 << 10, "kb": 1e3,
		"m": 1 << 20, "mib": 1 << 20, "mb": 1e6, "g": 1 << 30, "gib": 1 << 30, "gb": 1e9}[strings.ToLower(m[2])]
	return int64(v * mult), nil
}

// uploadOutput renders progress: redrawn lines on a terminal, one JSON
// event per line with --json, and only results otherwise.
type uploadOutput struct {
	json  bool
	tty   bool
	w     io.Writer
	lines int // lines drawn by the last redraw
	enc   *json.Encoder
	// unverified counts this run's done files whose copy in COS could not
	// be checked (the summary says so: never "done" alone for them).
	unverified int
	links      *uploadLinks // --links; nil prints none
	// notFiles and emptyDirs count this run's left-out entries (not
	// files, empty folders): the summary says so.
	notFiles, emptyDirs int
	sigCode             func() int // the exit code of the signal that interrupted the run
}

func newUploadOutput(asJSON bool) *uploadOutput {
	o := &uploadOutput{json: asJSON, w: os.Stdout, tty: !asJSON && term.IsTerminal(int(os.Stdout.Fd()))}
	o.enc = json.NewEncoder(os.Stdout)
	return o
}

// jsonEvent is one --json line.
type jsonEvent struct {
	Event    string              `json:"event"`
	Time     time.Time           `json:"time"`
	Task     uint64              `json:"task,omitempty"`
	Path     string              `json:"path,omitempty"`
	Key      string              `json:"key,omitempty"`
	State    string              `json:"state,omitempty"`
	Size     int64               `json:"size,omitempty"`
	Acked    int64               `json:"acked,omitempty"`
	CRC64    string              `json:"crc64,omitempty"`
	ETag     string              `json:"etag,omitempty"`
	Requests []string            `json:"request_ids,omitempty"`
	Error    *uploader.TaskError `json:"error,omitempty"`
	Note     string              `json:"note,omitempty"`
	NoteCode string              `json:"note_code,omitempty"` // the note for programs: stable, not translated
	Verified *bool               `json:"verified,omitempty"`  // done events: COS's copy was checked (size and CRC64)
	// Unverified (summary): done files whose copy could not be checked.
	Unverified *int             `json:"unverified,omitempty"`
	Totals     *uploader.Totals `json:"totals,omitempty"`
	ExitCode   *int             `json:"exit_code,omitempty"`
	Link       string           `json:"link,omitempty"`    // --links: the verified file's link
	NoLink     string           `json:"no_link,omitempty"` // --links: why a finished file has none
}

func snapEvent(kind string, s uploader.Snapshot) jsonEvent {
	ev := jsonEvent{Event: kind, Time: time.Now(), Task: uint64(s.ID), Path: s.Path, Key: s.Key, State: string(s.State),
		Size: s.Size, Acked: s.Acked, ETag: s.ETag, Requests: s.RequestIDs, Error: s.LastErr, Note: session.NoteText(s.Note), NoteCode: string(s.Note.Code)}
	if s.State == uploader.Done || s.State == uploader.Skipped && s.Note.Code != uploader.NoteExcluded {
		ev.CRC64 = strconv.FormatUint(s.CRC64, 10)
	}
	if s.State == uploader.Done {
		v := s.Verified
		ev.Verified = &v
	}
	return ev
}

// watchBatch follows the batch until every task is final or the user
// interrupts, then prints the summary and returns the exit code. It keeps
// no copy of the batch's tasks: results print as their events arrive, the
// terminal view holds only the files in flight, and the summary asks the
// engine at the end. (A map of every snapshot cost ~300 bytes per file,
// twice over with the garbage collector's headroom.)
func watchBatch(ctx context.Context, e *uploader.Engine, batch uploader.BatchID, cursor uint64, events <-chan uploader.Event, o *uploadOutput) int {
	active := map[uploader.TaskID]uploader.Snapshot{}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	lastJSON := time.Time{}
	poll := func() {
		var ch []uploader.Snapshot
		ch, cursor = e.Changes(cursor)
		for _, s := range ch {
			switch {
			case s.Batch != batch:
			case s.State == uploader.Uploading || s.State == uploader.Completing || s.State == uploader.Verifying:
				active[s.ID] = s
			default:
				delete(active, s.ID)
			}
		}
	}
	for {
		select {
		case <-ctx.Done():
			o.clear()
			fmt.Fprintln(os.Stderr, tr("Interrupted: pausing and saving. Run the same command again to resume."))
			return o.summary(e.BatchResult(batch), true)
		case ev, ok := <-events:
			if !ok {
				return 1
			}
			if ev.Batch != batch {
				continue
			}
			switch ev.Kind {
			case uploader.EventBatchDone:
				o.clear()
				return o.summary(e.BatchResult(batch), false)
			default:
				delete(active, ev.Task)
				o.result(ev.Snapshot)
			}
		case <-tick.C:
			if o.tty {
				poll()
				o.redraw(active, e.Totals())
			} else if o.json && time.Since(lastJSON) >= time.Second {
				lastJSON = time.Now()
				t := e.Totals()
				o.enc.Encode(jsonEvent{Event: "progress", Time: time.Now(), Totals: &t})
			}
		}
	}
}

func (o *uploadOutput) clear() {
	if o.tty && o.lines > 0 {
		fmt.Fprintf(o.w, "\x1b[%dA\x1b[J", o.lines)
		o.lines = 0
	}
}

// result prints one finished task.
func (o *uploadOutput) result(s uploader.Snapshot) {
	if s.State == uploader.Done && !s.Verified {
		o.unverified++
	}
	if o.json {
		if leftOut(s) {
			o.count(s)
		}
		ev := snapEvent(string(s.State), s)
		o.links.addJSON(&ev, s)
		o.enc.Encode(ev)
		return
	}
	o.clear()
	path, key := safe(s.Path), safe(s.Key) // shown sanitized; s stays exact (links are made from it)
	switch {
	case leftOut(s):
		o.count(s)
		fmt.Fprintf(o.w, "%s %s: %s\n", tr("left out"), path, session.NoteText(s.Note))
	case s.State == uploader.Done && !s.Verified:
		fmt.Fprintf(o.w, "%s %s -> %s (%s): %s\n", tr("done, NOT verified"), path, key, humanBytes(s.Size),
			tr("the answer to the last request was lost and these credentials may not read the object (HeadObject) to check it"))
	case s.State == uploader.Done:
		fmt.Fprintf(o.w, "%s %s -> %s (%s)\n", tr("done"), path, key, humanBytes(s.Size))
	case s.State == uploader.Skipped && s.Note.Code == uploader.NoteSkippedUncompared:
		fmt.Fprintf(o.w, "%s %s -> %s: %s\n", tr("skipped (exists)"), path, key,
			tr("an object is already there; it could not be compared with the file because these credentials may not read it (HeadObject)"))
	case s.State == uploader.Skipped && s.Note.Code == uploader.NoteExcluded:
		fmt.Fprintf(o.w, "%s %s: %s\n", tr("excluded"), s.Path, fmt.Sprintf(tr("matches the exclude pattern %q"), s.Note.Args["pattern"]))
	case s.State == uploader.Skipped:
		fmt.Fprintf(o.w, "%s %s -> %s\n", tr("skipped (identical)"), path, key)
	case s.State == uploader.Failed:
		fmt.Fprintf(o.w, "%s %s: %s\n", tr("FAILED"), path, errText(s.LastErr))
	case s.State == uploader.Canceled:
		fmt.Fprintf(o.w, "%s %s\n", tr("canceled"), path)
	}
	o.links.print(o.w, s)
}

// errText is a failed task's reason for the terminal: the same plain words
// the window shows (session.Explain, in the user's language), then the code and
// request ID a support team asks for.
func errText(te *uploader.TaskError) string {
	if te == nil {
		return tr("unknown error")
	}
	msg := session.Explain(*te)
	var ref []string
	if te.Code != "" {
		ref = append(ref, te.Code)
	}
	if te.RequestID != "" {
		ref = append(ref, tr("request ID")+" "+te.RequestID)
	}
	if len(ref) > 0 {
		msg += " (" + strings.Join(ref, ", ") + ")"
	}
	return safe(msg)
}

// redraw repaints the active files and the total on a terminal.
func (o *uploadOutput) redraw(tasks map[uploader.TaskID]uploader.Snapshot, t uploader.Totals) {
	active := make([]uploader.Snapshot, 0, len(tasks))
	for _, s := range tasks {
		active = append(active, s)
	}
	sort.Slice(active, func(i, j int) bool { return active[i].ID < active[j].ID })
	width := 80
	if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 20 {
		width = w
	}
	o.clear()
	shown := 0
	for _, s := range active {
		if shown == 8 {
			fmt.Fprintf(o.w, tr("  ... and %d more")+"\n", len(active)-shown)
			shown++
			break
		}
		name := safe(filepath.Base(s.Path))
		line := fmt.Sprintf("  %s %s %s %s/s", bar(s.Acked, s.Size, 20), name, pctCell(s), humanBytes(int64(s.Speed)))
		if s.Note.Code == uploader.NoteWaitingCredentials { // not a stalled 0 %: say what it waits for
			line = fmt.Sprintf("  %s %s %s", bar(s.Acked, s.Size, 20), name, session.NoteText(s.Note))
		}
		fmt.Fprintln(o.w, truncate(line, width-1))
		shown++
	}
	eta := "-"
	if t.ETA > 0 {
		eta = t.ETA.Round(time.Second).String()
	}
	scanning := ""
	if t.Scanning > 0 {
		scanning = " " + tr("(still reading folders)")
	}
	total := fmt.Sprintf("%s %s %s / %s  %s/s  ETA %s  %s %d/%d%s", tr("Total"), bar(t.Acked, t.Bytes, 20),
		humanBytes(t.Acked), humanBytes(t.Bytes), humanBytes(int64(t.Speed)), eta, tr("files"), t.Done+t.Skipped, t.Tasks, scanning)
	fmt.Fprintln(o.w, truncate(total, width-1))
	o.lines = shown + 1
}

// summary prints what happened to the batch and returns the exit code:
// 0 only when every file is done or skipped.
func (o *uploadOutput) summary(res uploader.BatchResult, interrupted bool) int {
	done, skipped, failed := res.Counts[uploader.Done], res.Counts[uploader.Skipped], res.Failed
	tasks := 0
	for _, n := range res.Counts {
		tasks += n
	}
	other := tasks - done - skipped - len(failed)
	skipped -= o.notFiles + o.emptyDirs // said on their own line
	code := 0
	nothing := tasks == o.notFiles+o.emptyDirs // no file at all among the paths named
	if len(failed) > 0 || other > 0 || interrupted || nothing {
		code = 1
	}
	if interrupted {
		code = 130
		if o.sigCode != nil && o.sigCode() != 0 {
			code = o.sigCode()
		}
	}
	if o.json {
		o.enc.Encode(jsonEvent{Event: "summary", Time: time.Now(), ExitCode: &code, Unverified: &o.unverified,
			Totals: &uploader.Totals{Tasks: tasks, Done: done, Skipped: skipped, Failed: len(failed), Bytes: res.DoneBytes, Acked: res.DoneBytes}})
		return code
	}
	w := os.Stderr
	if o.unverified > 0 {
		fmt.Fprintf(w, tr("%d done (%s; %d of them NOT verified), %d skipped, %d failed, %d not finished.")+"\n",
			done, humanBytes(res.DoneBytes), o.unverified, skipped, len(failed), other)
	} else {
		fmt.Fprintf(w, tr("%d done (%s), %d skipped, %d failed, %d not finished.")+"\n", done, humanBytes(res.DoneBytes), skipped, len(failed), other)
	}
	if line := leftOutSummary(o.notFiles, o.emptyDirs); line != "" {
		fmt.Fprintln(w, line)
	}
	if nothing && !interrupted {
		fmt.Fprintln(w, tr("Nothing was uploaded: the paths named hold no files."))
	}
	if len(failed) > 0 {
		fmt.Fprintln(w, tr("Failed:"))
		for _, s := range failed {
			fmt.Fprintf(w, "  %s: %s\n", safe(s.Path), errText(s.LastErr))
		}
	}
	if other > 0 && !interrupted {
		fmt.Fprintln(w, tr("Some files were paused or canceled; run the same command again to resume."))
	}
	return code
}

func bar(n, total int64, width int) string {
	filled := 0
	if total > 0 {
		filled = int(float64(width) * float64(n) / float64(total))
	}
	filled = max(0, min(width, filled))
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "]"
}

func pct(n, total int64) float64 {
	if total <= 0 {
		return 100
	}
	return 100 * float64(n) / float64(total)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:max(0, n-1)]) + "…"
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
