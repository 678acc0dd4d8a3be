// Package autostart makes an application start when the user logs in: an
// XDG autostart entry on Linux and other Unix desktops, a value under the
// Run key on Windows, a LaunchAgent on macOS. It imports no GUI toolkit.
//
// What is written (the .desktop file, the Run value, the plist) and where
// are pure functions of the App, so every platform's content is tested on
// any machine; only the Windows registry call lives in a build-tagged file.
// Enable, Disable and IsEnabled are idempotent: enabling twice writes once,
// disabling what is not there succeeds.
package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// App is what to start at login.
type App struct {
	// ID is the reverse-DNS application ID ("io.cosdrop.app"): it names
	// the autostart file and the LaunchAgent label.
	ID string
	// Name is the name shown in the OS's list of startup items, and the
	// Windows Run value's name.
	Name string
	// Exe is the absolute path of the program; it may contain spaces.
	Exe string
	// Args follow Exe (e.g. "--background").
	Args []string
	// Comment describes the entry (XDG only).
	Comment string
}

// Home and ConfigHome name the folders the file-based entries live in;
// "" means the user's own ($HOME, $XDG_CONFIG_HOME or ~/.config). Tests
// point them at a temporary folder.
type Dirs struct {
	Home       string
	ConfigHome string
}

// Starter enables, disables and reports one App's start at login on this
// OS (runtime.GOOS).
type Starter struct {
	App  App
	Dirs Dirs
	b    backend
}

// backend is one OS's mechanism.
type backend interface {
	enable(a App, d Dirs) error
	disable(a App, d Dirs) error
	enabled(a App, d Dirs) (bool, error)
}

// New returns the Starter for this OS.
func New(a App) *Starter { return &Starter{App: a, b: osBackend()} }

// forOS returns the Starter of another OS's file-based mechanism ("linux",
// "darwin"); tests use it to run the macOS writer on Linux.
func forOS(goos string, a App, d Dirs) *Starter {
	s := &Starter{App: a, Dirs: d}
	switch goos {
	case "darwin":
		s.b = launchAgent{}
	default:
		s.b = xdg{}
	}
	return s
}

// ErrNoProgram is returned when the App has no absolute program path.
var ErrNoProgram = errors.New("autostart: the program path must be absolute")

func (s *Starter) check() error {
	if s.App.ID == "" {
		return errors.New("autostart: the application ID is empty")
	}
	if !filepath.IsAbs(s.App.Exe) && !isWindowsAbs(s.App.Exe) {
		return ErrNoProgram
	}
	return nil
}

// Enable makes the App start at login, replacing an entry that points
// elsewhere (the program moved or was updated); an identical entry is
// left untouched.
func (s *Starter) Enable() error {
	if err := s.check(); err != nil {
		return err
	}
	return s.b.enable(s.App, s.Dirs)
}

// Disable removes the entry; no entry is not an error.
func (s *Starter) Disable() error { return s.b.disable(s.App, s.Dirs) }

// IsEnabled reports whether an entry for the App exists.
func (s *Starter) IsEnabled() (bool, error) { return s.b.enabled(s.App, s.Dirs) }

// Where names the entry for messages: a file path or the registry value.
func (s *Starter) Where() string {
	switch s.b.(type) {
	case xdg:
		return XDGPath(s.Dirs, s.App.ID)
	case launchAgent:
		return LaunchAgentPath(s.Dirs, s.App.ID)
	}
	return `HKCU\` + RunKeyPath + `\` + s.App.Name
}

// homeDir is d.Home or the user's home.
func homeDir(d Dirs) string {
	if d.Home != "" {
		return d.Home
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return h
}

// writeFileIfChanged writes content to path (creating its folder) unless
// the file already holds exactly that; the write goes through a temporary
// file and a rename, so a crash leaves the old entry or the new one.
func writeFileIfChanged(path, content string) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == content {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

func removeFile(path string) error {
	err := os.Remove(path)
	if err == nil || errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return fmt.Errorf("autostart: %w", err)
}

func fileExists(path string) (bool, error) {
	_, err := os.Stat(path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	}
	return false, fmt.Errorf("autostart: %w", err)
}

// isWindowsAbs reports a Windows absolute path (C:\... or \\server\...)
// whatever OS this runs on, so the Windows writer is testable on Linux.
func isWindowsAbs(p string) bool {
	if len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') {
		return true
	}
	return len(p) >= 2 && p[0] == '\\' && p[1] == '\\'
}
