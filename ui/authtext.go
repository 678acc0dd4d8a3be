package ui

import cosession "cosdrop/session"

// errText is err in the user's language, plain words first (cosession.ErrText):
// profile problems, credential server failures, busy or damaged journals.
func errText(err error) string { return cosession.ErrText(err) }
