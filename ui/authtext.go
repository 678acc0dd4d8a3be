package ui

import "cosdrop/session"

// errText is err in the user's language, plain words first (session.ErrText):
// profile problems, credential server failures, busy or damaged journals.
func errText(err error) string { return session.ErrText(err) }
