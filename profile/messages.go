package profile

import (
	"fmt"

	"cosdrop/auth"
)

// Profile validation codes (Error.Code).
const (
	CodeNameMissing          auth.Code = "name-missing"
	CodeNameTooLong          auth.Code = "name-too-long"
	CodeNameSpace            auth.Code = "name-space"
	CodeNameChars            auth.Code = "name-chars"
	CodeNameControl          auth.Code = "name-control"
	CodeModeMissing          auth.Code = "mode-missing"
	CodeModeUnknown          auth.Code = "mode-unknown"
	CodeBucketInvalid        auth.Code = "bucket-invalid"
	CodeRegionInvalid        auth.Code = "region-invalid"
	CodeURLInvalid           auth.Code = "url-invalid"
	CodeURLUserinfo          auth.Code = "url-userinfo"
	CodeURLPlainHTTP         auth.Code = "url-plain-http"
	CodeURLSecretQuery       auth.Code = "url-secret-query"
	CodePrefixSlash          auth.Code = "prefix-slash"
	CodePrefixTooLong        auth.Code = "prefix-too-long"
	CodePrefixUTF8           auth.Code = "prefix-utf8"
	CodePrefixPlaceholder    auth.Code = "prefix-placeholder"
	CodeConflictUnknown      auth.Code = "conflict-unknown"
	CodeSecretIDMissing      auth.Code = "secret-id-missing"
	CodeSecretIDInvalid      auth.Code = "secret-id-invalid"
	CodeSecretIDUnused       auth.Code = "secret-id-unused"
	CodeCredentialURLMissing auth.Code = "credential-url-missing"
	CodeCredentialURLUnused  auth.Code = "credential-url-unused"
	CodeSignSettingsUnused   auth.Code = "sign-settings-unused"
	CodeSignMethodUnknown    auth.Code = "sign-method-unknown"
	CodeURLFragment          auth.Code = "url-fragment"
	CodeURLQuery             auth.Code = "url-query"
	CodeProxyInvalid         auth.Code = "proxy-invalid"
	CodeProxyPassword        auth.Code = "proxy-password"
	CodeProxyNoPassword      auth.Code = "proxy-no-password"
)

// Upload rule codes (Profile.Rules; Error.Field "rules").
const (
	CodeRulesPattern      auth.Code = "rules-pattern"
	CodeRulesContentType  auth.Code = "rules-content-type"
	CodeRulesCacheControl auth.Code = "rules-cache-control"
	CodeRulesDisposition  auth.Code = "rules-disposition"
	CodeRulesStorageClass auth.Code = "rules-storage-class"
	CodeRulesMetaName     auth.Code = "rules-meta-name"
	CodeRulesMetaValue    auth.Code = "rules-meta-value"
	CodeRulesMetaTooLarge auth.Code = "rules-meta-too-large"
)

// Profile list codes (Error.Code).
const (
	CodeConfigNoDir    auth.Code = "config-no-dir"
	CodeProfilesRead   auth.Code = "profiles-read"
	CodeProfilesBroken auth.Code = "profiles-broken"
	CodeNoProfile      auth.Code = "no-profile"
)

// Profile file (import) codes.
const (
	CodeImportTooLarge auth.Code = "import-too-large"
	CodeImportNotJSON  auth.Code = "import-not-json"
	CodeImportSecret   auth.Code = "import-secret"
	CodeImportInvalid  auth.Code = "import-invalid"
	CodeImportFormat   auth.Code = "import-format"
	CodeImportVersion  auth.Code = "import-version"
)
const (
	// Field names double as codes, so {{.Field}} is translated too.
	fieldEndpoint      auth.Code = "endpoint"
	fieldCredentialURL auth.Code = "credential-url"
	fieldPutSignURL    auth.Code = "put-sign-url"
	fieldPostPolicyURL auth.Code = "post-policy-url"
)

// templates holds the English text of every profile code; init hands
// them to auth, whose Code.Template looks them up.
var templates = map[auth.Code]string{
	CodeNameMissing:          "profile name is missing",
	CodeNameTooLong:          "profile name is longer than {{.Max}} characters",
	CodeNameSpace:            "profile name {{.Value}} starts or ends with a space",
	CodeNameChars:            `profile name {{.Value}} contains /, \ or : characters`,
	CodeNameControl:          "profile name {{.Value}} contains a control character",
	CodeModeMissing:          "mode is missing: choose {{.Choices}}",
	CodeModeUnknown:          "mode {{.Value}} is unknown: choose {{.Choices}}",
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
	CodeRulesPattern:         "upload rules: the pattern {{.Value}} is not a valid file pattern (use *, ?, ** and [a-z], e.g. *.jpg or photos/**)",
	CodeRulesContentType:     "upload rules: the content type {{.Value}} is not a media type such as image/png or text/plain; charset=utf-8",
	CodeRulesCacheControl:    "upload rules: the Cache-Control value {{.Value}} must be plain ASCII text of at most 256 characters, e.g. max-age=86400",
	CodeRulesDisposition:     "upload rules: the content disposition {{.Value}} is unknown: choose inline (open in the browser) or attachment (download)",
	CodeRulesStorageClass:    "upload rules: the storage class {{.Value}} is not one COS offers: choose {{.Choices}}",
	CodeRulesMetaName:        "upload rules: the metadata name {{.Value}} may contain only letters, digits and '-' (COS refuses others, even '_')",
	CodeRulesMetaValue:       "upload rules: the metadata {{.Name}} has a value that is not plain ASCII text; COS sends metadata as HTTP headers",
	CodeRulesMetaTooLarge:    "upload rules: the metadata take {{.Bytes}} bytes when every pattern matches; COS allows {{.Max}} bytes per file",
	CodeConfigNoDir:          "no configuration directory: $HOME is not set (set {{.Env}})",
	CodeProfilesRead:         "cannot read the profile list {{.Path}}: {{.Reason}}",
	CodeProfilesBroken:       "the profile list {{.Path}} is damaged: {{.Reason}} (fix or remove the file)",
	CodeNoProfile:            "profile {{.Name}}: no such profile",
	CodeImportTooLarge:       "profile file is larger than {{.KB}} KB; it is not a CosDrop profile",
	CodeImportNotJSON:        "profile file is not valid JSON: {{.Reason}}",
	CodeImportSecret:         "profile file contains a secret ({{.Fields}}): ask your administrator for an export made with 'cosdrop profile export', and treat that key as leaked",
	CodeImportInvalid:        "profile file: {{.Reason}}",
	CodeImportFormat:         "not a CosDrop profile file (format {{.Value}}, want {{.Want}})",
	CodeImportVersion:        "profile file version {{.Version}} is newer than this CosDrop understands; update CosDrop",
	// Field names inside {{.Field}}: translated like any other text.
	fieldEndpoint:      "endpoint",
	fieldCredentialURL: "credential-url",
	fieldPutSignURL:    "put-sign-url",
	fieldPostPolicyURL: "post-policy-url",
}

// Error is a problem with a profile or a profile file: which field
// (empty when the whole file is wrong), a stable code and the values the
// message names. Error is English; Localize gives the user's language.
type Error struct {
	Field string
	auth.Message
	// Err is the underlying error, if any (ErrSecretInProfile, a JSON
	// error); Unwrap returns it.
	Err error
}

// Error is the English text, for logs; the UI and CLI show Localize's.
func (e *Error) Error() string { return e.Message.String() }

// Unwrap returns the underlying error, so errors.Is(err, ErrSecretInProfile) works.
func (e *Error) Unwrap() error { return e.Err }

func profileErr(field string, c auth.Code, kv ...any) *Error {
	return &Error{Field: field, Message: auth.NewMessage(c, kv...)}
}

// quote shows a user's value the way the English messages always did.
func quote(s string) string { return fmt.Sprintf("%q", s) }

// msg is auth.NewMessage, short for the many call sites.
func msg(c auth.Code, kv ...any) auth.Message { return auth.NewMessage(c, kv...) }

func init() { auth.RegisterTemplates(templates) }
