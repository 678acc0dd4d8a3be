package profile

import (
	"mime"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"cosdrop/auth"
)

// Rules are a profile's upload rules (issue 13): the headers each object
// gets and the files a dropped folder leaves out. An administrator hands
// them out inside the profile file, so every machine applies the same.
//
// Patterns are globs (github.com/bmatcuk/doublestar: *, ?, [a-z], {a,b},
// ** across folders) matched against rel, the slash path of a file
// relative to the folder that was dropped (or watched); a file dropped on
// its own has its name as rel. Like .gitignore, a pattern without a slash
// matches a name at any depth ("*.jpg", ".DS_Store"), one with a slash
// matches the whole relative path ("raw/**/*.tif"), and one ending in a
// slash matches folders only (".git/").
//
// A nil *Rules means the defaults: DefaultExcludes, no extra headers.
type Rules struct {
	// CacheControl is the Cache-Control of every object, e.g.
	// "max-age=86400"; a pattern rule may override it.
	CacheControl string `json:"cache_control,omitempty"`
	// ContentDisposition is "inline" (open in the browser) or
	// "attachment" (download); either is sent with the file's own name.
	// Empty sends none (browsers then decide from the type).
	ContentDisposition string `json:"content_disposition,omitempty"`
	// StorageClass is COS's x-cos-storage-class (StorageClasses); empty
	// leaves the bucket's default (STANDARD).
	StorageClass string `json:"storage_class,omitempty"`
	// Meta are x-cos-meta-* headers of every object, by name without the
	// prefix (letters, digits and '-').
	Meta map[string]string `json:"meta,omitempty"`
	// Patterns override the values above for the files they match. For
	// each header the first matching pattern that sets it wins; Meta
	// names add to the profile's.
	Patterns []PatternRule `json:"patterns,omitempty"`
	// Exclude are patterns of files a dropped folder leaves out, added to
	// DefaultExcludes (unless NoDefaultExcludes). A file dropped on its
	// own is never excluded: the user asked for it.
	Exclude []string `json:"exclude,omitempty"`
	// NoDefaultExcludes makes Exclude replace DefaultExcludes instead of
	// extending them.
	NoDefaultExcludes bool `json:"no_default_excludes,omitempty"`
}

// PatternRule sets headers for the files matching Pattern; empty fields
// leave the profile-wide value.
type PatternRule struct {
	Pattern            string            `json:"pattern"`
	ContentType        string            `json:"content_type,omitempty"`
	CacheControl       string            `json:"cache_control,omitempty"`
	ContentDisposition string            `json:"content_disposition,omitempty"`
	StorageClass       string            `json:"storage_class,omitempty"`
	Meta               map[string]string `json:"meta,omitempty"`
}

// DefaultExcludes are what no one means to upload from a folder: version
// control, the desktop's own files, editor and Office lock files and
// unfinished downloads.
var DefaultExcludes = []string{
	".git/", ".svn/", ".hg/",
	".DS_Store", "._*", "Thumbs.db", "desktop.ini",
	"~$*", ".~lock.*#", "*.tmp", "*.swp", "*.crdownload", "*.part",
}

// StorageClasses are the x-cos-storage-class values COS documents for
// PUT Object and Initiate Multipart Upload (doc 436/7749); COS refuses
// others with 400 NotSupportedStorageClass.
var StorageClasses = []string{
	"STANDARD", "STANDARD_IA", "ARCHIVE", "DEEP_ARCHIVE", "INTELLIGENT_TIERING",
	"MAZ_STANDARD", "MAZ_STANDARD_IA", "MAZ_INTELLIGENT_TIERING",
}

// Dispositions are the Content-Disposition values a rule may name.
var Dispositions = []string{"inline", "attachment"}

// MaxMetaBytes bounds all x-cos-meta-* headers of one object together,
// names and values (doc 436/7749: 2 KB).
const MaxMetaBytes = 2 << 10

// Excluded reports whether a file (or, with a trailing slash, a folder)
// at rel inside a dropped or watched folder is left out, and by which
// pattern.
func (r *Rules) Excluded(rel string) (pattern string, ok bool) {
	rel = strings.TrimPrefix(rel, "./")
	for _, p := range r.excludes() {
		if excludeMatch(p, rel) {
			return p, true
		}
	}
	return "", false
}

// excludes is the effective exclude list.
func (r *Rules) excludes() []string {
	if r == nil {
		return DefaultExcludes
	}
	if r.NoDefaultExcludes {
		return r.Exclude
	}
	return append(slices.Clip(DefaultExcludes), r.Exclude...)
}

// excludeMatch matches a .gitignore-like pattern against rel: a folder
// pattern ("x/") any folder on the path, a name pattern any part of the
// path, a path pattern the path or a folder above it.
func excludeMatch(pattern, rel string) bool {
	parts := strings.Split(strings.TrimSuffix(rel, "/"), "/")
	dirs := len(parts) - 1 // parts that are folders
	if strings.HasSuffix(rel, "/") {
		dirs = len(parts)
	}
	p, dirOnly := strings.CutSuffix(pattern, "/")
	if !strings.Contains(p, "/") {
		n := len(parts)
		if dirOnly {
			n = dirs
		}
		for _, part := range parts[:n] {
			if ok, _ := doublestar.Match(p, part); ok {
				return true
			}
		}
		return false
	}
	p = strings.TrimPrefix(p, "/")
	for i := 1; i <= len(parts); i++ {
		if dirOnly && i > dirs {
			break
		}
		if ok, _ := doublestar.Match(p, strings.Join(parts[:i], "/")); ok {
			return true
		}
	}
	return false
}

// headerMatch matches a pattern for headers: a name pattern the file's
// name, a path pattern its whole relative path.
func headerMatch(pattern, rel string) bool {
	if !strings.Contains(pattern, "/") {
		ok, _ := doublestar.Match(pattern, path.Base(rel))
		return ok
	}
	ok, _ := doublestar.Match(strings.TrimPrefix(pattern, "/"), rel)
	return ok
}

// HeadersFor is what the rules give the file at rel (see Rules).
func (r *Rules) HeadersFor(rel string) auth.ObjectHeaders {
	var h auth.ObjectHeaders
	if r == nil {
		return h
	}
	disp := ""
	for _, p := range r.Patterns {
		if !headerMatch(p.Pattern, rel) {
			continue
		}
		h.ContentType = first(h.ContentType, p.ContentType)
		h.CacheControl = first(h.CacheControl, p.CacheControl)
		h.StorageClass = first(h.StorageClass, strings.ToUpper(p.StorageClass))
		disp = first(disp, p.ContentDisposition)
		h.Meta = addMeta(h.Meta, p.Meta)
	}
	h.CacheControl = first(h.CacheControl, r.CacheControl)
	h.StorageClass = first(h.StorageClass, strings.ToUpper(r.StorageClass))
	h.Meta = addMeta(h.Meta, r.Meta)
	if disp = first(disp, r.ContentDisposition); disp != "" {
		h.ContentDisposition = Disposition(strings.ToLower(disp), path.Base(rel))
	}
	return h
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// addMeta adds the names of src that dst lacks, lower-case.
func addMeta(dst, src map[string]string) map[string]string {
	for k, v := range src {
		k = metaName(k)
		if _, ok := dst[k]; ok {
			continue
		}
		if dst == nil {
			dst = map[string]string{}
		}
		dst[k] = v
	}
	return dst
}

// metaName is a metadata name as COS stores it: without the prefix, in
// lower case (doc 436/7749: upper-case letters are turned to lower case).
func metaName(k string) string {
	k = strings.ToLower(k)
	return strings.TrimPrefix(k, auth.MetaPrefix)
}

// Disposition is a Content-Disposition of kind ("inline" or
// "attachment") naming the file: an ASCII filename for old browsers and
// the exact UTF-8 name as filename* (RFC 6266), so a Chinese name
// downloads as itself.
func Disposition(kind, name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	v := kind + `; filename="` + ascii + `"`
	if ascii != name {
		v += "; filename*=UTF-8''" + strings.ReplaceAll(url.PathEscape(name), "+", "%2B")
	}
	return v
}

// Validate reports the first problem with r in plain words (field
// "rules"). A nil r is valid.
func (r *Rules) Validate() error {
	if r == nil {
		return nil
	}
	if err := checkHeaderValues("", "", r.CacheControl, r.ContentDisposition, r.StorageClass); err != nil {
		return err
	}
	total, err := checkMeta(r.Meta)
	if err != nil {
		return err
	}
	for _, p := range r.Patterns {
		if err := checkPattern(p.Pattern); err != nil {
			return err
		}
		if err := checkHeaderValues(p.Pattern, p.ContentType, p.CacheControl, p.ContentDisposition, p.StorageClass); err != nil {
			return err
		}
		n, err := checkMeta(p.Meta)
		if err != nil {
			return err
		}
		total += n
	}
	// The worst case: every pattern matches one file.
	if total > MaxMetaBytes {
		return profileErr("rules", CodeRulesMetaTooLarge, "Bytes", total, "Max", MaxMetaBytes)
	}
	for _, p := range r.Exclude {
		if err := checkPattern(p); err != nil {
			return err
		}
	}
	return nil
}

func checkPattern(p string) error {
	if p == "" || p == "/" || !doublestar.ValidatePattern(strings.TrimSuffix(p, "/")) || strings.ContainsAny(p, "\x00\r\n") {
		return profileErr("rules", CodeRulesPattern, "Value", quote(p))
	}
	return nil
}

func checkHeaderValues(pattern, ctype, cache, disp, class string) error {
	if ctype != "" {
		if _, _, err := mime.ParseMediaType(ctype); err != nil || !printableASCII(ctype) {
			return profileErr("rules", CodeRulesContentType, "Value", quote(ctype))
		}
	}
	if cache != "" && (!printableASCII(cache) || len(cache) > 256) {
		return profileErr("rules", CodeRulesCacheControl, "Value", quote(cache))
	}
	if disp != "" && !contains(Dispositions, strings.ToLower(disp)) {
		return profileErr("rules", CodeRulesDisposition, "Value", quote(disp))
	}
	if class != "" && !contains(StorageClasses, strings.ToUpper(class)) {
		return profileErr("rules", CodeRulesStorageClass, "Value", quote(class), "Choices", strings.Join(StorageClasses, ", "))
	}
	return nil
}

// checkMeta validates metadata names and values and returns their size
// as COS counts it (header names with the prefix, and values).
func checkMeta(m map[string]string) (int, error) {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	size := 0
	for _, k := range names {
		n := metaName(k)
		if !validMetaSuffix(n) {
			return 0, profileErr("rules", CodeRulesMetaName, "Value", quote(k))
		}
		if v := m[k]; !printableASCII(v) && v != "" {
			return 0, profileErr("rules", CodeRulesMetaValue, "Name", quote(k))
		}
		size += len(auth.MetaPrefix) + len(n) + len(m[k])
	}
	return size, nil
}

// validMetaSuffix: doc 436/7749, the suffix of x-cos-meta- takes only
// '-', digits and letters (a-z; upper case is lowered), not '_'.
func validMetaSuffix(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// printableASCII: header values travel as HTTP headers and in signatures;
// other characters are refused rather than mangled on the way.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
