package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"cosdrop/profile"
	"cosdrop/session"
	"cosdrop/uploader"
)

func init() {
	register("receipts", "List the receipts that drops left in the bucket, from every machine", runReceipts)
}

const receiptsSynopsis = "[--profile P | --endpoint URL --bucket B --region R] [--sts-url U] [--receipts-prefix PREFIX] [--since 7d] [--who NAME] [--failed] [--check] [--id ID] [--json]"

// receiptsRun is one `cosdrop receipts`: its flags, then what it opened
// and found.
type receiptsRun struct {
	dest                   uploadFlags
	prefix, since, who, id string
	failed, check, asJSON  bool
	pageSize               int
	showFiles              bool // --failed, --check or --id: each receipt's files under it
	query                  session.ReceiptQuery
	src                    session.ReceiptSource
	anyBad                 bool
	out                    *receiptsOutput
	ctx                    context.Context
	closers                []func() error
}

// runReceipts lists the receipts under the profile's receipts prefix,
// newest first, from every machine: who sent what, when, and what became
// of it. Exit 0 when listed; 1 when the profile cannot read the bucket,
// the listing failed, --id found nothing, or --check found a file
// changed, gone or not checkable; 2 for a bad command line.
func runReceipts(args []string) int {
	var f receiptsRun
	fs := newFlagSet("receipts", receiptsSynopsis)
	fs.StringVar(&f.dest.profile, "profile", "", tr("profile whose receipts to read (see 'cosdrop profile')"))
	fs.StringVar(&f.dest.endpoint, "endpoint", "", tr("COS endpoint URL (instead of a profile), e.g. http://127.0.0.1:9000"))
	fs.StringVar(&f.dest.bucket, "bucket", "", tr("bucket name-APPID (instead of a profile)"))
	fs.StringVar(&f.dest.region, "region", "", tr("bucket region, e.g. ap-guangzhou (instead of a profile)"))
	fs.StringVar(&f.dest.stsURL, "sts-url", "", tr("credential server URL for temporary credentials"))
	fs.StringVar(&f.prefix, "receipts-prefix", "", tr("folder of the receipts in the bucket (default: the profile's receipts_prefix)"))
	fs.StringVar(&f.since, "since", "7d", tr("show drops since then: days (7d), hours (24h) or a date (2026-12-01)"))
	fs.StringVar(&f.who, "who", "", tr("show only this person's drops (the label the admin set; the user name where there is none)"))
	fs.BoolVar(&f.failed, "failed", false, tr("show only drops with a failed file, and their failures"))
	fs.BoolVar(&f.check, "check", false, tr("check that each file is still in COS, unchanged (size and CRC64)"))
	fs.StringVar(&f.id, "id", "", tr("show one receipt, by its id or object key, with every file"))
	fs.BoolVar(&f.asJSON, "json", false, tr("print one JSON object per receipt"))
	fs.IntVar(&f.pageSize, "page-size", 0, tr("receipts listed per COS request (1 to 1000; default 1000)"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 || f.pageSize < 0 || f.pageSize > 1000 {
		fs.Usage()
		return 2
	}
	if code, ok := f.open(); !ok {
		return code
	}
	defer closeAll(f.closers)
	ctx, stop, _ := interruptContext()
	defer stop()
	f.ctx, f.out = ctx, newReceiptsOutput(f.asJSON)
	defer f.out.flush()
	if f.id != "" {
		return f.one()
	}
	return f.list()
}

// open reads the flags into a query and opens the bucket: false with the
// exit code when it cannot.
func (f *receiptsRun) open() (int, bool) {
	now := time.Now()
	since, err := session.ParseSince(f.since, now)
	if err != nil {
		fmt.Fprintln(os.Stderr, tr("--since must be days (7d), hours (24h) or a date (2026-12-01)"))
		return 2, false
	}
	prefix, err := f.receiptsPrefix()
	if err != nil {
		errLine(err)
		return 2, false
	}
	spec, err := uploadConfig(f.dest)
	if err != nil {
		errLine(err)
		return 2, false
	}
	f.closers = spec.Closers
	b, err := uploader.OpenBucket(spec.Config)
	if err != nil {
		closeAll(f.closers)
		fmt.Fprintln(os.Stderr, tr("Error:"), safe(session.ReceiptsErrText(err, prefix)))
		return 1, false // the profile cannot read the bucket: not a usage error
	}
	f.src, f.showFiles = b, f.failed || f.check || f.id != ""
	f.query = session.ReceiptQuery{Prefix: prefix, Since: since, Now: now, Who: f.who, Failed: f.failed, PageSize: f.pageSize}
	return 0, true
}

// receiptsPrefix is --receipts-prefix, else the profile's.
func (f *receiptsRun) receiptsPrefix() (string, error) {
	prefix := f.prefix
	if prefix == "" && f.dest.profile != "" {
		p, err := profile.NewProfiles(profile.ConfigDir()).Get(f.dest.profile)
		if err != nil {
			return "", err
		}
		prefix = p.ReceiptsPrefix
	}
	if strings.Trim(prefix, "/") == "" {
		return "", errors.New(tr("say which folder holds the receipts: --receipts-prefix PREFIX, or a profile with receipts_prefix"))
	}
	return prefix, nil
}

// list prints the query's receipts a page at a time.
func (f *receiptsRun) list() int {
	r := session.NewReceipts(f.src, f.query)
	shown := 0
	for r.More() {
		page, err := r.Next(f.ctx, 50)
		for _, it := range page {
			f.print(it)
		}
		shown += len(page)
		if err != nil {
			f.out.failure(session.ReceiptsErrText(err, f.query.Prefix))
			return 1
		}
	}
	if shown == 0 {
		f.out.none(f.query)
	}
	return f.code()
}

// one prints the receipt --id names, with every file.
func (f *receiptsRun) one() int {
	it, found, err := session.FindReceipt(f.ctx, f.src, f.query, f.id)
	if err != nil {
		f.out.failure(session.ReceiptsErrText(err, f.query.Prefix))
		return 1
	}
	if !found {
		f.out.failure(trWith("No receipt {{.ID}} since {{.Since}} (try an earlier --since).",
			map[string]any{"ID": safe(f.id), "Since": f.query.Since.Local().Format("2006-01-02 15:04")}))
		return 1
	}
	f.print(it)
	return f.code()
}

// print shows one item, checking its files first when asked.
func (f *receiptsRun) print(it session.ReceiptItem) {
	var checks []session.FileCheck
	if f.check && it.Receipt != nil {
		checks = session.CheckReceipt(f.ctx, f.src, *it.Receipt)
		f.anyBad = f.anyBad || session.ChecksBad(checks)
	}
	f.out.item(it, checks, f.showFiles, f.failed && !f.check && f.id == "")
}

// code is the exit code once everything is printed.
func (f *receiptsRun) code() int {
	if f.anyBad {
		return 1
	}
	return 0
}
