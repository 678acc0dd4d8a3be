package autostart

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// skipPOSIXOnly skips a test of the Linux or macOS backend on Windows: they
// take POSIX paths ("/opt/cosdrop"), which are not absolute on Windows, and
// never run there; Windows's own backend is the Run key (TestRunKeyBackend).
func skipPOSIXOnly(t *testing.T, what string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skipf("%s are not used on Windows (its backend is the Run key, TestRunKeyRealRegistry); their POSIX paths are not absolute there", what)
	}
}

func testApp(exe string) App {
	return App{ID: "io.cosdrop.app", Name: "CosDrop", Exe: exe, Args: []string{"--background"}, Comment: "Upload files to COS"}
}

// XDG: enable writes the entry where the spec says, with --background in
// Exec; enabling again changes nothing; disable removes it; disabling
// again is no error.
func TestXDGEnableDisableIdempotent(t *testing.T) {
	skipPOSIXOnly(t, "XDG autostart entries")
	cfg := t.TempDir()
	s := forOS("linux", testApp("/opt/Cos Drop/bin/cosdrop"), Dirs{ConfigHome: cfg})
	if on, err := s.IsEnabled(); err != nil || on {
		t.Fatalf("enabled before Enable: %v %v", on, err)
	}
	if err := s.Enable(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(cfg, "autostart", "io.cosdrop.app.desktop")
	if s.Where() != path {
		t.Errorf("Where %q, want %q", s.Where(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\nExec=\"/opt/Cos Drop/bin/cosdrop\" --background\n") {
		t.Errorf("entry:\n%s", b)
	}
	st1, _ := os.Stat(path)
	past := st1.ModTime().Add(-3600e9)
	_ = os.Chtimes(path, past, past)
	if err := s.Enable(); err != nil {
		t.Fatal(err)
	}
	if st2, _ := os.Stat(path); !st2.ModTime().Equal(past) {
		t.Error("a second Enable rewrote an identical entry")
	}
	if on, err := s.IsEnabled(); err != nil || !on {
		t.Fatalf("IsEnabled after Enable: %v %v", on, err)
	}
	// The program moved (an update): Enable points the entry at it.
	s.App.Exe = "/usr/bin/cosdrop"
	if err := s.Enable(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "\nExec=/usr/bin/cosdrop --background\n") {
		t.Errorf("entry after the move:\n%s", b)
	}
	for range 2 {
		if err := s.Disable(); err != nil {
			t.Fatal(err)
		}
	}
	if on, err := s.IsEnabled(); err != nil || on {
		t.Fatalf("enabled after Disable: %v %v", on, err)
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Error("a temporary file was left behind")
	}
}

func TestXDGPathDefaults(t *testing.T) {
	skipPOSIXOnly(t, "XDG autostart paths")
	t.Setenv("XDG_CONFIG_HOME", "")
	if got, want := XDGPath(Dirs{Home: "/home/ann"}, "io.cosdrop.app"), "/home/ann/.config/autostart/io.cosdrop.app.desktop"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/ignored")
	if got, want := XDGPath(Dirs{Home: "/home/ann"}, "x"), "/home/ann/.config/autostart/x.desktop"; got != want {
		t.Errorf("a relative XDG_CONFIG_HOME: %q, want %q", got, want)
	}
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	if got, want := XDGPath(Dirs{Home: "/home/ann"}, "x"), "/cfg/autostart/x.desktop"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

// Exec quoting follows the Desktop Entry Specification, including the
// string escape applied on top (four backslashes for one).
func TestExecLineQuoting(t *testing.T) {
	cases := []struct {
		exe  string
		args []string
		want string
	}{
		{"/usr/bin/cosdrop", []string{"--background"}, "/usr/bin/cosdrop --background"},
		{"/home/ann/My Apps/cosdrop", nil, `"/home/ann/My Apps/cosdrop"`},
		{`/opt/a"b/cosdrop`, nil, `"/opt/a\\"b/cosdrop"`},
		{`/opt/$HOME/x`, nil, `"/opt/\\$HOME/x"`},
		{`/opt/back\slash/x`, nil, `"/opt/back\\\\slash/x"`},
		{"/opt/100%/x", []string{""}, `/opt/100%%/x ""`},
		{"/opt/中文 目录/cosdrop", nil, `"/opt/中文 目录/cosdrop"`},
	}
	for _, c := range cases {
		if got := ExecLine(c.exe, c.args); got != c.want {
			t.Errorf("ExecLine(%q, %q) = %s, want %s", c.exe, c.args, got, c.want)
		}
	}
}

// macOS: the plist is valid XML with one ProgramArguments string per
// argument (a path with spaces needs no quotes), at
// ~/Library/LaunchAgents/<id>.plist; enable/disable are idempotent.
func TestLaunchAgent(t *testing.T) {
	skipPOSIXOnly(t, "LaunchAgents")
	home := t.TempDir()
	a := testApp("/Applications/Cos Drop & Co.app/Contents/MacOS/cosdrop")
	s := forOS("darwin", a, Dirs{Home: home})
	for range 2 {
		if err := s.Enable(); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(home, "Library", "LaunchAgents", "io.cosdrop.app.plist")
	if s.Where() != path {
		t.Errorf("Where %q, want %q", s.Where(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Dict struct {
			Keys    []string `xml:"key"`
			Strings []string `xml:"string"`
			Args    []string `xml:"array>string"`
		} `xml:"dict"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("the plist is not XML: %v\n%s", err, b)
	}
	if want := []string{a.Exe, "--background"}; strings.Join(doc.Dict.Args, "|") != strings.Join(want, "|") {
		t.Errorf("ProgramArguments %q, want %q", doc.Dict.Args, want)
	}
	if strings.Join(doc.Dict.Keys, ",") != "Label,ProgramArguments,RunAtLoad,ProcessType" || doc.Dict.Strings[0] != "io.cosdrop.app" {
		t.Errorf("keys %q strings %q", doc.Dict.Keys, doc.Dict.Strings)
	}
	if !strings.Contains(string(b), "<key>RunAtLoad</key>\n\t<true/>") {
		t.Errorf("no RunAtLoad true:\n%s", b)
	}
	for range 2 {
		if err := s.Disable(); err != nil {
			t.Fatal(err)
		}
	}
	if on, _ := s.IsEnabled(); on {
		t.Error("enabled after Disable")
	}
}

// Windows: the Run value quotes paths with spaces as CommandLineToArgvW
// reads them.
func TestRunValueQuoting(t *testing.T) {
	cases := []struct {
		exe  string
		args []string
		want string
	}{
		{`C:\Program Files\CosDrop\cosdrop.exe`, []string{"--background"}, `"C:\Program Files\CosDrop\cosdrop.exe" --background`},
		{`C:\CosDrop\cosdrop.exe`, []string{"--background"}, `C:\CosDrop\cosdrop.exe --background`},
		{`C:\dir with space\`, nil, `"C:\dir with space\\"`},
		{`C:\a"b`, []string{""}, `"C:\a\"b" ""`},
		{`C:\a\"b c`, nil, `"C:\a\\\"b c"`},
	}
	for _, c := range cases {
		if got := RunValue(App{Exe: c.exe, Args: c.args}); got != c.want {
			t.Errorf("RunValue(%q, %q) = %s, want %s", c.exe, c.args, got, c.want)
		}
	}
}

// mapKey is a Run key in memory that counts writes.
type mapKey struct {
	m      map[string]string
	writes int
}

func (k *mapKey) get(name string) (string, bool, error) { v, ok := k.m[name]; return v, ok, nil }
func (k *mapKey) set(name, value string) error          { k.m[name] = value; k.writes++; return nil }
func (k *mapKey) del(name string) error                 { delete(k.m, name); k.writes++; return nil }

// The Run-key logic (the registry call itself is a thin Windows-only
// file): one value named after the app, written once, removed on disable.
func TestRunKeyBackend(t *testing.T) {
	k := &mapKey{m: map[string]string{"Other": "x"}}
	s := &Starter{App: testApp(`C:\Program Files\CosDrop\cosdrop.exe`), b: runKey{open: func() (regKey, error) { return k, nil }}}
	if on, _ := s.IsEnabled(); on {
		t.Fatal("enabled before Enable")
	}
	for range 2 {
		if err := s.Enable(); err != nil {
			t.Fatal(err)
		}
	}
	if k.writes != 1 || k.m["CosDrop"] != `"C:\Program Files\CosDrop\cosdrop.exe" --background` {
		t.Errorf("%d writes, value %q", k.writes, k.m["CosDrop"])
	}
	if on, _ := s.IsEnabled(); !on {
		t.Error("not enabled after Enable")
	}
	if want := `HKCU\Software\Microsoft\Windows\CurrentVersion\Run\CosDrop`; s.Where() != want {
		t.Errorf("Where %q", s.Where())
	}
	if err := s.Disable(); err != nil {
		t.Fatal(err)
	}
	if _, ok := k.m["CosDrop"]; ok || k.m["Other"] != "x" {
		t.Errorf("after Disable: %v", k.m)
	}
}

// A relative program path is refused: the session would not find it.
func TestRelativeProgramRefused(t *testing.T) {
	s := forOS("linux", testApp("cosdrop"), Dirs{ConfigHome: t.TempDir()})
	if err := s.Enable(); err != ErrNoProgram {
		t.Errorf("Enable with a relative path: %v", err)
	}
}
