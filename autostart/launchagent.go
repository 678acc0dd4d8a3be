package autostart

import (
	"encoding/xml"
	"path/filepath"
	"strings"
)

// launchAgent is macOS's per-user launchd job: a property list in
// ~/Library/LaunchAgents that launchd loads at the next login (RunAtLoad).
// Writing the file is the whole of it; nothing calls launchctl, so the
// app does not start a second copy of itself when the box is ticked.
type launchAgent struct{}

// LaunchAgentPath is where the agent of app ID id lives:
// ~/Library/LaunchAgents/<id>.plist (its label is id).
func LaunchAgentPath(d Dirs, id string) string {
	return filepath.Join(homeDir(d), "Library", "LaunchAgents", id+".plist")
}

// LaunchAgentPlist is the property list for a. ProgramArguments carries
// each argument as its own string, so a path with spaces needs no quotes;
// XML escaping covers &, < and >.
func LaunchAgentPlist(a App) string {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString("<plist version=\"1.0\">\n<dict>\n")
	b.WriteString("\t<key>Label</key>\n\t<string>" + xmlText(a.ID) + "</string>\n")
	b.WriteString("\t<key>ProgramArguments</key>\n\t<array>\n")
	for _, s := range append([]string{a.Exe}, a.Args...) {
		b.WriteString("\t\t<string>" + xmlText(s) + "</string>\n")
	}
	b.WriteString("\t</array>\n")
	b.WriteString("\t<key>RunAtLoad</key>\n\t<true/>\n")
	b.WriteString("\t<key>ProcessType</key>\n\t<string>Interactive</string>\n")
	b.WriteString("</dict>\n</plist>\n")
	return b.String()
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (launchAgent) enable(a App, d Dirs) error {
	return writeFileIfChanged(LaunchAgentPath(d, a.ID), LaunchAgentPlist(a))
}

func (launchAgent) disable(a App, d Dirs) error { return removeFile(LaunchAgentPath(d, a.ID)) }

func (launchAgent) enabled(a App, d Dirs) (bool, error) {
	return fileExists(LaunchAgentPath(d, a.ID))
}
