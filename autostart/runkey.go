package autostart

import "strings"

// RunKeyPath is the per-user key whose values Windows runs at login
// (under HKEY_CURRENT_USER; no administrator rights needed).
const RunKeyPath = `Software\Microsoft\Windows\CurrentVersion\Run`

// RunValue is the command line stored under the Run key for a: the
// program and its arguments quoted by the rules CommandLineToArgvW reads
// (as Go's syscall.EscapeArg writes them), so "C:\Program Files\..." stays
// one argument.
func RunValue(a App) string {
	parts := make([]string, 0, 1+len(a.Args))
	for _, s := range append([]string{a.Exe}, a.Args...) {
		parts = append(parts, windowsQuote(s))
	}
	return strings.Join(parts, " ")
}

// windowsQuote quotes one argument for CommandLineToArgvW: wrapped in
// double quotes when it is empty or holds a space, tab or quote; inside,
// backslashes before a quote (or the closing quote) are doubled and the
// quote takes a backslash.
func windowsQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			slashes++
		case '"':
			b.WriteString(strings.Repeat(`\`, slashes+1))
			slashes = 0
		default:
			slashes = 0
		}
		b.WriteByte(c)
	}
	b.WriteString(strings.Repeat(`\`, slashes))
	b.WriteByte('"')
	return b.String()
}

// regKey is the Run key as the runKey backend needs it; the Windows file
// opens the real one, tests use a map.
type regKey interface {
	get(name string) (value string, found bool, err error)
	set(name, value string) error
	del(name string) error // a missing value is not an error
}

// runKey is the Windows mechanism: one string value named a.Name under
// HKCU\...\Run.
type runKey struct{ open func() (regKey, error) }

func (r runKey) enable(a App, _ Dirs) error {
	k, err := r.open()
	if err != nil {
		return err
	}
	want := RunValue(a)
	if old, found, err := k.get(a.Name); err == nil && found && old == want {
		return nil
	}
	return k.set(a.Name, want)
}

func (r runKey) disable(a App, _ Dirs) error {
	k, err := r.open()
	if err != nil {
		return err
	}
	return k.del(a.Name)
}

func (r runKey) enabled(a App, _ Dirs) (bool, error) {
	k, err := r.open()
	if err != nil {
		return false, err
	}
	_, found, err := k.get(a.Name)
	return found, err
}
