package cli

import (
	"regexp"
	"strings"
)

// plainArg is a command-line argument no shell changes.
var plainArg = regexp.MustCompile(`^[A-Za-z0-9._/:@%+=,-]+$`)

// shellQuote is name as a command a user can paste into a terminal: the
// hint after `profile add "Dead STS"` printed the name bare, and pasting it
// failed (issue 21, finding 8). Double quotes work in sh, bash, zsh, cmd.exe
// and PowerShell alike; a name holding one of the few characters they
// treat differently inside double quotes gets POSIX single quotes instead.
func shellQuote(name string) string {
	switch {
	case plainArg.MatchString(name):
		return name
	case !strings.ContainsAny(name, "\"$`\\!%"):
		return `"` + name + `"`
	}
	return `'` + strings.ReplaceAll(name, `'`, `'\''`) + `'`
}
