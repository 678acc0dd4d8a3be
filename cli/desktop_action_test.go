package cli

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cosdrop/autostart"
	"cosdrop/session"
)

// desktopExec returns the Exec= value of a group of the .deb's desktop
// file ("Desktop Entry", "Desktop Action upload").
func desktopExec(t *testing.T, group string) string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "packaging", "linux", "io.cosdrop.app.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			in = strings.Trim(line, "[]")
			continue
		}
		if in == group && strings.HasPrefix(line, "Exec=") {
			return strings.TrimPrefix(line, "Exec=")
		}
	}
	t.Fatalf("no Exec= in [%s]", group)
	return ""
}

// "Upload with CosDrop" (the desktop file's upload action) on selected
// files while a window runs: the action's own Exec line, with %F expanded
// as a file manager does, hands every file to the running window (single
// instance over window.sock) and exits 0.
func TestUploadActionHandsFilesToRunningWindow(t *testing.T) {
	exec := desktopExec(t, "Desktop Action upload")
	fields := strings.Fields(exec)
	if len(fields) != 2 || fields[0] != "cosdrop" || fields[1] != "%F" {
		t.Fatalf("the upload action runs %q, want the same entry as opening files (cosdrop %%F)", exec)
	}
	data := t.TempDir()
	got := make(chan []string, 1)
	stop, err := session.ListenWindow(data, func(p []string) { got <- p })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	dir := t.TempDir()
	a, _ := writeTestFile(t, dir, "holiday photo.jpg", []byte("jpeg"))
	b, _ := writeTestFile(t, dir, "报告 2026.pdf", []byte("pdf"))
	code, out := runBin(t, []string{"COSDROP_DATA_DIR=" + data}, a, b) // %F: one argument per file
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	if p := receive(t, got, "the files handed to the running window"); len(p) != 2 || p[0] != a || p[1] != b {
		t.Errorf("handed over %q, want %q", p, []string{a, b})
	}
}

// Start at login runs "cosdrop --background" (a command only when main
// passes a window); with a window already
// running it exits at once and hands nothing over (the window stays in
// the tray, not brought to the front).
func TestBackgroundWithWindowRunningExits(t *testing.T) {
	data := t.TempDir()
	t.Setenv("COSDROP_DATA_DIR", data)
	got := make(chan []string, 1)
	stop, err := session.ListenWindow(data, func(p []string) { got <- p })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	t.Cleanup(func() { window = nil })
	opened := false
	open := func([]string, bool) int { opened = true; return 0 }
	if code := Main([]string{"--background"}, Build{Window: open, BackgroundFlag: "--background"}); code != 0 || opened {
		t.Fatalf("exit %d, window opened: %v", code, opened)
	}
	select {
	case p := <-got:
		t.Errorf("--background handed %q to the running window", p)
	default:
	}
}

// The Windows uninstaller removes the Run value that start at login writes
// (autostart: HKCU\<RunKeyPath>\CosDrop), and the Send To shortcut it adds.
func TestInstallerCleansStartAtLoginAndSendTo(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "packaging", "windows", "cosdrop.nsi"))
	if err != nil {
		t.Fatal(err)
	}
	nsi := string(b)
	uninstall := nsi[strings.Index(nsi, `Section "Uninstall"`):]
	for _, want := range []string{`!define APPNAME "CosDrop"`, `CreateShortcut "$SENDTO\${APPNAME}.lnk"`} {
		if !strings.Contains(nsi, want) {
			t.Errorf("the installer lacks %s", want)
		}
	}
	for _, want := range []string{`DeleteRegValue HKCU "` + autostart.RunKeyPath + `" "${APPNAME}"`, `Delete "$SENDTO\${APPNAME}.lnk"`} {
		if !strings.Contains(uninstall, want) {
			t.Errorf("the uninstaller lacks %s", want)
		}
	}
	if v := autostart.RunValue(autostart.App{Exe: `C:\Program Files\CosDrop\cosdrop.exe`, Args: []string{"--background"}}); v != `"C:\Program Files\CosDrop\cosdrop.exe" --background` {
		t.Errorf("Run value %s", v)
	}
}
