package profile

import (
	"errors"
	"runtime"
	"testing"
)

// Issue 20, finding 5: a profile (an imported one above all) could watch
// "/", "/etc" or "~/.ssh", and every readable file there would be
// uploaded. System locations, home folders as a whole and secret
// locations are refused, with the folder named; ordinary folders pass.
func TestWatchFolderRefusesSystemAndSecretLocations(t *testing.T) {
	for _, d := range []string{"/", "/etc", "/etc/ssl", "/root", "/proc/self", "/sys", "/dev", "/boot", "/usr", "/bin",
		"/var", "/home", "/Users", "/home/ana", "/Users/ana", "/home/ana/.ssh", "/home/ana/.ssh/keys", "/home/ana/.gnupg",
		"/home/ana/.aws", "/home/ana/.kube", "/home/ana/.config", "/home/ana/.local/share/keyrings", "/home/ana/Work/.ssh"} {
		if runtime.GOOS == "windows" { // not a full path there: the rule itself is the same on every OS
			if unsafeWatchFolder(d) == "" {
				t.Errorf("%q: not refused", d)
			}
			continue
		}
		p := permProfile()
		p.WatchFolders = []string{d}
		var pe *Error
		if err := p.Validate(); !errors.As(err, &pe) || pe.Code != CodeWatchFolderUnsafe {
			t.Errorf("%q: %v, want %s", d, err, CodeWatchFolderUnsafe)
		}
	}
	for _, d := range []string{"/home/ana/Scans", "/Users/ana/Desktop/Screenshots", "/srv/inbox", "/mnt/share/team", "/var/spool/scans",
		"/tmp/drop", "/home/ana/.cache-not/x"} {
		if runtime.GOOS == "windows" {
			if why := unsafeWatchFolder(d); why != "" {
				t.Errorf("%q refused: %s", d, why)
			}
			continue
		}
		p := permProfile()
		p.WatchFolders = []string{d}
		if err := p.Validate(); err != nil {
			t.Errorf("%q refused: %v", d, err)
		}
	}
	for _, d := range []string{`C:\`, `C:\Windows`, `c:\windows\system32`, `C:\Program Files`, `C:\ProgramData`, `C:\Users`,
		`C:\Users\ana`, `C:\Users\ana\.ssh`, `C:\Users\ana\AppData`} {
		if why := unsafeWatchFolder(d); why == "" {
			t.Errorf("%q: not refused", d)
		}
	}
	if why := unsafeWatchFolder(`C:\Users\ana\Scans`); why != "" {
		t.Errorf(`C:\Users\ana\Scans refused: %s`, why)
	}
}
