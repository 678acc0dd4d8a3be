package auth

import (
	"fmt"
	"sort"
	"strings"
)

// Code identifies a message auth shows to people: a profile problem, a
// probe result, a probe note. Codes are stable, so callers may switch on
// them; each has one English template, which is also its translation key
// in assets/translations/auth.<lang>.json. auth imports no translation
// layer (it must not import Fyne): the GUI and CLI translate through
// Message.Localize, once, at the edge.
type Code string

// Profile validation codes (ProfileError.Code).
const (
	CodeNameMissing          Code = "name-missing"
	CodeNameTooLong          Code = "name-too-long"
	CodeNameSpace            Code = "name-space"
	CodeNameChars            Code = "name-chars"
	CodeNameControl          Code = "name-control"
	CodeModeMissing          Code = "mode-missing"
	CodeModeUnknown          Code = "mode-unknown"
	CodeBucketInvalid        Code = "bucket-invalid"
	CodeRegionInvalid        Code = "region-invalid"
	CodeURLInvalid           Code = "url-invalid"
	CodeURLUserinfo          Code = "url-userinfo"
	CodeURLPlainHTTP         Code = "url-plain-http"
	CodeURLSecretQuery       Code = "url-secret-query"
	CodePrefixSlash          Code = "prefix-slash"
	CodePrefixTooLong        Code = "prefix-too-long"
	CodePrefixUTF8           Code = "prefix-utf8"
	CodePrefixPlaceholder    Code = "prefix-placeholder"
	CodeConflictUnknown      Code = "conflict-unknown"
	CodeSecretIDMissing      Code = "secret-id-missing"
	CodeSecretIDInvalid      Code = "secret-id-invalid"
	CodeSecretIDUnused       Code = "secret-id-unused"
	CodeCredentialURLMissing Code = "credential-url-missing"
	CodeCredentialURLUnused  Code = "credential-url-unused"
	CodeSignSettingsUnused   Code = "sign-settings-unused"
	CodeSignMethodUnknown    Code = "sign-method-unknown"
	CodeURLFragment          Code = "url-fragment"
	CodeURLQuery             Code = "url-query"
	CodeProxyInvalid         Code = "proxy-invalid"
	CodeProxyPassword        Code = "proxy-password"
	CodeProxyNoPassword      Code = "proxy-no-password"
)

// Upload rule codes (Profile.Rules; ProfileError.Field "rules").
const (
	CodeRulesPattern      Code = "rules-pattern"
	CodeRulesContentType  Code = "rules-content-type"
	CodeRulesCacheControl Code = "rules-cache-control"
	CodeRulesDisposition  Code = "rules-disposition"
	CodeRulesStorageClass Code = "rules-storage-class"
	CodeRulesMetaName     Code = "rules-meta-name"
	CodeRulesMetaValue    Code = "rules-meta-value"
	CodeRulesMetaTooLarge Code = "rules-meta-too-large"
)

// Keyring codes (KeyringError.Message): what the user can do.
const (
	CodeKeyringNoBus     Code = "keyring-no-bus"
	CodeKeyringTimeout   Code = "keyring-timeout"
	CodeKeyringLocked    Code = "keyring-locked"
	CodeKeyringNoService Code = "keyring-no-service"
	CodeKeyringKeychain  Code = "keyring-keychain"
	CodeKeyringCredMan   Code = "keyring-credman"
	CodeKeyringNone      Code = "keyring-none"
	CodeEnvKeyMismatch   Code = "env-key-mismatch"
	CodeNoSecretKey      Code = "no-secret-key"
)

// Profile list and secret store codes (Error.Code).
const (
	CodeConfigNoDir    Code = "config-no-dir"
	CodeProfilesRead   Code = "profiles-read"
	CodeProfilesBroken Code = "profiles-broken"
	CodeNoProfile      Code = "no-profile"
	CodeEmptySecret    Code = "empty-secret"
)

// Upload codes of the server-signed path (Error.Code).
const (
	CodeFileTooLarge  Code = "file-too-large-single"
	CodeUploadAddress Code = "sign-upload-address"
)

// Error is an auth failure with a stable code, which the session layer
// words with Message.Localize, and an underlying error for errors.Is.
type Error struct {
	Message
	Err error
}

// Error is the English text, for logs.
func (e *Error) Error() string { return e.Message.String() }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Profile file (import) codes.
const (
	CodeImportTooLarge Code = "import-too-large"
	CodeImportNotJSON  Code = "import-not-json"
	CodeImportSecret   Code = "import-secret"
	CodeImportInvalid  Code = "import-invalid"
	CodeImportFormat   Code = "import-format"
	CodeImportVersion  Code = "import-version"
)

// Probe codes: one allowed and one denied code per probed action
// (ProbeCode), a failure code, and the notes.
const (
	CodeProbeFailed            Code = "probe-failed"
	CodeProbeNoteNoCredentials Code = "probe-note-no-credentials"
	CodeProbeNoteUnreachable   Code = "probe-note-unreachable"
	CodeProbeNoteAbortFailed   Code = "probe-note-abort-failed"
	CodeProbeNoteDeleteFailed  Code = "probe-note-delete-failed"
	CodeProbeNotePostOnly      Code = "probe-note-post-only"
	CodeProbeNotePublicUnset   Code = "probe-note-public-unset"
	CodeProbeNotePrivateBucket Code = "probe-note-private-bucket"
	CodeProbeNoteVersioned     Code = "probe-note-versioned"
)

const (
	// Field names double as codes, so {{.Field}} is translated too.
	fieldEndpoint      Code = "endpoint"
	fieldCredentialURL Code = "credential-url"
	fieldPutSignURL    Code = "put-sign-url"
	fieldPostPolicyURL Code = "post-policy-url"

	probeAllowedPrefix              = "probe-allowed-"
	probeDeniedPrefix               = "probe-denied-"
	placeholderOpen, placeholderEnd = "{{.", "}}"
)

// templates holds the English text of every code. Placeholders are
// {{.Name}}; values that came from the user are quoted by the caller so a
// stray space or control character stays visible.
var templates = map[Code]string{
	CodeNameMissing:          "profile name is missing",
	CodeNameTooLong:          "profile name is longer than {{.Max}} characters",
	CodeNameSpace:            "profile name {{.Value}} starts or ends with a space",
	CodeNameChars:            `profile name {{.Value}} contains /, \ or : characters`,
	CodeNameControl:          "profile name {{.Value}} contains a control character",
	CodeModeMissing:          "mode is missing: choose permanent, sts or server-signed",
	CodeModeUnknown:          "mode {{.Value}} is unknown: choose permanent, sts or server-signed",
	CodeBucketInvalid:        "bucket {{.Value}} is not of the form name-APPID (for example examplebucket-1250000000)",
	CodeRegionInvalid:        "region {{.Value}} is not a COS region (for example ap-guangzhou)",
	CodeURLInvalid:           "{{.Field}} {{.Value}} is not an http(s) URL",
	CodeURLUserinfo:          "{{.Field}} must not contain a user name or password; use 'cosdrop login' for a login token",
	CodeURLPlainHTTP:         "{{.Field}} {{.Value}} uses plain http on a non-local host; use https (http is only allowed for 127.0.0.1, ::1 and localhost)",
	CodeURLSecretQuery:       "{{.Field}} carries a secret in its query ({{.Param}}); use 'cosdrop login' for a login token",
	CodePrefixSlash:          "prefix {{.Value}} must not start with /",
	CodePrefixTooLong:        "prefix is longer than 512 bytes",
	CodePrefixUTF8:           "prefix is not valid UTF-8",
	CodePrefixPlaceholder:    "prefix placeholder {{.Value}} is unknown: use {{.Known}}",
	CodeConflictUnknown:      "on-conflict {{.Value}} is unknown: choose {{.Choices}}",
	CodeSecretIDMissing:      "The SecretId is missing: a permanent-key profile needs it (the SecretKey is kept in the system keyring, never in the profile)",
	CodeSecretIDInvalid:      "secret-id {{.Value}} does not look like a SecretId (8-128 letters, digits, - or _)",
	CodeSecretIDUnused:       "secret-id is only used by permanent-key profiles, not {{.Mode}}",
	CodeCredentialURLMissing: "The credential server address is missing: a {{.Mode}} profile needs the organisation's URL",
	CodeCredentialURLUnused:  "credential-url is only used by sts and server-signed profiles",
	CodeSignSettingsUnused:   "put-sign-url, post-policy-url and sign-method are only used by server-signed profiles",
	CodeSignMethodUnknown:    "sign-method {{.Value}} is unknown: choose put or post, or leave it empty to let the server decide",
	CodeURLFragment:          "{{.Field}} must not have a #fragment: it can carry a secret and a server never sees it",
	CodeURLQuery:             "{{.Field}} must not have a query (?...): COS endpoints take none, and a query can carry a signature or token",
	CodeProxyInvalid:         "proxy {{.Value}} is not a proxy URL: use http://host:port, https://host:port or socks5://host:port, 'direct', or leave it empty to use the environment",
	CodeProxyNoPassword:      "the proxy of profile {{.Profile}} names the user {{.User}} but no proxy password is stored in the OS keyring",
	CodeProxyPassword:        "proxy must not contain a password: put only the user name in the URL (http://user@host:port); CosDrop reads the password from the OS keyring",

	CodeRulesPattern:      "upload rules: the pattern {{.Value}} is not a valid file pattern (use *, ?, ** and [a-z], e.g. *.jpg or photos/**)",
	CodeRulesContentType:  "upload rules: the content type {{.Value}} is not a media type such as image/png or text/plain; charset=utf-8",
	CodeRulesCacheControl: "upload rules: the Cache-Control value {{.Value}} must be plain ASCII text of at most 256 characters, e.g. max-age=86400",
	CodeRulesDisposition:  "upload rules: the content disposition {{.Value}} is unknown: choose inline (open in the browser) or attachment (download)",
	CodeRulesStorageClass: "upload rules: the storage class {{.Value}} is not one COS offers: choose {{.Choices}}",
	CodeRulesMetaName:     "upload rules: the metadata name {{.Value}} may contain only letters, digits and '-' (COS refuses others, even '_')",
	CodeRulesMetaValue:    "upload rules: the metadata {{.Name}} has a value that is not plain ASCII text; COS sends metadata as HTTP headers",
	CodeRulesMetaTooLarge: "upload rules: the metadata take {{.Bytes}} bytes when every pattern matches; COS allows {{.Max}} bytes per file",

	CodeKeyringNoBus:     "Fix: this session has no D-Bus session bus (a server, a cron job or an SSH login), so it has no keyring. For a permanent-key profile set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY in the environment; STS and server-signed profiles need the keyring only for a login token.",
	CodeKeyringTimeout:   "Fix: the keyring did not answer in time; unlock it (or restart your desktop session) and try again.",
	CodeKeyringLocked:    "Fix: unlock your keyring (it is locked) and try again.",
	CodeKeyringNoService: "Fix: CosDrop needs a Secret Service (GNOME Keyring or KWallet) running in your desktop session with a D-Bus session bus; install and start gnome-keyring, then log in again.",
	CodeKeyringKeychain:  "Fix: unlock the login keychain in Keychain Access.",
	CodeKeyringCredMan:   "Fix: make sure Windows Credential Manager is available for your account.",
	CodeKeyringNone:      "Fix: this system has no supported keyring.",
	CodeEnvKeyMismatch:   "TENCENTCLOUD_SECRET_ID in the environment ({{.EnvID}}) is not the SecretId of profile {{.Profile}} ({{.ProfileID}}); unset it or fix the profile",
	CodeNoSecretKey:      "profile {{.Profile}} has no SecretKey stored: run 'cosdrop login --profile {{.Profile}}', or on a machine without a keyring set TENCENTCLOUD_SECRET_KEY in the environment",

	CodeConfigNoDir:    "no configuration directory: $HOME is not set (set {{.Env}})",
	CodeProfilesRead:   "cannot read the profile list {{.Path}}: {{.Reason}}",
	CodeProfilesBroken: "the profile list {{.Path}} is damaged: {{.Reason}} (fix or remove the file)",
	CodeNoProfile:      "profile {{.Name}}: no such profile",
	CodeEmptySecret:    "refusing to store an empty secret",

	CodeFileTooLarge:  "the file is {{.GB}} GB and a server-signed profile uploads each file in one request, which COS limits to 5 GB; ask your administrator for an STS profile (which uploads in parts) or split the file",
	CodeUploadAddress: "the signing server sent an upload address that is not usable or not https ({{.Host}}); only https is allowed except for this computer",

	CodeImportTooLarge: "profile file is larger than {{.KB}} KB; it is not a CosDrop profile",
	CodeImportNotJSON:  "profile file is not valid JSON: {{.Reason}}",
	CodeImportSecret:   "profile file contains a secret ({{.Fields}}): ask your administrator for an export made with 'cosdrop profile export', and treat that key as leaked",
	CodeImportInvalid:  "profile file: {{.Reason}}",
	CodeImportFormat:   "not a CosDrop profile file (format {{.Value}}, want {{.Want}})",
	CodeImportVersion:  "profile file version {{.Version}} is newer than this CosDrop understands; update CosDrop",

	CodeProbeFailed:            "{{.Action}} did not work",
	CodeProbeNoteNoCredentials: "nothing to probe: the profile has no credentials",
	CodeProbeNoteUnreachable:   "stopped after the first request: COS could not be reached with this profile",
	CodeProbeNoteAbortFailed:   "could not abort the probe's multipart upload of {{.Key}}; remove it in the COS console (upload ID {{.UploadID}})",
	CodeProbeNotePostOnly:      "the signing server offers only form (POST) uploads; CosDrop uses them",
	CodeProbeNotePublicUnset:   "the bucket serves its files to anyone, so plain links open; tick \"Files are public\" in the profile so that Copy link gives them",
	CodeProbeNotePrivateBucket: "the profile says its files are public, but COS refuses to serve them without a signature: plain links will answer AccessDenied; untick \"Files are public\", or make the bucket public-read",
	CodeProbeNoteVersioned:     "versioning is on for this bucket, and COS ignores CosDrop's guard against replacing an object (x-cos-forbid-overwrite) on such buckets: Rename, Skip and Ask do not apply there, so an upload to a name that exists (from this computer or another) replaces the object; COS keeps the older version, so nothing is lost",
	CodeProbeNoteDeleteFailed:  "could not delete the probe object {{.Key}} ({{.Reason}}); it is 24 bytes, remove it in the COS console",

	// Field names inside {{.Field}}: translated like any other text.
	fieldEndpoint:      "endpoint",
	fieldCredentialURL: "credential-url",
	fieldPutSignURL:    "put-sign-url",
	fieldPostPolicyURL: "post-policy-url",
}

// serverWords are the English texts of ServerError kinds; "SERVER" is
// replaced by the party's name, giving one code per server and kind
// (ServerError.Message).
var serverWords = map[ServerErrorKind]string{
	KindUnreachable:  "SERVER {{.Host}} cannot be reached: {{.Detail}}. CosDrop tries again on its own.",
	KindTimeout:      "SERVER {{.Host}} accepted the connection but gave no answer within 15 seconds, so CosDrop stopped waiting. It may be overloaded or down: try again later, or ask your administrator.",
	KindHTTPStatus:   "SERVER {{.Host}} answered HTTP {{.Status}} {{.Detail}}; check the URL in the profile, or ask your administrator.",
	KindUnauthorized: "SERVER {{.Host}} refused the login token (HTTP {{.Status}}) {{.Detail}}; log in again with 'cosdrop login'.",
	KindHTML:         "SERVER {{.Host}} answered an HTML page, not JSON: the URL in the profile points to a web page (a login portal?), not to the server.",
	KindNotJSON:      "SERVER {{.Host}} answered something that is not JSON; check the URL in the profile, or ask your administrator.",
	KindEmpty:        "SERVER {{.Host}} answered with an empty body; ask your administrator to check it.",
	KindTooLarge:     "SERVER {{.Host}} answered with more than 1 MB; the URL in the profile does not point to the server.",
	KindExpired:      "SERVER {{.Host}} handed out credentials that have already expired ({{.Detail}}): its clock or this computer's is wrong.",
	KindIncomplete:   "SERVER {{.Host}} answered without what CosDrop needs ({{.Detail}}); ask your administrator to check it.",
	KindRefused:      "SERVER {{.Host}} refused: {{.Detail}}",
	KindTooBig:       "SERVER {{.Host}} does not allow this file's size: {{.Detail}}",
	KindTypeRefused:  "SERVER {{.Host}} does not allow this type of file: {{.Detail}}",
}

// serverNames are the English names that replace SERVER.
var serverNames = map[string]string{ServerSTS: "The credential server", ServerSign: "The signing server"}

func init() {
	for kind, w := range serverWords {
		for server, name := range serverNames {
			templates[Code("server-"+server+"-"+string(kind))] = strings.Replace(w, "SERVER", name, 1)
		}
	}
	for action, w := range probeWords {
		templates[ProbeCode(action, Allowed)] = w[0]
		templates[ProbeCode(action, Denied)] = w[1]
	}
}

// Template is the English text of c with its {{.Name}} placeholders: the
// key to translate. An unknown code is its own template.
func (c Code) Template() string {
	if t, ok := templates[c]; ok {
		return t
	}
	return string(c)
}

// Codes lists every code, sorted, so a test can check that each has a
// translation.
func Codes() []Code {
	out := make([]Code, 0, len(templates))
	for c := range templates {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// ProbeCode is the code of a probed action's outcome; Failed has one code
// for every action (the action is a parameter).
func ProbeCode(action string, s ProbeStatus) Code {
	switch s {
	case Allowed:
		return Code(probeAllowedPrefix + action)
	case Denied:
		return Code(probeDeniedPrefix + action)
	}
	return CodeProbeFailed
}

// Translator translates an English template (the key in the catalogues)
// and fills its placeholders from params. ui.T has this shape.
type Translator func(template string, params map[string]any) string

// Message is one user-facing text: a code and its parameters.
type Message struct {
	Code   Code
	Params map[string]any
}

func msg(c Code, kv ...any) Message {
	m := Message{Code: c}
	if len(kv) > 0 {
		m.Params = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m.Params[kv[i].(string)] = kv[i+1]
		}
	}
	return m
}

// String is the English text, for logs and English-only callers.
func (m Message) String() string { return render(m.Code.Template(), m.Params) }

// Localize renders m with tr. A {{.Field}} parameter names a profile field
// and is translated as well.
func (m Message) Localize(tr Translator) string {
	params := m.Params
	if f, ok := params["Field"].(string); ok {
		params = make(map[string]any, len(m.Params))
		for k, v := range m.Params {
			params[k] = v
		}
		params["Field"] = tr(Code(f).Template(), nil)
	}
	return tr(m.Code.Template(), params)
}

// render fills {{.Name}} placeholders without text/template: a value is
// shown as is, and a template can never fail to render.
func render(tmpl string, params map[string]any) string {
	if len(params) == 0 {
		return tmpl
	}
	pairs := make([]string, 0, 2*len(params))
	for k, v := range params {
		pairs = append(pairs, placeholderOpen+k+placeholderEnd, fmt.Sprint(v))
	}
	return strings.NewReplacer(pairs...).Replace(tmpl)
}

// ProfileError is a problem with a profile or a profile file: which field
// (empty when the whole file is wrong), a stable code and the values the
// message names. Error is English; Localize gives the user's language.
type ProfileError struct {
	Field string
	Message
	// Err is the underlying error, if any (ErrSecretInProfile, a JSON
	// error); Unwrap returns it.
	Err error
}

// Error is the English text, for logs; the UI and CLI show Localize's.
func (e *ProfileError) Error() string { return e.Message.String() }

// Unwrap returns the underlying error, so errors.Is(err, ErrSecretInProfile) works.
func (e *ProfileError) Unwrap() error { return e.Err }

func profileErr(field string, c Code, kv ...any) *ProfileError {
	return &ProfileError{Field: field, Message: msg(c, kv...)}
}

// quote shows a user's value the way the English messages always did.
func quote(s string) string { return fmt.Sprintf("%q", s) }
