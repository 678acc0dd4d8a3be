package cli

import (
	"errors"
	"strings"

	"cosdrop/session"
)

// tr translates a user-visible CLI string through the same catalogues as
// the window (session.T), so both speak the user's language, with or
// without the window compiled in.
func tr(s string) string { return session.T(s) }

// trN translates a counted CLI string ({{.Count}} is n) with the plural
// form the user's language gives n (session.TN).
func trN(s string, n int) string { return session.TN(s, n) }

// trChoices translates a CLI string whose {{.Choices}} lists values
// from one of profile's tables (modes, conflict policies).
func trChoices(s string, choices []string) string {
	return session.T(s, map[string]any{"Choices": strings.Join(choices, ", ")})
}

// closeAll runs closers in order and joins their errors.
func closeAll(cs []func() error) error {
	var errs []error
	for _, c := range cs {
		if err := c(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// trWith translates a CLI string with named parameters ({{.Name}}).
func trWith(s string, args map[string]any) string { return session.T(s, args) }
