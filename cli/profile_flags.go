package cli

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"cosdrop/profile"
	"cosdrop/receipt"
)

// profileExtras are the `profile add` flags for what an admin otherwise
// wrote into profiles.json by hand: the upload rules and the watch
// folders (the link template has its own flag).
type profileExtras struct {
	rulesFile          string
	exclude, meta      multiFlag
	noDefaultExcludes  bool
	cacheControl       string
	contentDisposition string
	storageClass       string
	watch              multiFlag
	receiptsPrefix     string
	receiptsWho        string
	receiptsPaths      string
}

func (x *profileExtras) register(fs *flag.FlagSet) {
	fs.StringVar(&x.rulesFile, "rules", "", tr("upload rules as JSON (the profile file's \"rules\" object: headers, storage class, pattern rules, excludes); the other rule flags add to it"))
	fs.Var(&x.exclude, "exclude", tr("pattern of files a dropped folder leaves out, e.g. '*.psd' or 'drafts/' (repeatable; added to the default excludes)"))
	fs.BoolVar(&x.noDefaultExcludes, "no-default-excludes", false, tr("--exclude replaces the default excludes (.git/, .DS_Store, Thumbs.db, ...) instead of adding to them"))
	fs.StringVar(&x.cacheControl, "cache-control", "", tr("Cache-Control of every uploaded object, e.g. max-age=86400"))
	fs.StringVar(&x.contentDisposition, "content-disposition", "", tr("inline (browsers show files) or attachment (browsers download them)"))
	fs.StringVar(&x.storageClass, "storage-class", "", tr("COS storage class of uploaded objects, e.g. STANDARD_IA; empty keeps the bucket's default"))
	fs.Var(&x.meta, "meta", tr("x-cos-meta-NAME header of every object, as NAME=VALUE (repeatable)"))
	fs.Var(&x.watch, "watch", tr("folder whose new and changed files are uploaded (repeatable)"))
	fs.StringVar(&x.receiptsPrefix, "receipts-prefix", "", tr("write a receipt of each drop under this folder of the bucket, e.g. .cosdrop/receipts/ (default: none)"))
	fs.StringVar(&x.receiptsWho, "receipts-who", "", tr("the sender's label in receipts, e.g. a person's or team's name"))
	fs.StringVar(&x.receiptsPaths, "receipts-paths", "", trChoices("how much of each local path a receipt holds: {{.Choices}}", profile.ReceiptsPathNames()))
}

// apply puts the flags into p; p.Validate checks the result as it checks
// an imported file.
func (x *profileExtras) apply(p *profile.Profile) error {
	var r profile.Rules
	if x.rulesFile != "" {
		b, err := os.ReadFile(x.rulesFile)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields() // a misspelt field would be dropped without a word
		if err := dec.Decode(&r); err != nil {
			return fmt.Errorf("%s: %w", x.rulesFile, err)
		}
	}
	r.Exclude = append(r.Exclude, x.exclude...)
	r.NoDefaultExcludes = r.NoDefaultExcludes || x.noDefaultExcludes
	r.CacheControl = cmp.Or(x.cacheControl, r.CacheControl)
	r.ContentDisposition = cmp.Or(x.contentDisposition, r.ContentDisposition)
	r.StorageClass = cmp.Or(x.storageClass, r.StorageClass)
	for _, kv := range x.meta {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return fmt.Errorf(tr("--meta %q is not NAME=VALUE"), kv)
		}
		if r.Meta == nil {
			r.Meta = map[string]string{}
		}
		r.Meta[name] = value
	}
	if r.CacheControl != "" || r.ContentDisposition != "" || r.StorageClass != "" || len(r.Meta) > 0 ||
		len(r.Patterns) > 0 || len(r.Exclude) > 0 || r.NoDefaultExcludes {
		p.Rules = &r
	}
	for _, d := range x.watch {
		abs, err := filepath.Abs(d) // a relative folder would depend on where the watch starts
		if err != nil {
			return err
		}
		p.WatchFolders = append(p.WatchFolders, abs)
	}
	p.ReceiptsPrefix = cmp.Or(profile.NormalReceiptsPrefix(x.receiptsPrefix), p.ReceiptsPrefix)
	p.ReceiptsWho = cmp.Or(x.receiptsWho, p.ReceiptsWho)
	p.ReceiptsPaths = cmp.Or(receipt.Paths(x.receiptsPaths), p.ReceiptsPaths)
	return nil
}
