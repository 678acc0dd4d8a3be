package session

import (
	"errors"
	"html"
	"path"
	"strings"

	"cosdrop/profile"
)

// EncodeKey percent-encodes an object key for a URL path the way
// cos-go-sdk-v5 builds object URLs (ObjectService.GetObjectURL:
// encodeURIComponent(name, []byte{'/'}) in helper.go): every byte but
// A-Z a-z 0-9 - _ . ! ~ * ' ( ) and "/" becomes %XX, so Chinese names,
// spaces, "+", "%", "?" and "#" reach COS as the key they are. (A "+"
// left literal would be read as a space by some proxies and CDNs; a
// literal "?" or "#" would cut the key short.)
func EncodeKey(key string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(key))
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-_.!~*'()/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// ErrNoLinkAddress is returned when a link needs the bucket's address
// ({url}) and the profile has none: a server-signed profile without a
// bucket, region or endpoint, whose server picks the destination.
var ErrNoLinkAddress = errors.New("this profile has no bucket address for links")

// Linker renders the links of one profile's objects from its link
// template (profile.LinkPlaceholders). It holds no secret: a link is an
// address, never a signature (share links are Sharer's).
type Linker struct {
	// Template is the profile's link template; empty means "{url}".
	Template string
	// BucketURL is the bucket's public address (the profile's Endpoint
	// when set), without a trailing slash; empty when unknown.
	BucketURL string
	Bucket    string
	Region    string
}

// NewLinker is the linker of profile p whose bucket answers at bucketURL
// (the session's; p.BucketURL() when empty). A non-empty override (the
// CLI's --link-template) replaces the profile's template; the caller has
// checked it with profile.CheckLinkTemplate.
func NewLinker(p profile.Profile, bucketURL, override string) Linker {
	if bucketURL == "" {
		bucketURL, _ = p.BucketURL()
	}
	l := Linker{Template: p.LinkTemplate, BucketURL: strings.TrimRight(bucketURL, "/"), Bucket: p.Bucket, Region: p.Region}
	if override != "" {
		l.Template = override
	}
	return l
}

// ProfileLink is the link profile p gives the object key: its link
// template applied, or the bucket's public URL. `cosdrop upload
// --dry-run` shows it for each file.
func ProfileLink(p profile.Profile, key string) (string, error) {
	return NewLinker(p, "", "").Link(key)
}

// ObjectURL is the object's plain (unsigned) public URL: the bucket's
// address and the encoded key; "" when the bucket's address is unknown.
func (l Linker) ObjectURL(key string) string {
	if l.BucketURL == "" {
		return ""
	}
	return l.BucketURL + "/" + EncodeKey(strings.TrimPrefix(key, "/"))
}

// Link renders the template for key. {key} is the encoded key (for
// custom domains: "https://cdn.example.com/{key}"); {url} is ObjectURL;
// {filename} is the key's last segment. Every value is escaped for the
// template's kind (profile.LinkKindOf), so a file named
// "<img src=x onerror=…>.png" stays text: percent-encoded in a plain link,
// HTML-escaped in HTML, backslash-escaped in Markdown (whose URLs also get
// "(" and ")" encoded, which would end the link). C1 and bidi controls in
// a file name are shown as visible escapes, never passed on: a link is
// printed, copied and pasted where they would reorder or rewrite text.
func (l Linker) Link(key string) (string, error) {
	t := l.Template
	if t == "" {
		t = "{url}"
	}
	u := l.ObjectURL(key)
	if u == "" && strings.Contains(t, "{url}") {
		return "", ErrNoLinkAddress
	}
	enc := EncodeKey(strings.TrimPrefix(key, "/"))
	name := Printable(path.Base("/" + key))
	kind := profile.LinkKindOf(t)
	switch kind {
	case profile.LinkURL:
		name = EncodeKey(path.Base("/" + key))
	case profile.LinkHTML:
		name, enc, u = html.EscapeString(name), html.EscapeString(enc), html.EscapeString(u)
	case profile.LinkMarkdown:
		name, enc, u = markdownText(name), mdURL.Replace(enc), mdURL.Replace(u)
	}
	r := strings.NewReplacer("{key}", enc, "{filename}", name, "{url}", u, "{bucket}", l.Bucket, "{region}", l.Region)
	return r.Replace(t), nil
}

// mdURL encodes the parentheses EncodeKey keeps: in a Markdown link's
// destination an unbalanced ")" ends the link.
var mdURL = strings.NewReplacer("(", "%28", ")", "%29")

// markdownText backslash-escapes the ASCII punctuation Markdown reads as
// syntax (CommonMark lets any ASCII punctuation be escaped), and "<" and
// ">" so no HTML tag can start: the file name stays text.
func markdownText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_{}[]()<>!~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Linker is the session's linker: its profile's template and bucket (the
// Sandbox's own bucket for the Sandbox).
func (s *Session) Linker() Linker {
	p := s.Profile
	if s.Sandbox {
		p = profile.Profile{Bucket: SandboxBucket, Region: SandboxRegion}
	}
	return NewLinker(p, s.BucketURL, "")
}
