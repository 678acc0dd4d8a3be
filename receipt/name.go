package receipt

import (
	"path"
	"strings"
	"time"
	"unicode"
)

// Name is the object key of r under prefix:
// <prefix>/YYYY/MM/DD/HHMMSS_<who>_<machine>_<id>.json, in UTC. The date
// folders let a reader list only the days it is asked about (--since), and
// the name alone says when and who, so filtering by person or day needs no
// GET of each object. Newest first is the reverse of COS's listing order.
func Name(prefix string, r Receipt) string {
	who := r.Who.Label
	if who == "" {
		who = r.Who.User
	}
	t := r.Ended.UTC()
	base := t.Format("150405") + "_" + Slug(who) + "_" + Slug(r.Who.Machine) + "_" + Slug(r.ID) + ".json"
	return path.Join(strings.TrimSuffix(prefix, "/"), t.Format("2006/01/02"), base)
}

// DayPrefix is the listing prefix of one UTC day under prefix.
func DayPrefix(prefix string, day time.Time) string {
	return path.Join(strings.TrimSuffix(prefix, "/"), day.UTC().Format("2006/01/02")) + "/"
}

// Entry is what a receipt's object name says, before its body is read.
type Entry struct {
	Key     string
	Ended   time.Time
	Who     string // the slug of the label (or user)
	Machine string // the slug of the machine name
	ID      string
}

// ParseName reads an object key written by Name. ok is false for any
// other key under the prefix (a foreign object).
func ParseName(prefix, key string) (e Entry, ok bool) {
	rest := key
	if p := strings.Trim(prefix, "/"); p != "" {
		var found bool
		if rest, found = strings.CutPrefix(key, p+"/"); !found {
			return Entry{}, false
		}
	}
	if len(rest) < len("2006/01/02/150405_a_b_c.json") {
		return Entry{}, false
	}
	day, base := rest[:10], rest[11:]
	stem, isJSON := strings.CutSuffix(base, ".json")
	parts := strings.Split(stem, "_")
	if !isJSON || rest[10] != '/' || len(parts) != 4 {
		return Entry{}, false
	}
	t, err := time.Parse("2006/01/02 150405", day+" "+parts[0])
	if err != nil {
		return Entry{}, false
	}
	return Entry{Key: key, Ended: t, Who: parts[1], Machine: parts[2], ID: parts[3]}, true
}

// Slug makes s safe as one part of an object name: letters (any script,
// lower-cased: a label may well be 张三), digits, '.' and '-' kept, every
// other run of characters one '-', at most 32 characters. "" becomes
// "unknown". A reader compares --who by its slug.
func Slug(s string) string {
	var b strings.Builder
	dash, n := false, 0
	for _, c := range strings.ToLower(s) {
		if n >= 32 {
			break
		}
		switch {
		case unicode.IsLetter(c) || unicode.IsDigit(c) || c == '.' || c == '-':
			b.WriteRune(c)
			dash = false
			n++
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
			n++
		}
	}
	out := strings.Trim(b.String(), "-.")
	if out == "" {
		return "unknown"
	}
	return out
}
