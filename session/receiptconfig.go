package session

import (
	"cmp"
	"errors"
	"net/url"
	"strings"

	"cosdrop/profile"
	"cosdrop/uploader"
)

// receiptsFor is the receipts an engine for p writes: the profile's
// receipts_prefix, receipts_who and receipts_paths, with o's
// --receipts-prefix and --who on top, worded in English (a receipt is read
// by support teams anywhere, not by the user in front of this machine).
// The prefix and label were checked when the profile was saved, or by
// CheckReceiptFlags for the flags.
func receiptsFor(p profile.Profile, o Overrides) uploader.Receipts {
	prefix := cmp.Or(o.ReceiptsPrefix, p.ReceiptsPrefix)
	if prefix == "" {
		return uploader.Receipts{}
	}
	return uploader.Receipts{Prefix: profile.NormalReceiptsPrefix(prefix), Label: cmp.Or(o.Who, p.ReceiptsWho), Paths: p.ReceiptsPaths,
		Profile: p.Name, Bucket: p.Bucket, Region: p.Region, Explain: ExplainEnglish, Note: NoteEnglish}
}

// CheckReceiptFlags checks --receipts-prefix and --who as a profile's
// receipts_prefix and receipts_who are checked. Without a profile (whose
// receipts_prefix --who may label), --who needs --receipts-prefix.
func CheckReceiptFlags(prefix, who string, withProfile bool) error {
	if who != "" && prefix == "" && !withProfile {
		return errors.New(T("--who labels receipts: give --receipts-prefix too"))
	}
	return profile.Profile{ReceiptsPrefix: prefix, ReceiptsWho: who}.CheckReceipts()
}

// bucketOfURL is the bucket an ad-hoc endpoint names: the first label of
// a virtual-hosted COS host, else the first path segment (localcos's
// path-style URLs), else the host.
func bucketOfURL(bucketURL string) string {
	u, err := url.Parse(bucketURL)
	if err != nil {
		return ""
	}
	if first, _, ok := strings.Cut(strings.Trim(u.Path, "/"), "/"); first != "" || ok {
		return first
	}
	if b, _, ok := strings.Cut(u.Hostname(), "."); ok && strings.Contains(u.Hostname(), ".cos.") {
		return b
	}
	return u.Host
}
