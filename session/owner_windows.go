package session

import "io/fs"

// fileOwner: Windows has no numeric owner in FileInfo; the per-user temp
// folder's ACL keeps other users out.
func fileOwner(fs.FileInfo) (int, bool) { return 0, false }
