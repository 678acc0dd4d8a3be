// Package localefix stops Fyne from logging "Error parsing user locale C"
// on every start under the C.UTF-8 locale (the default in containers, CI and
// many servers). go-locale understands "C" and "POSIX" but not "C.UTF-8",
// and Fyne's lang package asks it during its own package initialisation.
//
// This package must therefore initialise before fyne.io/fyne/v2/lang. Go
// initialises packages in import-path order among those whose imports are
// ready; this one imports only os and strings and its path sorts before
// fyne.io/..., so it always runs first.
package localefix

import (
	"os"
	"strings"
)

func init() {
	for _, env := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(env)
		if v == "" {
			continue
		}
		// go-locale stops at the first variable that is set, as gettext does.
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			os.Setenv(env, "C")
		}
		return
	}
}
