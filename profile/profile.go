package profile

import (
	"cosdrop/receipt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"cosdrop/auth"
)

// Profile is what a user picks in the app: where files go and how the app
// proves it may put them there. A Profile never holds a secret: SecretID is
// an identifier (it appears in every request's Authorization header), the
// SecretKey and any login token live in a SecretStore.
type Profile struct {
	Name       string `json:"name"`
	Bucket     string `json:"bucket,omitempty"`   // "<name>-<appid>"
	Region     string `json:"region,omitempty"`   // e.g. "ap-guangzhou"
	Endpoint   string `json:"endpoint,omitempty"` // custom/accelerate domain or local server; overrides the default host
	Prefix     string `json:"prefix,omitempty"`   // key prefix template: {date} {yyyy} {mm} {dd} {filename} {relpath}
	OnConflict string `json:"on_conflict,omitempty"`
	Mode       Mode   `json:"mode"`
	// SecretID is the permanent key's id (ModePermanent only).
	SecretID string `json:"secret_id,omitempty"`
	// CredentialURL is the STS endpoint (ModeSTS) or the signing server's
	// base URL (ModeServerSigned).
	CredentialURL string `json:"credential_url,omitempty"`
	// PutSignURL and PostPolicyURL override the signing server's
	// endpoints (default CredentialURL + "/put-sign" and "/post-policy").
	// ModeServerSigned only.
	PutSignURL    string `json:"put_sign_url,omitempty"`
	PostPolicyURL string `json:"post_policy_url,omitempty"`
	// SignMethod forces PUT or POST uploads; empty asks put-sign first and
	// uses POST when the server offers only post-policy.
	SignMethod auth.SignMethod `json:"sign_method,omitempty"`
	// Proxy is the profile's proxy: http://, https:// or socks5://
	// host:port, with at most a user name (the password lives in the
	// keyring, ProxyAccount); "direct" for none; empty to follow the
	// environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).
	Proxy string `json:"proxy,omitempty"`
	// LinkTemplate is the link "Copy link" and `upload --links` give for
	// an uploaded file (LinkPlaceholders); empty means {url}.
	LinkTemplate string `json:"link_template,omitempty"`
	// Rules are the upload rules (headers, storage class, excludes); nil
	// means the defaults (profile/rules.go).
	Rules *Rules `json:"rules,omitempty"`
	// WatchFolders are local folders whose new and changed files are
	// uploaded once they settle (`cosdrop watch`, and the window while it
	// runs); full paths.
	WatchFolders []string `json:"watch_folders,omitempty"`
	// ProposedWatchFolders are watch folders a profile file brought in:
	// never watched until the user confirms each (ConfirmWatchFolder), as
	// a forged profile file could otherwise start uploading a folder the
	// moment it is imported.
	ProposedWatchFolders []string `json:"proposed_watch_folders,omitempty"`
	// PasteName names a pasted image's key under the prefix (auth/pastename.go);
	// "" is DefaultPasteName.
	PasteName string `json:"paste_name,omitempty"`
	// BandwidthSchedule is the app-wide upload limit the admin sets, as a
	// timetable ("mon-fri 08:00-19:00 2MiB/s; otherwise unlimited", see
	// profile/bwschedule.go); "" leaves the limit to the user.
	BandwidthSchedule string `json:"bandwidth_schedule,omitempty"`
	// PublicRead says the bucket's files can be read by anyone (a
	// public-read bucket, or a CDN in front of it), so plain links open.
	// COS buckets are private by default: there a plain link answers
	// AccessDenied, and the window offers a share link instead.
	PublicRead bool `json:"public_read,omitempty"`
	// ReceiptsPrefix is where each drop's receipt is written in the
	// bucket (package receipt), e.g. ".cosdrop/receipts/"; "" writes none.
	// A support profile reads receipts from the same prefix.
	ReceiptsPrefix string `json:"receipts_prefix,omitempty"`
	// ReceiptsWho is the sender's label in receipts (the admin sets it per
	// person or team); the OS user and machine name are always recorded.
	ReceiptsWho string `json:"receipts_who,omitempty"`
	// ReceiptsPaths says how much of a local path a receipt carries: full,
	// names or none; "" is names.
	ReceiptsPaths receipt.Paths `json:"receipts_paths,omitempty"`
}

// SignConfig is where p's signing server answers.
func (p Profile) SignConfig() auth.SignConfig {
	return auth.SignConfig{Base: p.CredentialURL, PutSignURL: p.PutSignURL, PostPolicyURL: p.PostPolicyURL, Method: p.SignMethod}
}

var (
	bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*-[0-9]{4,}$`)
	regionRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// secretIDRE is loose on purpose: Tencent ids start with AKID but
	// sub-accounts, CAM roles and local servers use other shapes.
	secretIDRE     = regexp.MustCompile(`^[A-Za-z0-9_\-]{8,128}$`)
	placeholderRE  = regexp.MustCompile(`\{[^{}]*\}`)
	knownTemplates = []string{"{date}", "{yyyy}", "{mm}", "{dd}", "{filename}", "{relpath}"}
)

// maxNameLen keeps names usable as keyring accounts and file names.
const maxNameLen = 64

// Validate reports the first problem with p in plain words, naming the
// field, so the CLI and the GUI can show it as is.
func (p Profile) Validate() error {
	if err := ValidateName(p.Name); err != nil {
		return err
	}
	spec, known := ModeOf(p.Mode)
	switch {
	case p.Mode == "":
		return profileErr("mode", CodeModeMissing, "Choices", strings.Join(ModeNames(), ", "))
	case !known:
		return profileErr("mode", CodeModeUnknown, "Value", quote(string(p.Mode)), "Choices", strings.Join(ModeNames(), ", "))
	}
	// Server-signed uploads go wherever the server says; bucket and region
	// are then only informative and may be empty.
	if spec.Signs != SignsByServer || p.Bucket != "" || p.Region != "" {
		if !bucketRE.MatchString(p.Bucket) {
			return profileErr("bucket", CodeBucketInvalid, "Value", quote(p.Bucket))
		}
		if (p.Endpoint == "" || p.Region != "") && !regionRE.MatchString(p.Region) {
			return profileErr("region", CodeRegionInvalid, "Value", quote(p.Region))
		}
	}
	if p.Endpoint != "" {
		if err := checkURL(fieldEndpoint, p.Endpoint, false); err != nil {
			return err
		}
	}
	if err := checkPrefix(p.Prefix); err != nil {
		return err
	}
	if err := checkProxy(p.Proxy); err != nil {
		return err
	}
	if err := checkLinkTemplate(p.LinkTemplate); err != nil {
		return err
	}
	if err := p.Rules.Validate(); err != nil {
		return err
	}
	if err := checkWatchFolders(append(slices.Clip(p.WatchFolders), p.ProposedWatchFolders...)); err != nil {
		return err
	}
	if err := checkBandwidthSchedule(p.BandwidthSchedule); err != nil {
		return err
	}
	if err := checkPasteName(p.PasteName); err != nil {
		return err
	}
	if err := p.CheckReceipts(); err != nil {
		return err
	}
	if p.OnConflict != "" && !isPolicyName(p.OnConflict) {
		return profileErr("on-conflict", CodeConflictUnknown, "Value", quote(p.OnConflict), "Choices", strings.Join(PolicyNames(true), ", "))
	}
	return p.validateFields(spec)
}

// isPolicyName reports whether name is a policy's name, not an alias: a
// profile file spells policies one way.
func isPolicyName(name string) bool {
	for _, s := range Policies {
		if s.Name == name {
			return true
		}
	}
	return false
}

// validateFields checks the credential fields against what p's mode uses
// (spec.Fields): each it uses is there and well formed, none it does not
// use is set.
func (p Profile) validateFields(spec ModeSpec) error {
	switch {
	case spec.Uses(FieldSecretID) && p.SecretID == "":
		return profileErr("secret-id", CodeSecretIDMissing)
	case spec.Uses(FieldSecretID) && !secretIDRE.MatchString(p.SecretID):
		return profileErr("secret-id", CodeSecretIDInvalid, "Value", quote(p.SecretID))
	case !spec.Uses(FieldSecretID) && p.SecretID != "":
		return profileErr("secret-id", CodeSecretIDUnused, "Mode", string(p.Mode))
	case !spec.Uses(FieldCredentialURL) && p.CredentialURL != "":
		return profileErr("credential-url", CodeCredentialURLUnused)
	case !spec.Uses(FieldSign) && (p.PutSignURL != "" || p.PostPolicyURL != "" || p.SignMethod != ""):
		return profileErr("sign", CodeSignSettingsUnused)
	case !spec.Uses(FieldCredentialURL):
		return nil
	}
	// The signing server's own URLs stand in for the base URL.
	if p.CredentialURL == "" && (!spec.Uses(FieldSign) || p.PutSignURL == "" && p.PostPolicyURL == "") {
		return profileErr("credential-url", CodeCredentialURLMissing, "Mode", string(p.Mode))
	}
	for _, u := range []struct {
		field auth.Code
		val   string
	}{{fieldCredentialURL, p.CredentialURL}, {fieldPutSignURL, p.PutSignURL}, {fieldPostPolicyURL, p.PostPolicyURL}} {
		if u.val == "" {
			continue
		}
		if err := checkURL(u.field, u.val, true); err != nil {
			return err
		}
	}
	switch p.SignMethod {
	case auth.SignAuto, auth.SignPut, auth.SignPost:
	default:
		return profileErr("sign-method", CodeSignMethodUnknown, "Value", quote(string(p.SignMethod)))
	}
	if p.SignMethod == auth.SignPut && p.PutSignURL == "" && p.CredentialURL == "" ||
		p.SignMethod == auth.SignPost && p.PostPolicyURL == "" && p.CredentialURL == "" {
		return profileErr("credential-url", CodeCredentialURLMissing, "Mode", string(p.Mode))
	}
	return nil
}

// ValidateName checks a profile name on its own (the CLI validates the name
// before it has the rest).
func ValidateName(name string) error {
	switch {
	case name == "":
		return profileErr("name", CodeNameMissing)
	case utf8.RuneCountInString(name) > maxNameLen:
		return profileErr("name", CodeNameTooLong, "Max", maxNameLen)
	case strings.TrimSpace(name) != name:
		return profileErr("name", CodeNameSpace, "Value", quote(name))
	case strings.ContainsAny(name, `/\:`):
		return profileErr("name", CodeNameChars, "Value", quote(name))
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return profileErr("name", CodeNameControl, "Value", quote(name))
		}
	}
	return nil
}

// checkURL accepts http(s) URLs; plain http only for loopback hosts,
// because a session token or a login token would travel in the clear.
// No URL may carry a secret: no userinfo, no #fragment (a "#token=" is
// for browsers, never sent to a server), and no query parameter named or
// shaped like a secret (q-signature, token, sign, x-cos-security-token,
// a long key-like value). An endpoint takes no query at all.
func checkURL(field auth.Code, raw string, credential bool) error {
	f := string(field)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		// A URL that does not parse is not quoted back: it may be a secret.
		if strings.ContainsAny(raw, "?#@") {
			return profileErr(f, CodeURLInvalid, "Field", f, "Value", "(hidden)")
		}
		return profileErr(f, CodeURLInvalid, "Field", f, "Value", quote(raw))
	}
	if u.User != nil {
		// The value is not quoted back: it holds a password.
		return profileErr(f, CodeURLUserinfo, "Field", f)
	}
	if u.Fragment != "" || u.RawFragment != "" || strings.Contains(raw, "#") {
		return profileErr(f, CodeURLFragment, "Field", f)
	}
	q, qerr := url.ParseQuery(u.RawQuery)
	for k, vals := range q {
		secret := looksSecretParam(k)
		for _, v := range vals {
			secret = secret || auth.LooksLikeSecret(v) && len(v) >= 20
		}
		if secret {
			return profileErr(f, CodeURLSecretQuery, "Field", f, "Param", k)
		}
	}
	if !credential && (u.RawQuery != "" || u.ForceQuery) || qerr != nil {
		return profileErr(f, CodeURLQuery, "Field", f)
	}
	if u.Scheme == "http" && !auth.IsLoopback(u.Hostname()) {
		return profileErr(f, CodeURLPlainHTTP, "Field", f, "Value", quote(raw))
	}
	return nil
}

// looksSecretParam reports whether a URL query parameter name belongs to
// a signature or a credential: the secret-like field names, and the
// names of COS presigned URLs and common signing schemes.
func looksSecretParam(name string) bool {
	if looksSecretField(name) {
		return true
	}
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(name))
	switch n {
	case "sign", "sig", "auth", "qak", "qsignalgorithm", "qsigntime", "qkeytime", "qheaderlist", "qurlparamlist",
		"accesskey", "accesskeyid", "ak", "sk", "xamzcredential", "xamzsignature", "expires":
		return true
	}
	return false
}

func checkPrefix(t string) error {
	if strings.HasPrefix(t, "/") {
		return profileErr("prefix", CodePrefixSlash, "Value", quote(t))
	}
	if len(t) > 512 {
		return profileErr("prefix", CodePrefixTooLong)
	}
	if !utf8.ValidString(t) {
		return profileErr("prefix", CodePrefixUTF8)
	}
	for _, ph := range placeholderRE.FindAllString(t, -1) {
		if !contains(knownTemplates, ph) {
			return profileErr("prefix", CodePrefixPlaceholder, "Value", ph, "Known", strings.Join(knownTemplates, " "))
		}
	}
	return nil
}

// BucketURL is the COS endpoint for p's bucket: the Endpoint when set
// (custom domain, accelerate domain, local server), otherwise
// https://<bucket>.cos.<region>.myqcloud.com.
func (p Profile) BucketURL() (string, error) {
	if p.Endpoint != "" {
		if err := checkURL(fieldEndpoint, p.Endpoint, false); err != nil {
			return "", err
		}
		return strings.TrimRight(p.Endpoint, "/"), nil
	}
	if !bucketRE.MatchString(p.Bucket) {
		return "", profileErr("bucket", CodeBucketInvalid, "Value", quote(p.Bucket))
	}
	if !regionRE.MatchString(p.Region) {
		return "", profileErr("region", CodeRegionInvalid, "Value", quote(p.Region))
	}
	return "https://" + p.Bucket + ".cos." + p.Region + ".myqcloud.com", nil
}

// StaticPrefix is the part of the prefix template before its first
// placeholder: the key prefix every upload of this profile shares. The
// permission probe works under it.
func (p Profile) StaticPrefix() string {
	if i := strings.IndexByte(p.Prefix, '{'); i >= 0 {
		return p.Prefix[:i]
	}
	return p.Prefix
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
