package profile

import (
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"cosdrop/auth"
)

// Watch folder validation codes (Error.Code, field "watch-folders").
const (
	CodeWatchFolderRelative  auth.Code = "watch-folder-relative"
	CodeWatchFolderDuplicate auth.Code = "watch-folder-duplicate"
	CodeWatchFolderSameName  auth.Code = "watch-folder-same-name"
	CodeWatchFolderUnsafe    auth.Code = "watch-folder-unsafe"
)

func init() {
	templates[CodeWatchFolderRelative] = "watch folder {{.Value}} must be a full path (starting at / or a drive letter)"
	templates[CodeWatchFolderDuplicate] = "watch folder {{.Value}} is listed twice"
	templates[CodeWatchFolderSameName] = "watch folders {{.Value}} and {{.Other}} have the same name, so their files would get the same object keys"
	templates[CodeWatchFolderUnsafe] = "watch folder {{.Value}} may not be watched: it is a system folder, a whole home folder or a place where keys are kept, and every file in it would be uploaded. Choose a folder made for the files to upload"
}

// checkWatchFolders validates a profile's watch folders: full paths (a
// relative one would depend on where CosDrop was started), no control
// characters, each once, no two of the same name (a folder's name starts
// its files' keys, as in `cosdrop upload FOLDER`). A folder that does not exist yet is allowed: a
// network share may be mounted later, and the watch says so while it waits.
func checkWatchFolders(dirs []string) error {
	seen := map[string]bool{}
	names := map[string]string{} // a folder's name starts its files' keys
	for _, d := range dirs {
		if !filepath.IsAbs(d) || strings.ContainsFunc(d, unicode.IsControl) {
			return profileErr("watch-folders", CodeWatchFolderRelative, "Value", quote(d))
		}
		if unsafeWatchFolder(d) != "" {
			return profileErr("watch-folders", CodeWatchFolderUnsafe, "Value", quote(d))
		}
		c := filepath.Clean(d)
		if seen[c] {
			return profileErr("watch-folders", CodeWatchFolderDuplicate, "Value", quote(d))
		}
		seen[c] = true
		if other, ok := names[filepath.Base(c)]; ok {
			return profileErr("watch-folders", CodeWatchFolderSameName, "Value", quote(other), "Other", quote(d))
		}
		names[filepath.Base(c)] = d
	}
	return nil
}

// proposeWatchFolders makes an imported profile's watch folders proposals:
// none is watched until the user confirms it.
func (p *Profile) proposeWatchFolders() {
	for _, d := range p.WatchFolders {
		if !slices.Contains(p.ProposedWatchFolders, d) {
			p.ProposedWatchFolders = append(p.ProposedWatchFolders, d)
		}
	}
	p.WatchFolders = nil
}

// ConfirmWatchFolder settles the proposed folder dir: watched when yes,
// dropped otherwise. A folder not proposed is left alone.
func (p *Profile) ConfirmWatchFolder(dir string, yes bool) {
	i := slices.Index(p.ProposedWatchFolders, dir)
	if i < 0 {
		return
	}
	p.ProposedWatchFolders = slices.Delete(slices.Clone(p.ProposedWatchFolders), i, i+1)
	if len(p.ProposedWatchFolders) == 0 {
		p.ProposedWatchFolders = nil
	}
	if yes && !slices.Contains(p.WatchFolders, dir) {
		p.WatchFolders = append(slices.Clip(p.WatchFolders), dir)
	}
}
