package auth

import (
	"regexp"
	"strings"
	"sync"
)

// redacted replaces every secret Redact removes.
const redacted = "[REDACTED]"

// redactRules match secrets by their shape or their label, so text about
// any key (not only ones this process has seen) is cleaned.
var redactRules = []struct {
	re   *regexp.Regexp
	repl string
}{
	// HTTP header lines: Authorization carries q-signature (or a Bearer
	// login token) and x-cos-security-token the session token.
	{regexp.MustCompile(`(?im)^((?:proxy-)?authorization|x-cos-security-token|x-amz-security-token|cookie)([ \t]*:[ \t]*)[^\r\n]*`), "${1}${2}" + redacted},
	// Bearer tokens anywhere (error messages, curl command lines).
	{regexp.MustCompile(`(?i)(\bbearer\s+)[A-Za-z0-9._~+/=\-]{8,}`), "${1}" + redacted},
	// q-signature and the security token in query strings and Authorization
	// values quoted inside other text.
	{regexp.MustCompile(`(?i)(q-signature|x-cos-security-token|x-amz-security-token)(=|%3D)[^\s&"'<>]*`), "${1}${2}" + redacted},
	// JSON fields (STS responses, server-signed responses, config dumps).
	{regexp.MustCompile(`(?i)("(?:tmp_?secret_?key|secret_?key|session_?token|security_?token|x-?cos-?security-?token|token|authorization|q-?signature|signature|login_?token|password)"\s*:\s*)"(?:[^"\\]|\\.)*"`), `${1}"` + redacted + `"`},
	// XML elements (STS XML APIs, debug dumps).
	{regexp.MustCompile(`(?i)<(tmpsecretkey|secretkey|sessiontoken|token|securitytoken)>[^<]*<`), "<${1}>" + redacted + "<"},
	// A secret-like name in any quoting and with any separator, the value
	// quoted or not, closed or cut off: Python's str(dict)
	// ({'tmpSecretKey': '...'}), a JSON body truncated inside a value,
	// YAML, Ruby hashes.
	// An unquoted value is taken for a secret when it is long or has a
	// digit, so prose such as "login token: refused" stays readable.
	{regexp.MustCompile(`(?i)((?:^|[^A-Za-z0-9_])["']?(?:tmp_?secret_?key|secret_?key|session_?token|security_?token|x-cos-security-token|login_?token|access_?token|private_?key|token|q-signature|signature|password|passwd)["']?\s*(?::|=>|=)\s*)(?:"[^"]*"?|'[^']*'?|[^\s,;&'"{}\[\]()<>]{16,}|[^\s,;&'"{}\[\]()<>]*[0-9][^\s,;&'"{}\[\]()<>]*)`), "${1}" + redacted},
	// key=value and key: value in logs, env dumps and Go %+v output.
	{regexp.MustCompile(`(?i)\b((?:tencentcloud_)?(?:tmp_?)?(?:secret_?key|session_?token|security_?token))(\s*[=:]\s*)[^\s&,;"'{}]+`), "${1}${2}" + redacted},
	// Multipart form fields of a POST Object upload.
	{regexp.MustCompile(`(?i)(name="(?:q-signature|x-cos-security-token)"\r?\n(?:[^\r\n]+\r?\n)*\r?\n)[^\r\n]*`), "${1}" + redacted},
}

// known holds secret values this process has handled (SecretKeys read
// from the keyring, STS keys and tokens), so Redact also removes them
// where no label gives them away, e.g. inside an error's text.
var known = struct {
	sync.RWMutex
	vals []string
}{}

// maxKnownSecrets bounds the list; STS refreshes add three values each.
const maxKnownSecrets = 256

// minKnownSecretLen avoids redacting short, common strings.
const minKnownSecretLen = 8

// AddSecret registers a secret value for Redact to remove wherever it
// appears. Values shorter than 8 bytes are ignored.
func AddSecret(v string) {
	if len(v) < minKnownSecretLen {
		return
	}
	known.Lock()
	defer known.Unlock()
	for _, s := range known.vals {
		if s == v {
			return
		}
	}
	if len(known.vals) >= maxKnownSecrets {
		known.vals = known.vals[1:]
	}
	known.vals = append(known.vals, v)
}

// Redact returns s with SecretKeys, session tokens, login tokens,
// Authorization headers and q-signature values replaced by [REDACTED]. Use
// it on anything logged, shown in an error dialog or copied to the
// clipboard.
func Redact(s string) string {
	known.RLock()
	for _, v := range known.vals {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, redacted)
		}
	}
	known.RUnlock()
	for _, r := range redactRules {
		s = r.re.ReplaceAllString(s, r.repl)
	}
	return redactShape(s, longSecretRE)
}

// redactShape replaces the runs re finds that look like a secret.
func redactShape(s string, re *regexp.Regexp) string {
	return re.ReplaceAllStringFunc(s, func(run string) string {
		if LooksLikeSecret(run) {
			return redacted
		}
		return run
	})
}

// longSecretRE finds long base64-ish runs: session tokens are hundreds of
// such characters, and text about files rarely has 48 in a row.
var longSecretRE = regexp.MustCompile(`[A-Za-z0-9+/=_\-]{48,}`)

// wordSecretRE is stricter, for text a server wrote for people (an
// error message): a 20-character mixed-case word there is a key, not a
// word.
var wordSecretRE = regexp.MustCompile(`[A-Za-z0-9+/=_\-]{20,}`)

// redactDetail cleans a server's message for a ServerError's Detail:
// Redact, then every key-shaped word, then the cut.
func redactDetail(s string) string {
	return cut(redactShape(Redact(s), wordSecretRE))
}

// LooksLikeSecret reports whether a long run mixes upper case, lower case
// and digits, as base64 secrets do (hex request and upload IDs do not).
func LooksLikeSecret(run string) bool {
	var upper, lower, digit bool
	for _, r := range run {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	return upper && lower && digit
}
