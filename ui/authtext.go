package ui

import cosession "cosdrop/session"

// authTr is T in the shape auth.Translator wants (cosession.AuthTr).
func authTr(template string, params map[string]any) string { return cosession.AuthTr(template, params) }

// errText is err in the user's language, plain words first (cosession.ErrText):
// profile problems, credential server failures, busy or damaged journals.
func errText(err error) string { return cosession.ErrText(err) }
