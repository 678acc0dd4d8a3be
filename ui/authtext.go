package ui

import (
	"errors"

	"cosdrop/auth"
)

// authTr is T in the shape auth.Translator wants: auth's messages carry a
// code and parameters, and their English templates are keys in
// assets/translations/auth.<lang>.json.
func authTr(template string, params map[string]any) string {
	if len(params) == 0 {
		return T(template)
	}
	return T(template, params)
}

// errText is err in the user's language: auth's coded errors (profile
// and profile-file problems) are translated; anything else is shown as is,
// redacted.
func errText(err error) string {
	var pe *auth.ProfileError
	if errors.As(err, &pe) {
		return pe.Localize(authTr)
	}
	return auth.Redact(err.Error())
}
