package autostart

import (
	"os"
	"path/filepath"
	"strings"
)

// xdg is the freedesktop.org autostart mechanism (Desktop Application
// Autostart Specification): a .desktop file in $XDG_CONFIG_HOME/autostart
// that the session starts at login. GNOME, KDE, Xfce and others read it.
type xdg struct{}

// XDGPath is where the autostart entry of app ID id lives:
// $XDG_CONFIG_HOME/autostart/<id>.desktop, with ~/.config when
// XDG_CONFIG_HOME is unset or not absolute (as the spec says).
func XDGPath(d Dirs, id string) string {
	cfg := d.ConfigHome
	if cfg == "" {
		cfg = os.Getenv("XDG_CONFIG_HOME")
	}
	if !filepath.IsAbs(cfg) {
		cfg = filepath.Join(homeDir(d), ".config")
	}
	return filepath.Join(cfg, "autostart", id+".desktop")
}

// DesktopEntry is the autostart .desktop file for a.
func DesktopEntry(a App) string {
	var b strings.Builder
	b.WriteString("[Desktop Entry]\nType=Application\n")
	b.WriteString("Name=" + escapeValue(a.Name) + "\n")
	if a.Comment != "" {
		b.WriteString("Comment=" + escapeValue(a.Comment) + "\n")
	}
	b.WriteString("Exec=" + ExecLine(a.Exe, a.Args) + "\n")
	b.WriteString("Icon=" + escapeValue(a.ID) + "\n")
	b.WriteString("Terminal=false\nNoDisplay=false\nX-GNOME-Autostart-enabled=true\n")
	return b.String()
}

// ExecLine is an Exec= value running exe with args: each argument that
// needs it is quoted by the Desktop Entry Specification's rules ("Exec
// key"): inside double quotes, `"`, "`", `$` and `\` take a backslash;
// then `%` is doubled (a field code otherwise) and the string escape
// turns each `\` into `\\`.
func ExecLine(exe string, args []string) string {
	parts := make([]string, 0, 1+len(args))
	for _, s := range append([]string{exe}, args...) {
		parts = append(parts, escapeValue(quoteExecArg(s)))
	}
	return strings.ReplaceAll(strings.Join(parts, " "), "%", "%%")
}

// reservedExec are the characters that make an Exec argument need quotes.
const reservedExec = " \t\n\"'\\><~|&;$*?#()`"

func quoteExecArg(s string) string {
	if s != "" && !strings.ContainsAny(s, reservedExec) {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", `$`, `\$`)
	return `"` + r.Replace(s) + `"`
}

// escapeValue applies the string-value escapes of the spec: \\ for a
// backslash, \n, \t and \r for control characters.
func escapeValue(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(s)
}

func (xdg) enable(a App, d Dirs) error {
	return writeFileIfChanged(XDGPath(d, a.ID), DesktopEntry(a))
}

func (xdg) disable(a App, d Dirs) error { return removeFile(XDGPath(d, a.ID)) }

func (xdg) enabled(a App, d Dirs) (bool, error) { return fileExists(XDGPath(d, a.ID)) }
