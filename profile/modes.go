package profile

import "cosdrop/auth"

// Mode is how a profile obtains the right to upload: one entry of Modes.
type Mode string

// The credential modes (Modes holds what each needs and does).
const (
	// ModePermanent: SecretID in the profile, SecretKey in the OS keyring.
	ModePermanent Mode = "permanent"
	// ModeSTS: temporary credentials from the organisation's credential URL.
	ModeSTS Mode = "sts"
	// ModeServerSigned: the organisation's server signs each upload and
	// picks its key; the app never holds a SecretKey at all.
	ModeServerSigned Mode = "server-signed"
)

// Field is a credential setting of a profile that only some modes use:
// the editor shows it for those modes, Validate asks for it there and
// refuses it elsewhere.
type Field string

// The credential fields.
const (
	// FieldSecretID is Profile.SecretID.
	FieldSecretID Field = "secret-id"
	// FieldCredentialURL is Profile.CredentialURL: the STS endpoint or the
	// signing server's base URL.
	FieldCredentialURL Field = "credential-url"
	// FieldSign is the signing server's settings: PutSignURL,
	// PostPolicyURL and SignMethod.
	FieldSign Field = "sign"
)

// Signing is how a mode's uploads are signed; Open builds the signer of
// each kind (openers), the probe and session read it.
type Signing string

// The ways of signing.
const (
	// SignsWithKey: the app holds a permanent SecretKey and signs each
	// request.
	SignsWithKey Signing = "key"
	// SignsWithTemporaryKeys: the app fetches temporary keys from the
	// organisation's credential server and signs with them.
	SignsWithTemporaryKeys Signing = "temporary-keys"
	// SignsByServer: the organisation's server signs each upload (and may
	// pick its key and bucket); the app holds no key.
	SignsByServer Signing = "server"
)

// Secret is what a mode keeps in the OS keyring, never in the profile
// file: what `cosdrop login` asks for and the editor's secret field saves.
type Secret struct {
	// Account is the keyring item of a profile's secret.
	Account func(profile string) string
	// Word names the secret in a sentence (a translation key).
	Word string
	// Next is what `cosdrop profile add` and `profile import` print after
	// saving: how to store the secret ('cosdrop login --profile %s'; a
	// translation key, one %s: the profile name, shell-quoted). Empty
	// says nothing.
	Next string
	// Optional secrets are read only when a server refuses a request
	// without one: a locked or absent keyring is then no error.
	Optional bool
}

// ModeSpec is everything CosDrop knows of one credential mode.
type ModeSpec struct {
	// Mode is the value in the profile file and of `--mode`.
	Mode Mode
	// Label is the mode's name in the editor (a translation key).
	Label string
	// Fields are the credential settings the mode uses; Validate refuses
	// the others when set.
	Fields []Field
	// Secret is what the mode keeps in the keyring.
	Secret Secret
	// Signs is how its uploads are signed.
	Signs Signing
	// Permissions are what the mode's credentials must be granted, as the
	// permission probe names them: COS actions (CAM API names) or, for a
	// signing server, the signatures it must hand out.
	Permissions []string
}

// cosActions are the COS actions CosDrop's uploads use (the permission
// probe checks each).
var cosActions = []string{"PutObject", "HeadObject", "GetObject", "ListMultipartUploads",
	"InitiateMultipartUpload", "UploadPart", "ListParts", "CompleteMultipartUpload", "AbortMultipartUpload"}

// Modes is the one table of credential modes: the editor's choices and
// fields, the CLI's `--mode` values and `login` secret, Validate, Open,
// session and the permission probe all read it. Its order is the
// editor's.
var Modes = []ModeSpec{
	{
		Mode:   ModePermanent,
		Label:  "Permanent key (SecretId and SecretKey)",
		Fields: []Field{FieldSecretID},
		Secret: Secret{Account: auth.SecretKeyAccount, Word: "SecretKey",
			Next: "Next: store its SecretKey with 'cosdrop login --profile %s'."},
		Signs:       SignsWithKey,
		Permissions: cosActions,
	},
	{
		Mode:   ModeSTS,
		Label:  "Temporary keys from your organisation (STS)",
		Fields: []Field{FieldCredentialURL},
		Secret: Secret{Account: auth.LoginTokenAccount, Word: "login token", Optional: true,
			Next: "If the credential server needs a login token, store it with 'cosdrop login --profile %s'."},
		Signs:       SignsWithTemporaryKeys,
		Permissions: cosActions,
	},
	{
		Mode:   ModeServerSigned,
		Label:  "Your organisation's server signs each upload",
		Fields: []Field{FieldCredentialURL, FieldSign},
		Secret: Secret{Account: auth.LoginTokenAccount, Word: "login token", Optional: true,
			Next: "If the credential server needs a login token, store it with 'cosdrop login --profile %s'."},
		Signs:       SignsByServer,
		Permissions: []string{"put-sign", "post-policy"},
	},
}

// ModeOf is the entry of m; ok is false for a mode Modes does not hold.
func ModeOf(m Mode) (spec ModeSpec, ok bool) {
	for _, s := range Modes {
		if s.Mode == m {
			return s, true
		}
	}
	return ModeSpec{}, false
}

// Spec is the entry of p's mode (the zero ModeSpec for an unknown one,
// which Validate refuses).
func (p Profile) Spec() ModeSpec {
	s, _ := ModeOf(p.Mode)
	return s
}

// Uses reports whether the mode uses credential field f.
func (s ModeSpec) Uses(f Field) bool {
	for _, g := range s.Fields {
		if g == f {
			return true
		}
	}
	return false
}

// ModeNames are the modes' values, in table order.
func ModeNames() []string {
	out := make([]string, len(Modes))
	for i, s := range Modes {
		out[i] = string(s.Mode)
	}
	return out
}
