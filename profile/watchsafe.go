package profile

import (
	"path"
	"strings"
)

// A watch folder uploads every file that appears in it, unattended, and a
// profile file anyone could forge can name one (issue 20, finding 5). So
// system folders, whole home folders and the places secrets live are
// refused, whatever the profile says; a folder inside a home folder
// (Scans, Desktop/Screenshots) or on a share is what watching is for.

// systemFolders may not be watched, nor anything inside them.
var systemFolders = []string{"/etc", "/root", "/proc", "/sys", "/dev", "/boot", "/bin", "/sbin", "/lib", "/lib64",
	"/usr", "/run", "/private/etc", "/System", "/Library",
	"c:/windows", "c:/program files", "c:/program files (x86)", "c:/programdata"}

// wholeFolders hold other folders worth watching, but may not be watched
// as a whole: "/var" (its spool folders are fine), the homes' parents.
var wholeFolders = []string{"/var", "/home", "/Users", "c:/users", "/Volumes", "/mnt", "/media", "/srv", "/opt", "/tmp"}

// secretNames are folders that hold keys and tokens, at any depth.
var secretNames = []string{".ssh", ".gnupg", ".aws", ".azure", ".kube", ".docker", ".password-store", ".config",
	"keyrings", "appdata", ".local"}

// homeParents are where home folders live: a folder right under one is
// somebody's whole home, with its secrets.
var homeParents = []string{"/home", "/Users", "c:/users"}

// unsafeWatchFolder names why the absolute folder d may not be watched:
// "system" (a system folder or a drive's root), "home" (a whole home
// folder, or a folder holding many), "secret" (a place keys are kept);
// "" when it may. Windows paths are compared without case, with either
// slash, so the check is the same on every OS.
func unsafeWatchFolder(d string) string {
	p := strings.ReplaceAll(d, `\`, "/")
	win := len(p) >= 2 && p[1] == ':'
	if win {
		p = strings.ToLower(p)
	}
	p = path.Clean(p)
	if p == "/" || win && len(p) <= 3 {
		return "system"
	}
	for _, s := range systemFolders {
		if p == s || strings.HasPrefix(p, s+"/") {
			return "system"
		}
	}
	for _, seg := range strings.Split(p, "/") {
		for _, n := range secretNames {
			if strings.EqualFold(seg, n) {
				return "secret"
			}
		}
	}
	for _, s := range wholeFolders {
		if p == s {
			return "home"
		}
	}
	for _, h := range homeParents {
		if path.Dir(p) == h {
			return "home"
		}
	}
	return ""
}
