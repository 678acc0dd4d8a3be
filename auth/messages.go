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

// Secret store codes (Error.Code).
const (
	CodeEmptySecret Code = "empty-secret"
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
	probeAllowedPrefix              = "probe-allowed-"
	probeDeniedPrefix               = "probe-denied-"
	placeholderOpen, placeholderEnd = "{{.", "}}"
)

// templates holds the English text of every code. Placeholders are
// {{.Name}}; values that came from the user are quoted by the caller so a
// stray space or control character stays visible.
var templates = map[Code]string{
	CodeKeyringNoBus:     "Fix: this session has no D-Bus session bus (a server, a cron job or an SSH login), so it has no keyring. For a permanent-key profile set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY in the environment; STS and server-signed profiles need the keyring only for a login token.",
	CodeKeyringTimeout:   "Fix: the keyring did not answer in time; unlock it (or restart your desktop session) and try again.",
	CodeKeyringLocked:    "Fix: unlock your keyring (it is locked) and try again.",
	CodeKeyringNoService: "Fix: CosDrop needs a Secret Service (GNOME Keyring or KWallet) running in your desktop session with a D-Bus session bus; install and start gnome-keyring, then log in again.",
	CodeKeyringKeychain:  "Fix: unlock the login keychain in Keychain Access.",
	CodeKeyringCredMan:   "Fix: make sure Windows Credential Manager is available for your account.",
	CodeKeyringNone:      "Fix: this system has no supported keyring.",
	CodeEnvKeyMismatch:   "TENCENTCLOUD_SECRET_ID in the environment ({{.EnvID}}) is not the SecretId of profile {{.Profile}} ({{.ProfileID}}); unset it or fix the profile",
	CodeNoSecretKey:      "profile {{.Profile}} has no SecretKey stored: run 'cosdrop login --profile {{.Profile}}', or on a machine without a keyring set TENCENTCLOUD_SECRET_KEY in the environment",

	CodeEmptySecret: "refusing to store an empty secret",

	CodeFileTooLarge:  "the file is {{.GB}} GB and a server-signed profile uploads each file in one request, which COS limits to 5 GB; ask your administrator for an STS profile (which uploads in parts) or split the file",
	CodeUploadAddress: "the signing server sent an upload address that is not usable or not https ({{.Host}}); only https is allowed except for this computer",

	CodeProbeFailed:            "{{.Action}} did not work",
	CodeProbeNoteNoCredentials: "nothing to probe: the profile has no credentials",
	CodeProbeNoteUnreachable:   "stopped after the first request: COS could not be reached with this profile",
	CodeProbeNoteAbortFailed:   "could not abort the probe's multipart upload of {{.Key}}; remove it in the COS console (upload ID {{.UploadID}})",
	CodeProbeNotePostOnly:      "the signing server offers only form (POST) uploads; CosDrop uses them",
	CodeProbeNotePublicUnset:   "the bucket serves its files to anyone, so plain links open; tick \"Files are public\" in the profile so that Copy link gives them",
	CodeProbeNotePrivateBucket: "the profile says its files are public, but COS refuses to serve them without a signature: plain links will answer AccessDenied; untick \"Files are public\", or make the bucket public-read",
	CodeProbeNoteVersioned:     "versioning is on for this bucket, and COS ignores CosDrop's guard against replacing an object (x-cos-forbid-overwrite) on such buckets: Rename, Skip and Ask do not apply there, so an upload to a name that exists (from this computer or another) replaces the object; COS keeps the older version, so nothing is lost",
	CodeProbeNoteDeleteFailed:  "could not delete the probe object {{.Key}} ({{.Reason}}); it is 24 bytes, remove it in the COS console",
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
	for _, m := range registered {
		if t, ok := m[c]; ok {
			return t
		}
	}
	return string(c)
}

// Codes lists every code, registered ones included, sorted, so a test
// can check that each has a translation.
func Codes() []Code {
	out := make([]Code, 0, len(templates))
	for _, m := range append([]map[Code]string{templates}, registered...) {
		for c := range m {
			out = append(out, c)
		}
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

// NewMessage is the message of code c with parameters given as name,
// value pairs: the profile package words its problems with it.
func NewMessage(c Code, kv ...any) Message { return msg(c, kv...) }

// registered are other packages' template tables (the profile
// package's), kept by reference: their own init functions may still be
// adding to them when they are registered.
var registered []map[Code]string

// RegisterTemplates makes the English templates of another package's
// codes known to Template and Codes. Call it from an init function only:
// the list is not guarded for later writes.
func RegisterTemplates(m map[Code]string) { registered = append(registered, m) }

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

// quote shows a user's value the way the English messages always did.
func quote(s string) string { return fmt.Sprintf("%q", s) }
