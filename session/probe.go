package session

import (
	"context"
	"io"
	"strings"

	"cosdrop/auth"
	"cosdrop/profile"
)

// CheckConnection is the profile editor's "Test connection": it asks the
// credential server first (STS mode), so an unreachable or broken
// credential server is named as such, in plain words, before COS is
// tried at all; then it runs auth's permission probe against COS. ok is
// true when every permission CosDrop uses is granted. store holds the
// secrets as typed (the caller layers them over the keyring).
func CheckConnection(ctx context.Context, p profile.Profile, store auth.SecretStore) (ok bool, text string) {
	prov, sign, err := profile.Open(ctx, p, store, nil)
	if err != nil {
		return false, T("Could not connect: {{.Err}}", map[string]any{"Err": ErrText(err)})
	}
	if c, isCloser := prov.(io.Closer); isCloser {
		defer c.Close()
	}
	if problem := CheckCredentialServer(ctx, p, prov); problem != "" {
		return false, problem
	}
	rep := profile.Probe(ctx, p, prov, sign, nil)
	return rep.OK(), ProbeText(rep)
}

// CheckCredentialServer asks an STS profile's credential server for
// credentials and words a failure ("" when it answered, or for other
// modes). Checking it before COS keeps its failures from being reported
// as COS being unreachable.
func CheckCredentialServer(ctx context.Context, p profile.Profile, prov auth.Provider) string {
	if p.Spec().Signs != profile.SignsWithTemporaryKeys || prov == nil {
		return ""
	}
	if _, err := prov.Credentials(ctx); err != nil {
		return T("The credential server did not provide credentials, so COS was not tried.") + "\n" + credentialText(err)
	}
	return ""
}

// ProbeLine is one probe result in the user's language; a failure caused
// by the credential or signing server is worded as theirs.
func ProbeLine(r auth.ProbeResult) string {
	if r.Err != nil {
		if text, ok := credentialFailureErr(r.Err); ok {
			return text
		}
	}
	return r.Localize(AuthTr)
}

// credentialText words a credential fetch failure: auth.ServerError by
// kind, else by its text (plain words first, detail after).
func credentialText(err error) string {
	if se, ok := auth.AsServerError(err); ok {
		return ServerErrorText(se)
	}
	return credentialReason(T, auth.Redact(err.Error()), false)
}

// ProbeText words a permission probe report: one line per action, then
// the notes. A failure that is the credential server's is worded as such.
func ProbeText(rep auth.ProbeReport) string {
	var b strings.Builder
	switch {
	case rep.OK():
		b.WriteString(T("Connection works: every permission CosDrop uses is granted.") + "\n")
	case rep.UploadsWork():
		// The sample grant's usual result: staff must read first that
		// their uploads work (it said "Connection problems:").
		b.WriteString(T("Uploads work. Some other features do not, with these permissions:") + "\n")
	default:
		b.WriteString(T("Uploads do not work with this profile:") + "\n")
	}
	credential := false
	for _, r := range rep.Results {
		mark := "✓"
		if r.Status != auth.Allowed {
			mark = "✗"
		}
		if r.Err != nil {
			_, isCred := credentialFailureErr(r.Err)
			credential = credential || isCred
		}
		b.WriteString(mark + " " + ProbeLine(r) + "\n")
	}
	if lost := rep.LostFeatures(); len(lost) > 0 && !credential {
		b.WriteString(T("What the missing permissions cost:") + "\n")
		for _, f := range lost {
			b.WriteString("• " + f.Message.Localize(AuthTr) + "\n")
		}
	}
	for _, n := range rep.Notes {
		if credential && n.Code == auth.CodeProbeNoteUnreachable {
			continue // it was the credential server, not COS
		}
		b.WriteString("• " + n.Localize(AuthTr) + "\n")
	}
	return auth.Redact(strings.TrimSpace(b.String()))
}

// credentialFailureErr words err when the credential or signing server
// caused it.
func credentialFailureErr(err error) (string, bool) {
	if se, ok := auth.AsServerError(err); ok {
		return ServerErrorText(se), true
	}
	return credentialFailure(T, auth.Redact(err.Error()))
}
